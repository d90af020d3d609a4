"""Building a pack from normalized identifiers: keyed tags, external sort with dedupe, sections, signed write.

Memory stays bounded whatever the input size: tags go to partitioned, compactly coded run files (sorter.py,
runs.py), sorted runs become each section's stored bits and prefix counts (sections.py), and the writer streams
the body. Temporary files live in `workdir` (default: next to the output, so a big
build uses the output disk, not a small /tmp) and are removed at the end, even on failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.catalog import Catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck_server.pack.sections import SectionWriter, write_sections_pack
from exposurecheck_server.pack.sorter import ExternalSorter

Progress = Callable[[str, int], None]
"""Called as `progress(stage, count)`: stage is "hashing", "sorting", "writing"; counts only, never values."""


@dataclass(frozen=True)
class BuildResult:
    files: tuple[Path, ...]
    entries: int
    counts: dict[str, int]  # distinct entries per identifier type
    records: int  # identifiers fed in, duplicates included
    prefix_bits: int


@dataclass(frozen=True)
class TaggedBatches:
    """Tags already computed with this build's salt (by the ingest's worker processes, so values never cross
    between processes one by one): per batch, {identifier type code: 8-byte big-endian tags back to back}."""

    salt: bytes
    batches: Iterable[Mapping[int, bytes]]


def _ignore(_stage: str, _count: int) -> None:
    pass


def build_pack(
    identifiers: Iterable[Identifier] | TaggedBatches,
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
    if isinstance(identifiers, TaggedBatches):
        salt = identifiers.salt
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
    identifiers: Iterable[Identifier] | TaggedBatches,
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
        if isinstance(identifiers, TaggedBatches):
            records = _add_tagged(identifiers.batches, sorter, progress)
        else:
            records = _hash_all(identifiers, salt, sorter, progress)
        hashed = dict(sorter.added_per_section)
        if prefix_bits is not None:  # tests: force an index size (the same for every section)
            hashed = {key: 1 << (prefix_bits + 6) for key in hashed}
        sections = SectionWriter(work, hashed)
        entries = 0
        for run in sorter.runs():
            entries += sections.add(run)
            progress("sorting", entries)
    finally:
        sorter.cleanup()
    progress("writing", entries)
    files, counts, bits = write_sections_pack(
        sections, entries, out=out, catalog=catalog, breach=breach, signing_key=signing_key, title=title,
        demo=demo, chunk_size=chunk_size, shard_size=shard_size, salt=salt,
    )  # fmt: skip
    return BuildResult(tuple(files), entries, counts, records, bits)


BATCH = 1 << 21  # tags per type held before they go to the sorter: 16 MiB each; bigger batches code smaller (runs.py)


def _hash_all(identifiers: Iterable[Identifier], salt: bytes, sorter: ExternalSorter, progress: Progress) -> int:
    # The hot loop, about a microsecond per value: per type a keyed-BLAKE2b state that has already absorbed the
    # type byte of `encode()` is copied (no re-keying), so the tag equals format.keyed_tag(salt, identifier)
    # exactly (a test checks it). Types are looked up by id(): an Enum's __hash__ runs Python code. Digests are
    # appended as bytes and turned into ints a batch at a time (in C), not one int per value.
    table: dict[int, tuple[Any, bytearray, int]] = {}
    for kind in IdentifierType:
        if kind is IdentifierType.PASSWORD:
            continue
        keyed = fmt.tag_hasher(salt, kind)
        keyed.update(bytes([kind.code]))
        table[id(kind)] = (keyed, bytearray(), kind.code)
    count = 0
    for identifier in identifiers:
        try:
            state, digests, _code = table[id(identifier.type)]
        except KeyError:
            raise UserError("pack.build.no_passwords") from None
        copy = state.copy()
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


def _add_tagged(batches: Iterable[Mapping[int, bytes]], sorter: ExternalSorter, progress: Progress) -> int:
    """Collect pre-computed tags per type and hand them to the sorter in BATCH-sized pieces."""
    pending: dict[int, bytearray] = {}
    count = 0
    for batch in batches:
        for code, tags in batch.items():
            if code == IdentifierType.PASSWORD.code:
                raise UserError("pack.build.no_passwords")
            full = pending.setdefault(code, bytearray())
            full += tags
            count += len(tags) // fmt.TAG_BYTES
            if len(full) >= BATCH * fmt.TAG_BYTES:
                sorter.add_batch(_as_ints(full), 0, code)
                del full[:]
        progress("hashing", count)
    for code, full in pending.items():
        if full:
            sorter.add_batch(_as_ints(full), 0, code)
    return count


def _as_ints(digests: bytearray) -> np.ndarray:
    """8-byte big-endian digests → their integer values (uint64)."""
    return np.frombuffer(digests, dtype=">u8").astype(np.uint64)


def load_catalog_file(path: Path) -> Catalog:
    """A catalog file in the project's format or HIBP's v3 breach JSON (`Name` is the id)."""
    from exposurecheck.core.catalog import catalog_from_json

    try:
        data = path.read_bytes()
    except OSError:
        raise UserError("pack.build.catalog_unreadable", file=str(path)) from None
    return catalog_from_json(data)
