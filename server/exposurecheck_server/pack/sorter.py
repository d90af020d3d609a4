"""External sort of pack entries with bounded memory: partition by the tag's top byte, then sort each run.

Tags arrive in batches (one identifier type and one breach per batch). Each batch is sorted in C (`sorted` on an
array of ints), cut at the 256 first-byte boundaries by bisection, and each slice is appended to that run's file
as a block — no per-entry Python work besides the sort, which is what makes the build fast. Memory holds one
batch at a time.

Each run is then read back, deduplicated and sorted on its own; a run larger than `max_run` entries is split again
by the next byte (recursively), so no single sort ever holds more than about `max_run` entries. Runs come out in
tag order, so their concatenation is the sorted pack.
"""

from __future__ import annotations

import bisect
import struct
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

FANOUT = 256
_BLOCK = struct.Struct("<IHB")  # entry count, breach index, identifier type code; then count u64 tags
_MAX_DEPTH = 7  # after 7 splits every entry of a run shares its first 8 bytes: it is one tag


@dataclass
class SortedRun:
    """Unique entries of one run, sorted by (tag, breach index)."""

    tags: array  # 'Q'
    breaches: array  # 'H'
    types: Counter[int]  # distinct stored entries per identifier type code


class ExternalSorter:
    def __init__(self, workdir: Path, *, max_run: int = 2_000_000) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="ecpack-sort-", dir=workdir))
        self._max_run = max_run
        self._files = [(self._dir / f"run-{i:02x}").open("wb") for i in range(FANOUT)]
        self.added = 0

    def add_batch(self, tags: array, breach: int, type_code: int) -> None:
        """Add tags (an array 'Q' of any size) of one identifier type found in one breach."""
        if not tags:
            return
        ordered = array("Q", sorted(tags))
        _write_partitioned(self._files, ordered, breach, type_code, shift=56)
        self.added += len(tags)

    def runs(self) -> Iterator[SortedRun]:
        """Sorted unique entries, run by run in tag order. Call once, after the last `add_batch`."""
        for handle in self._files:
            handle.close()
        for run in range(FANOUT):
            yield from _sorted_runs(self._dir / f"run-{run:02x}", 1, self._max_run)

    def cleanup(self) -> None:
        for handle in self._files:
            handle.close()
        for path in self._dir.glob("*"):
            path.unlink(missing_ok=True)
        self._dir.rmdir()


def _write_partitioned(files: list[BinaryIO], ordered: array, breach: int, type_code: int, shift: int) -> None:
    """Append sorted `ordered` to the files by the byte at `shift`, one block per file that gets any entries."""
    position = 0
    total = len(ordered)
    first_byte = (ordered[0] >> shift) & 0xFF
    last_byte = (ordered[-1] >> shift) & 0xFF
    base = (ordered[0] >> shift >> 8) << shift << 8  # the higher bytes, shared by the whole (sub)run
    for part in range(first_byte, last_byte + 1):
        end = total if part == last_byte else bisect.bisect_left(ordered, base | ((part + 1) << shift), position)
        if end > position:
            files[part].write(_BLOCK.pack(end - position, breach, type_code))
            ordered[position:end].tofile(files[part])
        position = end


def _blocks(path: Path) -> Iterator[tuple[array, int, int]]:
    with path.open("rb") as handle:
        while header := handle.read(_BLOCK.size):
            count, breach, type_code = _BLOCK.unpack(header)
            tags = array("Q")
            tags.fromfile(handle, count)
            yield tags, breach, type_code


def _sorted_runs(path: Path, depth: int, max_run: int) -> Iterator[SortedRun]:
    entries = path.stat().st_size // 8  # close enough: block headers are 7 bytes per block
    if entries > max_run and depth <= _MAX_DEPTH:
        yield from _split(path, depth, max_run)
        return
    blocks = list(_blocks(path))
    path.unlink()
    if blocks:
        yield _sort_unique(blocks)


def _split(path: Path, depth: int, max_run: int) -> Iterator[SortedRun]:
    shift = 56 - 8 * depth
    parts = [path.with_name(f"{path.name}-{i:02x}") for i in range(FANOUT)]
    handles = [p.open("wb") for p in parts]
    try:
        for tags, breach, type_code in _blocks(path):
            _write_partitioned(handles, tags, breach, type_code, shift)  # blocks are sorted already
    finally:
        for handle in handles:
            handle.close()
    path.unlink()
    for part in parts:
        yield from _sorted_runs(part, depth + 1, max_run)


def _sort_unique(blocks: list[tuple[array, int, int]]) -> SortedRun:
    breaches = {breach for _, breach, _ in blocks}
    if len(breaches) == 1:
        # One breach (the usual build). Blocks are sorted already, so sorting their concatenation is a cheap merge
        # (Timsort finds the runs), and duplicates end up adjacent: far cheaper than a set and a second full sort.
        by_type: dict[int, list[array]] = {}
        for tags, _, type_code in blocks:
            by_type.setdefault(type_code, []).append(tags)
        counts: Counter[int] = Counter()
        uniques = []
        for type_code, arrays in by_type.items():
            unique = _dedupe_sorted(sorted(chain.from_iterable(arrays)))
            counts[type_code] = len(unique)
            uniques.append(unique)
        ordered = uniques[0] if len(uniques) == 1 else _dedupe_sorted(sorted(chain.from_iterable(uniques)))
        return SortedRun(array("Q", ordered), array("H", [breaches.pop()]) * len(ordered), counts)
    combined: dict[int, int] = {}
    for tags, breach, type_code in blocks:
        for tag in tags:
            combined[(tag << 16) | breach] = type_code
    keys = sorted(combined)
    # Counted per stored entry: an identifier listed in two breaches is stored (and counted) twice.
    return SortedRun(
        array("Q", (k >> 16 for k in keys)), array("H", (k & 0xFFFF for k in keys)), Counter(combined.values())
    )


def _dedupe_sorted(values: list[int]) -> list[int]:
    """A sorted list without repeats (equal values are adjacent)."""
    if not values:
        return values
    unique = [x for x, following in zip(values, islice(values, 1, None), strict=False) if x != following]
    unique.append(values[-1])
    return unique
