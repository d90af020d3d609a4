"""Which text encoding an input file is in: detected from its bytes, or chosen with `--encoding` and checked.

Detection, in order:
1. a byte-order mark says UTF-8, UTF-16 LE/BE or UTF-32 LE/BE;
2. NUL bytes without a mark: UTF-16 without a mark (the operator is asked to name the byte order) or not text;
3. the lines with non-ASCII bytes in samples from the start, the middle and the end: if at least 90% of them are
   valid UTF-8 the file is UTF-8; else if at least 90% are valid GB18030 (which includes GBK and GB2312) it is
   GB18030 (unless it reads as Big5 just as well and looks like it: then the operator is asked, see
   `_reads_as_big5`); otherwise the operator is asked to name the encoding. (UTF-8 text is almost never valid
   GB18030 and the reverse, so the shares are far apart; the 10% leaves room for a stray byte in a column nobody
   uses.)

A chosen legacy encoding (GBK, Big5, Latin-1, ...) is checked on the same samples, so a wrong choice fails at once
instead of garbling every row: the file must decode in it, and must not plainly be UTF-8. Neither check is the last
word: every used field is decoded strictly later, and a field that does not
decode is counted ("undecodable") and reported, never guessed at.

Fields are split on ASCII bytes (`,` `"` TAB CR LF) before they are decoded. That is exact for encodings in which
those bytes never occur inside a multi-byte character: UTF-8, GB18030/GBK (trail bytes 0x40-0xFE, four-byte
forms use 0x30-0x39), Big5, Shift-JIS, EUC and the single-byte code pages. Any other encoding (UTF-16/32,
ISO-2022, ...) is first transcoded to a UTF-8 spool file, with undecodable input turned into bytes that fail UTF-8
decoding, so they are still counted per field.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from exposurecheck.core.errors import UserError

SAMPLE_BYTES = 64 * 1024
SAMPLES = 8  # besides the start of the file
MIN_CLEAN = 0.9  # share of sampled non-ASCII lines that must decode for an encoding to be taken
BIG5_OUTSIDE_GB2312 = 0.2  # above this share of characters outside GB2312, "GB18030" text may be Big5: ask
_BOMS = (  # longest first: the UTF-32 LE mark begins with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Encodings whose multi-byte characters never contain the bytes fields are split on (see the module docstring).
_SPLITTABLE = frozenset(
    {"utf-8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "shift_jis", "cp932", "euc_jp", "euc_kr",
     "cp949", "ascii", "latin-1", "iso8859-1", "cp1252"}
    | {f"iso8859-{n}" for n in range(2, 17)}
    | {f"cp125{n}" for n in range(0, 9)}
)  # fmt: skip
_ESCAPE = "exposurecheck-ingest-escape"


@dataclass(frozen=True)
class Decoding:
    """How to read one file: decode each field with `codec` after skipping `skip` bytes (a byte-order mark)."""

    codec: str
    skip: int = 0
    detected: bool = False
    transcode_from: str | None = None  # read through a UTF-8 spool made from this encoding

    @property
    def label(self) -> str:
        return self.transcode_from or self.codec


def resolve(path: Path, requested: str | None) -> Decoding:
    """The decoding for `path`: the requested encoding (checked against the file) or the detected one."""
    head, samples = _read_samples(path)
    bom, bom_codec = _bom(head)
    if requested is not None:
        return _checked_choice(path, requested, bom, bom_codec, samples)
    if bom_codec is not None:
        return _decoding(bom_codec, skip=len(bom), detected=True)
    if b"\x00" in head:
        raise UserError(_nul_key(head), file=str(path))
    for candidate in ("utf-8", "gb18030"):
        if _clean_share(samples, candidate) >= MIN_CLEAN:
            if candidate == "gb18030" and _reads_as_big5(samples):
                raise UserError("ingest.encoding_gb_or_big5", file=str(path))
            return Decoding(candidate, detected=True)
    raise UserError("ingest.encoding_unknown_content", file=str(path))


def _reads_as_big5(samples: list[bytes]) -> bool:
    """Whether text that decodes as GB18030 is more likely Big5 (Taiwan, Hong Kong): Big5 bytes are nearly always
    valid GB18030 too, so a Big5 dump would be read as garbled characters, silently. Mainland text is nearly all in
    GB2312's repertoire (measured: about 1% outside it, the rare name characters); Big5 text read as GB18030 is
    not (about 45%: every Big5 character whose second byte is 0x40-0x7E becomes a GBK extension character). When
    the samples also decode as Big5 and over 20% of their characters fall outside GB2312, the operator is asked."""
    if _clean_share(samples, "big5", default=0.0) < MIN_CLEAN:
        return False
    outside = total = 0
    for sample in samples:
        for line in sample.split(b"\n")[:-1]:
            if line.isascii():
                continue
            text = line.decode("gb18030", errors="ignore")
            wide = [ch for ch in text if ord(ch) > 0x7F]
            total += len(wide)
            outside += sum(1 for ch in wide if not ch.encode("gb2312", errors="ignore"))
    return total > 0 and outside / total > BIG5_OUTSIDE_GB2312


def _decoding(codec: str, *, skip: int = 0, detected: bool = False) -> Decoding:
    if codec in _SPLITTABLE:
        return Decoding(codec, skip=skip, detected=detected)
    return Decoding("utf-8", skip=skip, detected=detected, transcode_from=codec)


def _checked_choice(
    path: Path, requested: str, bom: bytes, bom_codec: str | None, samples: list[bytes]
) -> Decoding:
    try:
        name = codecs.lookup(requested).name
    except LookupError:
        raise UserError("ingest.encoding_unknown_name", name=requested) from None
    if name == "utf-8-sig":
        name = "utf-8"
    if bom_codec is not None:
        # A byte-order mark is unambiguous: a choice that disagrees with it is a mistake, not a preference.
        agreeing = {bom_codec, bom_codec.rsplit("-", 1)[0]} if bom_codec != "utf-8" else {bom_codec}
        if name not in agreeing:
            raise UserError("ingest.encoding_bom_mismatch", file=str(path), encoding=requested, found=bom_codec)
        return _decoding(bom_codec, skip=len(bom))
    if name in ("utf-16", "utf-32"):
        raise UserError("ingest.encoding_needs_byte_order", file=str(path), encoding=requested)
    if name not in _SPLITTABLE:  # UTF-16/32 and the like: lines cannot be cut from the bytes, check the start
        if not _decodes(samples[0], name):
            raise UserError("ingest.encoding_mismatch", file=str(path), encoding=requested)
    elif name != "utf-8":
        # Legacy encodings decode almost any bytes, so a wrong choice would not fail later, it would garble:
        # refuse one that the file's text plainly is not, and a file that plainly is UTF-8. (UTF-8 itself is
        # strict: a wrong choice shows up as undecodable values, counted and reported field by field.)
        if _clean_share(samples, "utf-8", default=0.0) >= MIN_CLEAN:
            raise UserError("ingest.encoding_looks_utf8", file=str(path), encoding=requested)
        if _clean_share(samples, name) < MIN_CLEAN:
            raise UserError("ingest.encoding_mismatch", file=str(path), encoding=requested)
    return _decoding(name)


def _bom(head: bytes) -> tuple[bytes, str | None]:
    for mark, codec in _BOMS:
        if head.startswith(mark):
            return mark, codec
    return b"", None


def _nul_key(head: bytes) -> str:
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    if odd > half // 4 and odd > even * 4:
        return "ingest.encoding_utf16le_no_bom"
    if even > half // 4 and even > odd * 4:
        return "ingest.encoding_utf16be_no_bom"
    return "ingest.encoding_binary"


def _read_samples(path: Path) -> tuple[bytes, list[bytes]]:
    """The first SAMPLE_BYTES, and samples spread over the file, each starting after a line break."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(SAMPLE_BYTES)
            samples = [head]
            if size > SAMPLE_BYTES * 2:
                for i in range(1, SAMPLES + 1):
                    handle.seek(max(SAMPLE_BYTES, size * i // (SAMPLES + 1) - SAMPLE_BYTES))
                    chunk = handle.read(SAMPLE_BYTES)
                    start = chunk.find(b"\n") + 1
                    if start:
                        samples.append(chunk[start:])
    except OSError:
        raise UserError("ingest.unreadable", file=str(path)) from None
    bom, _ = _bom(head)
    samples[0] = head[len(bom) :]
    return head, samples


def _decodes(sample: bytes, codec: str) -> bool:
    """Whether `sample` is valid in `codec`, allowing a character cut off at its end."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _clean_share(samples: list[bytes], codec: str, default: float = 1.0) -> float:
    """The share of the samples' complete lines with non-ASCII bytes that decode strictly in `codec` (`default`
    if there are none)."""
    clean = total = 0
    for sample in samples:
        for line in sample.split(b"\n")[:-1]:  # the last piece may be cut off mid-character
            if line.isascii():
                continue
            total += 1
            try:
                line.decode(codec)
            except UnicodeDecodeError:
                continue
            clean += 1
    return clean / total if total else default


def _escape(error: UnicodeError) -> tuple[str, int]:
    # Undecodable input becomes lone surrogates; written with "surrogatepass" they are bytes that strict UTF-8
    # refuses, so the field they land in is counted as undecodable instead of silently changed.
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(_ESCAPE, _escape)


@contextmanager
def readable(path: Path, decoding: Decoding, scratch: Path) -> Iterator[tuple[Path, Decoding]]:
    """The file to split into fields and how to decode them: `path` itself, or a UTF-8 spool in `scratch`."""
    if decoding.transcode_from is None:
        yield path, decoding
        return
    spool = scratch / f".ingest-{os.getpid()}-{abs(hash(path))}.utf8"
    try:
        try:
            _transcode(path, decoding, spool)
        except OSError:
            # Only writing the spool is this folder's fault: an error while the build reads it (the body of the
            # with statement) keeps its own cause instead of becoming "could not write temporary files".
            raise UserError("ingest.scratch_failed", folder=str(scratch)) from None
        yield spool, Decoding("utf-8", detected=decoding.detected, transcode_from=decoding.transcode_from)
    finally:
        spool.unlink(missing_ok=True)


def _transcode(path: Path, decoding: Decoding, spool: Path) -> None:
    decoder = codecs.getincrementaldecoder(decoding.transcode_from or decoding.codec)(errors=_ESCAPE)
    with path.open("rb") as source, spool.open("wb") as target:
        source.seek(decoding.skip)
        while block := source.read(1 << 20):
            target.write(decoder.decode(block).encode("utf-8", "surrogatepass"))
        target.write(decoder.decode(b"", final=True).encode("utf-8", "surrogatepass"))
