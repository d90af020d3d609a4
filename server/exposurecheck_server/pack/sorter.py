"""External sort of pack entries with bounded memory and compact scratch files.

Tags arrive in batches (one identifier type and one breach per batch). Each batch is sorted (numpy), cut at the
256 first-byte boundaries, and each slice is appended to that run's file as a block. Memory holds one batch.

Blocks are Elias-Fano coded (runs.py), so the scratch files cost about 46 bits per tag instead of 64: the
sort's temporary disk stays within the 1.2x-the-pack budget (docs/pack-format.md) although a version-2 pack
stores only 40 bits plus the prefix per entry.

Each run is then read back, deduplicated and sorted on its own, per (type, breach) section; a run larger than
`max_run` entries is split again by the next byte (recursively), so no single sort ever holds more than about
`max_run` entries. Runs come out in tag order, so their concatenation is each section sorted.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from exposurecheck_server.pack import runs

FANOUT = 256
_MAX_DEPTH = 7  # after 7 splits every entry of a run shares its first 8 bytes: it is one tag

SectionKey = tuple[int, int]  # (identifier type code, breach index)


@dataclass
class SortedRun:
    """Unique entries of one run: per (type code, breach index), the sorted distinct tags (uint64)."""

    sections: dict[SectionKey, np.ndarray] = field(default_factory=dict)


class ExternalSorter:
    def __init__(self, workdir: Path, *, max_run: int = 2_000_000) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="ecpack-sort-", dir=workdir))
        self._max_run = max_run
        self._files = [(self._dir / f"run-{i:02x}").open("wb") for i in range(FANOUT)]
        self._sizes = [0] * FANOUT
        self.added = 0
        self.added_per_section: Counter[SectionKey] = Counter()

    def add_batch(self, tags: np.ndarray | object, breach: int, type_code: int) -> None:
        """Add tags (a uint64 array, or anything numpy turns into one) of one type found in one breach."""
        values = np.asarray(tags, dtype=np.uint64)
        if not len(values):
            return
        ordered = np.sort(values)
        _write_partitioned(self._files, self._sizes, ordered, breach, type_code, depth=0)
        self.added += len(values)
        self.added_per_section[(type_code, breach)] += len(values)

    def runs(self) -> Iterator[SortedRun]:
        """Sorted unique entries, run by run in tag order. Call once, after the last `add_batch`."""
        for handle in self._files:
            handle.close()
        for run in range(FANOUT):
            yield from _sorted_runs(self._dir / f"run-{run:02x}", run << 56, 1, self._sizes[run], self._max_run)

    def cleanup(self) -> None:
        for handle in self._files:
            handle.close()
        for path in self._dir.glob("*"):
            path.unlink(missing_ok=True)
        self._dir.rmdir()


def _write_partitioned(
    files: Sequence[BinaryIO], sizes: list[int], ordered: np.ndarray, breach: int, type_code: int, depth: int
) -> None:
    """Append sorted `ordered` (sharing their top `depth` bytes) to the files by the next byte, one block each."""
    shift = np.uint64(56 - 8 * depth)
    digits = (ordered >> shift) & np.uint64(0xFF)
    bounds = np.searchsorted(digits, np.arange(FANOUT + 1), side="left")
    for part in range(FANOUT):
        start, end = int(bounds[part]), int(bounds[part + 1])
        if end > start:
            files[part].write(runs.encode_block(ordered[start:end], depth + 1, breach, type_code))
            sizes[part] += end - start


def _sorted_runs(path: Path, base: int, depth: int, entries: int, max_run: int) -> Iterator[SortedRun]:
    if entries > max_run and depth <= _MAX_DEPTH:
        yield from _split(path, base, depth, max_run)
        return
    blocks = list(runs.read_blocks(path, base, depth))
    path.unlink()
    if blocks:
        yield _sort_unique(blocks)


def _split(path: Path, base: int, depth: int, max_run: int) -> Iterator[SortedRun]:
    parts = [path.with_name(f"{path.name}-{i:02x}") for i in range(FANOUT)]
    sizes = [0] * FANOUT
    handles = [p.open("wb") for p in parts]
    try:
        for tags, breach, type_code in runs.read_blocks(path, base, depth):
            _write_partitioned(handles, sizes, tags, breach, type_code, depth)  # blocks are sorted already
    finally:
        for handle in handles:
            handle.close()
    path.unlink()
    shift = 56 - 8 * depth
    for number, part in enumerate(parts):
        yield from _sorted_runs(part, base | (number << shift), depth + 1, sizes[number], max_run)


def _sort_unique(blocks: list[tuple[np.ndarray, int, int]]) -> SortedRun:
    grouped: dict[SectionKey, list[np.ndarray]] = {}
    for tags, breach, type_code in blocks:
        grouped.setdefault((type_code, breach), []).append(tags)
    # np.unique sorts and drops repeats in C; an identifier listed twice in one breach is stored once.
    return SortedRun({key: np.unique(np.concatenate(arrays)) for key, arrays in sorted(grouped.items())})
