"""Version-2 pack sections from sorted runs: scratch arrays per (type, breach), then the body in order.

Each section's prefix bits are fixed before its first entry arrives, from the number of values hashed for it
(duplicates included, so at most a bit or two more than the deduplicated count would give): the stored 40 bits
depend on them. For every sorted run the section's tags become a u32 "high" and a u8 "low" array, appended to
two scratch files (5 bytes per entry: the pack's size, so the build's temporary disk stays near the pack's), and
its per-prefix counts are added to an in-memory table (4 bytes per prefix: 32 MiB at 10^9 entries).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.catalog import Catalog, catalog_to_json
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck_server.pack.sorter import SectionKey, SortedRun
from exposurecheck_server.pack.writer import PackMeta, write_pack

_COPY_BLOCK = 1 << 20


@dataclass
class _Scratch:
    prefix_bits: int
    high: Path
    low: Path
    counts: np.ndarray  # entries per prefix (uint64, summed to u32 positions at the end)
    entries: int = 0


class SectionWriter:
    """Collects sorted runs into per-section scratch files; `body()` then streams the version-2 body."""

    def __init__(self, work: Path, hashed: Mapping[SectionKey, int]) -> None:
        self._scratch: dict[SectionKey, _Scratch] = {}
        for type_code, breach in sorted(hashed):
            bits = fmt.v2_prefix_bits_for(hashed[(type_code, breach)])
            name = f"section-{type_code}-{breach}"
            scratch = _Scratch(bits, work / f"{name}.high", work / f"{name}.low", np.zeros(1 << bits, np.uint64))
            scratch.high.write_bytes(b"")
            scratch.low.write_bytes(b"")
            self._scratch[(type_code, breach)] = scratch

    def add(self, run: SortedRun) -> int:
        """Append one run's entries (runs arrive in tag order); returns how many were added."""
        added = 0
        for key, tags in run.sections.items():
            scratch = self._scratch[key]
            bits = scratch.prefix_bits
            kept = tags >> np.uint64(fmt.V2_MAX_PREFIX_BITS - bits)
            prefixes = (kept >> np.uint64(fmt.RESIDUAL_BITS)).astype(np.int64)
            with scratch.high.open("ab") as high:
                ((kept >> np.uint64(8)) & np.uint64(0xFFFFFFFF)).astype("<u4").tofile(high)
            with scratch.low.open("ab") as low:
                (kept & np.uint64(0xFF)).astype(np.uint8).tofile(low)
            first = int(prefixes[0])
            scratch.counts[first : int(prefixes[-1]) + 1] += np.bincount(prefixes - first).astype(np.uint64)
            scratch.entries += len(tags)
            if scratch.entries > fmt.MAX_SECTION_ENTRIES:
                raise UserError("pack.build.too_many_entries", limit=fmt.MAX_SECTION_ENTRIES)
            added += len(tags)
        return added

    def specs(self) -> tuple[tuple[str, int, int, int], ...]:
        """The meta's section table: (type, breach index, entries, prefix bits), in body order."""
        return tuple(
            (IdentifierType.from_code(code).value, breach, s.entries, s.prefix_bits)
            for (code, breach), s in self._scratch.items()
            if s.entries
        )

    def counts_per_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for (code, _breach), scratch in self._scratch.items():
            if scratch.entries:
                kind = IdentifierType.from_code(code).value
                counts[kind] = counts.get(kind, 0) + scratch.entries
        return counts

    def body(self) -> Iterator[bytes]:
        """The body: every non-empty section's index, zero padding to 8 bytes, then per section its high and low
        arrays and zero padding to 8 (format.layout_sections)."""
        present = [scratch for scratch in self._scratch.values() if scratch.entries]
        index_bytes = 0
        for scratch in present:
            index = np.zeros(len(scratch.counts) + 1, dtype="<u4")
            index[1:] = np.cumsum(scratch.counts)  # < 2^32: a section's entries are capped below it
            index_bytes += index.nbytes
            yield index.tobytes()
        yield bytes(-index_bytes % 8)
        for scratch in present:
            for path in (scratch.high, scratch.low):
                with path.open("rb") as handle:
                    while block := handle.read(_COPY_BLOCK):
                        yield block
            yield bytes(-(5 * scratch.entries) % 8)


def write_sections_pack(
    sections: SectionWriter,
    entries: int,
    *,
    out: Path,
    catalog: Catalog,
    breach: str,
    signing_key: Ed25519PrivateKey,
    title: str,
    demo: bool,
    chunk_size: int,
    shard_size: int,
    salt: bytes,
) -> tuple[list[Path], dict[str, int], int]:
    """Sign and write the pack whose sections are complete: (files, entries per type, largest prefix bits)."""
    counts = sections.counts_per_type()
    specs = sections.specs()
    meta = PackMeta(
        title=title or catalog[breach].title_en or breach,
        demo=demo,
        salt=salt,
        breaches=(breach,),
        types=tuple(sorted(counts)),
        counts=counts,
        entries=entries,
        chunk_size=chunk_size,
        sections=specs,
    )
    embedded = catalog_to_json(Catalog([catalog[breach]]))
    files = write_pack(out, meta=meta, catalog_json=embedded, body=sections.body, signing_key=signing_key,
                       shard_size=shard_size)  # fmt: skip
    return files, counts, max((spec[3] for spec in specs), default=0)
