"""External sort of pack entries with bounded memory: partition by the tag's top byte, then sort each run.

Entries are (tag, breach index, type code). They are appended to 256 run files by the tag's first byte, in small
buffers, so memory stays flat however many records stream in. Each run is then read back, deduplicated and sorted
on its own; a run larger than `max_run` entries is split again by the next byte (recursively), so no single sort
ever holds more than about `max_run` entries. Runs come out in tag order, so their concatenation is the sorted
pack.
"""

from __future__ import annotations

import struct
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

FANOUT = 256
_BLOCK = struct.Struct("<I")
_MAX_DEPTH = 7  # 8 bytes of tag: after 7 splits every run shares its first 8 bytes, i.e. it is one tag


@dataclass
class SortedRun:
    """Unique entries of one run, sorted by (tag, breach index)."""

    tags: array  # 'Q'
    breaches: array  # 'H'
    types: Counter[int]  # distinct entries per identifier type code


class ExternalSorter:
    def __init__(self, workdir: Path, *, buffer_entries: int = 4096, max_run: int = 2_000_000) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="ecpack-sort-", dir=workdir))
        self._buffer = buffer_entries
        self._max_run = max_run
        self._tags = [array("Q") for _ in range(FANOUT)]
        self._breaches = [array("H") for _ in range(FANOUT)]
        self._types = [array("B") for _ in range(FANOUT)]
        self._files = [(self._dir / f"run-{i:02x}").open("wb") for i in range(FANOUT)]
        self.added = 0

    def add(self, tag: int, breach: int, type_code: int) -> None:
        run = tag >> 56
        tags = self._tags[run]
        tags.append(tag)
        self._breaches[run].append(breach)
        self._types[run].append(type_code)
        self.added += 1
        if len(tags) >= self._buffer:
            self._flush(run)

    def _flush(self, run: int) -> None:
        _write_block(self._files[run], self._tags[run], self._breaches[run], self._types[run])
        self._tags[run] = array("Q")
        self._breaches[run] = array("H")
        self._types[run] = array("B")

    def runs(self) -> Iterator[SortedRun]:
        """Sorted unique entries, run by run in tag order. Call once, after the last `add`."""
        for run in range(FANOUT):
            self._flush(run)
            self._files[run].close()
        for run in range(FANOUT):
            yield from _sorted_runs(self._dir / f"run-{run:02x}", 1, self._max_run)

    def cleanup(self) -> None:
        for handle in self._files:
            handle.close()
        for path in self._dir.glob("*"):
            path.unlink(missing_ok=True)
        self._dir.rmdir()


def _write_block(handle: object, tags: array, breaches: array, types: array) -> None:
    if not tags:
        return
    handle.write(_BLOCK.pack(len(tags)))  # type: ignore[attr-defined]
    tags.tofile(handle)  # type: ignore[arg-type]
    breaches.tofile(handle)  # type: ignore[arg-type]
    types.tofile(handle)  # type: ignore[arg-type]


def _blocks(path: Path) -> Iterator[tuple[array, array, array]]:
    with path.open("rb") as handle:
        while header := handle.read(_BLOCK.size):
            (count,) = _BLOCK.unpack(header)
            tags, breaches, types = array("Q"), array("H"), array("B")
            tags.fromfile(handle, count)
            breaches.fromfile(handle, count)
            types.fromfile(handle, count)
            yield tags, breaches, types


def _sorted_runs(path: Path, depth: int, max_run: int) -> Iterator[SortedRun]:
    entries = path.stat().st_size // 11  # 8 + 2 + 1 bytes per entry, plus small block headers
    if entries > max_run and depth <= _MAX_DEPTH:
        yield from _split(path, depth, max_run)
        return
    tags, breaches, types = array("Q"), array("H"), array("B")
    for block in _blocks(path):
        tags.extend(block[0])
        breaches.extend(block[1])
        types.extend(block[2])
    path.unlink()
    if tags:
        yield _sort_unique(tags, breaches, types)


def _split(path: Path, depth: int, max_run: int) -> Iterator[SortedRun]:
    shift = 56 - 8 * depth
    parts = [path.with_name(f"{path.name}-{i:02x}") for i in range(FANOUT)]
    handles = [p.open("wb") for p in parts]
    try:
        for tags, breaches, types in _blocks(path):
            buckets: dict[int, list[int]] = {}
            for position, tag in enumerate(tags):
                buckets.setdefault((tag >> shift) & 0xFF, []).append(position)
            for part, positions in buckets.items():
                _write_block(
                    handles[part],
                    array("Q", (tags[i] for i in positions)),
                    array("H", (breaches[i] for i in positions)),
                    array("B", (types[i] for i in positions)),
                )
    finally:
        for handle in handles:
            handle.close()
    path.unlink()
    for part in parts:
        yield from _sorted_runs(part, depth + 1, max_run)


def _sort_unique(tags: array, breaches: array, types: array) -> SortedRun:
    if breaches.count(breaches[0]) == len(breaches):
        # One breach (the usual build): dedupe and sort plain ints, which CPython does at C speed.
        type_of = dict(zip(tags, types, strict=True))
        unique = sorted(type_of)
        counts = Counter(type_of.values())
        return SortedRun(array("Q", unique), array("H", [breaches[0]]) * len(unique), counts)
    combined = {(tag << 16) | breach: kind for tag, breach, kind in zip(tags, breaches, types, strict=True)}
    keys = sorted(combined)
    # Counted per stored entry: an identifier listed in two breaches is stored (and counted) twice.
    counts = Counter(combined.values())
    return SortedRun(array("Q", (k >> 16 for k in keys)), array("H", (k & 0xFFFF for k in keys)), counts)
