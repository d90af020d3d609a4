"""Building a pack from normalized identifiers: keyed tags, external sort with dedupe, index, signed write.

Memory stays bounded whatever the input size: tags go to partitioned run files (sorter.py), sorted runs are
appended to a tags file and a breach-index file, the prefix index is built by bisecting the memory-mapped tags
file, and the writer streams the body. Temporary files live in `workdir` (default: next to the output, so a big
build uses the output disk, not a small /tmp) and are removed at the end, even on failure.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.catalog import Catalog, catalog_to_json
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck_server.pack.sorter import ExternalSorter
from exposurecheck_server.pack.writer import PackMeta, build_index, write_pack

Progress = Callable[[str, int], None]
"""Called as `progress(stage, count)`: stage is "hashing", "sorting", "writing"; counts only, never values."""


@dataclass(frozen=True)
class BuildResult:
    files: tuple[Path, ...]
    entries: int
    counts: dict[str, int]  # distinct entries per identifier type
    records: int  # identifiers fed in, duplicates included
    prefix_bits: int


def _ignore(_stage: str, _count: int) -> None:
    pass


def build_pack(
    identifiers: Iterable[Identifier],
    *,
    out: Path,
    catalog: Catalog,
    breach: str,
    signing_key: Ed25519PrivateKey,
    title: str = "",
    demo: bool = False,
    chunk_size: int = fmt.DEFAULT_CHUNK_SIZE,
    shard_size: int = fmt.FAT32_MAX_FILE,
    prefix_bits: int | None = None,
    workdir: Path | None = None,
    progress: Progress = _ignore,
    salt: bytes | None = None,
) -> BuildResult:
    """Build a pack of `identifiers`, all listed under `breach` (an id in `catalog`, which is embedded)."""
    if breach not in catalog:
        raise UserError("pack.build.unknown_breach", breach=breach, known=", ".join(sorted(catalog)[:20]))
    if chunk_size & (chunk_size - 1) or not fmt.MIN_CHUNK_SIZE <= chunk_size <= fmt.MAX_CHUNK_SIZE:
        raise UserError("pack.build.bad_chunk_size")
    salt = salt or os.urandom(fmt.SALT_BYTES)
    scratch = workdir or out.parent
    try:
        work = Path(tempfile.mkdtemp(prefix=".ecpack-build-", dir=scratch))
    except OSError:
        raise UserError("pack.build.workdir_failed", folder=str(scratch)) from None
    try:
        return _build(identifiers, work, out=out, catalog=catalog, breach=breach, signing_key=signing_key,
                      title=title, demo=demo, chunk_size=chunk_size, shard_size=shard_size,
                      prefix_bits=prefix_bits, progress=progress, salt=salt)  # fmt: skip
    except OSError:
        # Most likely a full disk: say so plainly rather than with a traceback.
        raise UserError("pack.build.workdir_failed", folder=str(scratch)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build(
    identifiers: Iterable[Identifier],
    work: Path,
    *,
    out: Path,
    catalog: Catalog,
    breach: str,
    signing_key: Ed25519PrivateKey,
    title: str,
    demo: bool,
    chunk_size: int,
    shard_size: int,
    prefix_bits: int | None,
    progress: Progress,
    salt: bytes,
) -> BuildResult:
    sorter = ExternalSorter(work)
    try:
        records = _hash_all(identifiers, salt, sorter, progress)
        tags_path, breaches_path = work / "tags", work / "breaches"
        entries, counts = _write_sorted(sorter, tags_path, breaches_path, progress)
    finally:
        sorter.cleanup()
    bits = fmt.prefix_bits_for(entries) if prefix_bits is None else prefix_bits
    progress("writing", entries)
    index = build_index(tags_path, entries, bits)
    embedded = Catalog([catalog[breach]])
    meta = PackMeta(
        title=title or catalog[breach].title_en or breach,
        demo=demo,
        salt=salt,
        breaches=(breach,),
        types=tuple(sorted(counts)),
        counts=counts,
        entries=entries,
        prefix_bits=bits,
        chunk_size=chunk_size,
    )
    files = write_pack(
        out,
        meta=meta,
        catalog_json=catalog_to_json(embedded),
        index=index,
        tags_path=tags_path,
        breaches_path=breaches_path,
        signing_key=signing_key,
        shard_size=shard_size,
    )
    return BuildResult(tuple(files), entries, counts, records, bits)


BATCH = 1 << 20  # tags per type held before they go to the sorter: 8 MiB each


def _hash_all(identifiers: Iterable[Identifier], salt: bytes, sorter: ExternalSorter, progress: Progress) -> int:
    # The hot loop, about a microsecond per value: per type a keyed-BLAKE2b state that has already absorbed the
    # type byte of `encode()` is copied (no re-keying), so the tag equals format.keyed_tag(salt, identifier)
    # exactly (a test checks it). Types are looked up by id(): an Enum's __hash__ runs Python code. Digests are
    # appended as bytes and turned into ints a batch at a time (in C), not one int per value.
    table: dict[int, tuple[object, bytearray, int]] = {}
    for kind in IdentifierType:
        if kind is IdentifierType.PASSWORD:
            continue
        state = fmt.tag_hasher(salt, kind)
        state.update(bytes([kind.code]))
        table[id(kind)] = (state, bytearray(), kind.code)
    count = 0
    for identifier in identifiers:
        try:
            state, digests, _code = table[id(identifier.type)]
        except KeyError:
            raise UserError("pack.build.no_passwords") from None
        copy = state.copy()  # type: ignore[attr-defined]
        copy.update(identifier.canonical.encode())
        digests += copy.digest()
        count += 1
        if not count & 0xFFFF:  # checking sizes every 65,536 values, not every value, saves ~5% here
            for _state, full, code in table.values():
                if len(full) >= BATCH * fmt.TAG_BYTES:
                    sorter.add_batch(_as_ints(full), 0, code)
                    del full[:]
            progress("hashing", count)
    for _state, digests, code in table.values():
        sorter.add_batch(_as_ints(digests), 0, code)
    progress("hashing", count)
    return count


def _as_ints(digests: bytearray) -> array:
    """8-byte big-endian digests → an array of their integer values."""
    values = array("Q")
    values.frombytes(digests)
    if sys.byteorder == "little":
        values.byteswap()
    return values


def _write_sorted(
    sorter: ExternalSorter, tags_path: Path, breaches_path: Path, progress: Progress
) -> tuple[int, dict[str, int]]:
    entries = 0
    counts: Counter[int] = Counter()
    with tags_path.open("wb") as tags_file, breaches_path.open("wb") as breaches_file:
        for run in sorter.runs():
            _little_endian(run.tags).tofile(tags_file)
            _little_endian(run.breaches).tofile(breaches_file)
            entries += len(run.tags)
            counts.update(run.types)
            progress("sorting", entries)
    return entries, {IdentifierType.from_code(code).value: n for code, n in sorted(counts.items())}


def _little_endian(values: array) -> array:
    if sys.byteorder == "little":
        return values
    swapped = array(values.typecode, values)  # pragma: no cover - big-endian hosts only
    swapped.byteswap()  # pragma: no cover
    return swapped  # pragma: no cover


def load_catalog_file(path: Path) -> Catalog:
    """A catalog file in the project's format or HIBP's v3 breach JSON (`Name` is the id)."""
    from exposurecheck.core.catalog import catalog_from_json

    try:
        data = path.read_bytes()
    except OSError:
        raise UserError("pack.build.catalog_unreadable", file=str(path)) from None
    return catalog_from_json(data)
