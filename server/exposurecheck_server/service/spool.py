"""The service build's scratch files: compact, read back once, and bounded in memory (issue 16.3: temporary disk at
most 2x the finished site).

- `RecordSpool`: the records as they arrive, (encoded identifier, breach index), split by a hash of the identifier
  into PARTITIONS files of zlib-compressed blocks. Every copy of an identifier lands in the same partition, so each
  partition is deduplicated on its own, in memory. A partition with more than MAX_IN_MEMORY distinct identifiers
  is first split again by further bits of the hash (as often as needed): memory stays bounded however large the
  input, and duplicates never cause a split (they cost no memory).
- `EntrySpool`: the evaluated entries, (32-bit bucketing prefix, tag, breach index) as 14 bytes each, split by the
  prefix's top 8 bits into GROUPS files, with a count per 2^20 prefix range kept in memory: the bucket capacity
  (the fullest bucket) is known before the first bucket is written. Groups are read back in prefix order, sorted
  in memory, and handed to the bucket writer bucket by bucket.

Every file is deleted as soon as it has been read, so one stage's scratch shrinks while the next one's grows: the
peak is about the larger spool (14 bytes per entry), not the sum. The Spark engine's driver fills an EntrySpool
from the collected groups and writes the buckets with the same code (spark/service_job.py).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PARTITIONS = 256
SPLIT_BITS = 4  # a partition that is too big is split into 16
MAX_IN_MEMORY = 1 << 20  # distinct identifiers deduplicated at once (about 150 MB of Python objects)
_FLUSH = 128 * 1024  # bytes buffered per partition before a compressed block is appended
_RECORD = struct.Struct(">HH")  # identifier length, breach index; then the identifier
_BLOCK = struct.Struct(">I")  # compressed length of the block that follows

# One evaluated entry, exactly as the spool files hold it (packed: 14 bytes).
ENTRY = np.dtype([("prefix", ">u4"), ("tag", ">u8"), ("breach", ">u2")])
# One identifier's evaluation result (evaluate.py's RESULT_BYTES): bucketing prefix, tag.
RESULT = np.dtype([("prefix", ">u4"), ("tag", ">u8")])
GROUPS = 256
GROUP_SHIFT = 24  # group = prefix >> 24
COUNT_BITS = 20  # entries are counted per 2^20 prefix range: the most buckets a site has
MAX_BREACHES = 0xFFFE  # 0xFFFF marks padding in buckets


@dataclass(frozen=True)
class Partition:
    """One partition's distinct identifiers and its distinct (identifier, breach) pairs."""

    identifiers: list[bytes]  # in first-seen order; a pair's position refers to this list
    pairs: np.ndarray  # int64, position << 16 | breach index, sorted
    records: int  # records read, duplicates included

    def entries(self, evaluated: bytes) -> np.ndarray:
        """The pairs as ENTRY rows, given `evaluated` = RESULT rows for `identifiers`, in the same order."""
        results = np.frombuffer(evaluated, RESULT)
        positions = self.pairs >> 16
        out = np.empty(len(self.pairs), ENTRY)
        out["prefix"] = results["prefix"][positions]
        out["tag"] = results["tag"][positions]
        out["breach"] = self.pairs & 0xFFFF
        return out


class RecordSpool:
    """Records by hash partition, compressed; read back as deduplicated partitions (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self.records = 0
        self._buffers = [bytearray() for _ in range(PARTITIONS)]

    def add(self, data: bytes, breach: int) -> None:
        # hash() of bytes is SipHash, seeded per process: an even spread, and the spool never leaves this process.
        part = hash(data) & (PARTITIONS - 1)
        buffer = self._buffers[part]
        buffer += _RECORD.pack(len(data), breach)
        buffer += data
        self.records += 1
        if len(buffer) >= _FLUSH:
            _append_block(self._path(part), buffer)
            buffer.clear()

    def partitions(self) -> Iterator[Partition]:
        """Every partition, deduplicated, each file deleted once read."""
        for part, buffer in enumerate(self._buffers):
            if buffer:
                _append_block(self._path(part), buffer)
                buffer.clear()
        for part in range(PARTITIONS):
            path = self._path(part)
            if path.exists():
                yield from _deduplicated(path, PARTITIONS.bit_length() - 1)

    def _path(self, part: int) -> Path:
        return self.folder / f"{part:02x}"


def _append_block(path: Path, buffer: bytearray) -> None:
    packed = zlib.compress(buffer, 1)
    with path.open("ab") as handle:
        handle.write(_BLOCK.pack(len(packed)) + packed)


def _records(path: Path) -> Iterator[tuple[bytes, int]]:
    unpack = _RECORD.unpack_from
    with path.open("rb") as handle:
        while header := handle.read(_BLOCK.size):
            block = zlib.decompress(handle.read(_BLOCK.unpack(header)[0]))
            position, end = 0, len(block)
            while position < end:
                length, breach = unpack(block, position)
                position += _RECORD.size
                yield block[position : position + length], breach
                position += length


def _deduplicated(path: Path, used_bits: int) -> Iterator[Partition]:
    """`path`'s records as one Partition, or, past MAX_IN_MEMORY distinct identifiers, as several (split by the
    next SPLIT_BITS bits of the hash). `path` is deleted."""
    index: dict[bytes, int] = {}
    first: list[int] = []  # each identifier's first breach; further breaches go to `extra` (rare)
    extra: set[int] = set()
    records = 0
    for data, breach in _records(path):
        records += 1
        position = index.get(data)
        if position is None:
            if len(first) == MAX_IN_MEMORY and used_bits + SPLIT_BITS <= 64:
                del index, first, extra
                yield from _split(path, used_bits)
                return
            index[data] = len(first)
            first.append(breach)
        elif first[position] != breach:
            extra.add(position << 16 | breach)
    path.unlink()
    pairs = np.arange(len(first), dtype=np.int64) << 16 | np.asarray(first, dtype=np.int64)
    if extra:
        pairs = np.union1d(pairs, np.fromiter(extra, np.int64, len(extra)))
    yield Partition(list(index), pairs, records)


def _split(path: Path, used_bits: int) -> Iterator[Partition]:
    mask = (1 << SPLIT_BITS) - 1
    parts = [path.with_name(f"{path.name}.{n:x}") for n in range(mask + 1)]
    buffers = [bytearray() for _ in parts]
    for data, breach in _records(path):
        n = hash(data) >> used_bits & mask
        buffers[n] += _RECORD.pack(len(data), breach)
        buffers[n] += data
        if len(buffers[n]) >= _FLUSH:
            _append_block(parts[n], buffers[n])
            buffers[n].clear()
    path.unlink()
    for part, buffer in zip(parts, buffers, strict=True):
        if buffer:
            _append_block(part, buffer)
    for part in parts:
        if part.exists():
            yield from _deduplicated(part, used_bits + SPLIT_BITS)


BucketProgress = Callable[[int, int], None]


class EntrySpool:
    """Entries by prefix group, with counts per 2^20 prefix range; read back bucket by bucket, in order."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        self.entries = 0
        self.counts = np.zeros(1 << COUNT_BITS, dtype=np.int64)

    def add(self, entries: np.ndarray) -> None:
        """Append ENTRY rows (any order) to their groups' files."""
        if not len(entries):
            return
        entries = entries.astype(ENTRY, copy=False)  # the file layout, whatever byte order the rows came in
        prefixes = entries["prefix"].astype(np.uint32)
        self.counts += np.bincount(prefixes >> (32 - COUNT_BITS), minlength=1 << COUNT_BITS)
        self.entries += len(entries)
        groups = prefixes >> GROUP_SHIFT
        order = np.argsort(groups, kind="stable")
        entries, groups = entries[order], groups[order]
        cuts = np.flatnonzero(np.diff(groups)) + 1
        for start, end in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(groups)].tolist(), strict=True):
            with (self.folder / f"{int(groups[start]):02x}").open("ab") as handle:
                handle.write(entries[start:end].tobytes())

    def capacity(self, prefix_bits: int) -> int:
        """Entries in the fullest of the 2^prefix_bits buckets."""
        return int(self.counts.reshape(1 << prefix_bits, -1).sum(axis=1).max())

    def buckets(self, prefix_bits: int, progress: BucketProgress | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """(bucket number, its ENTRY rows) for every non-empty bucket, in increasing order; each group file is
        deleted once read. A group holds whole buckets when there are at least 256 of them; with fewer, a bucket
        spans consecutive groups and is gathered from them."""
        shift = 32 - prefix_bits
        pending: list[np.ndarray] = []
        current = -1
        for group in range(GROUPS):
            path = self.folder / f"{group:02x}"
            if not path.exists():
                # A small site leaves groups empty; they count as read, so progress still ends at 100%.
                if progress is not None:
                    progress(group + 1, GROUPS)
                continue
            rows = np.fromfile(path, dtype=ENTRY)
            path.unlink()
            numbers = rows["prefix"].astype(np.uint32) >> shift
            order = np.argsort(numbers, kind="stable")  # nearly free when the rows came sorted (Spark)
            rows, numbers = rows[order], numbers[order]
            cuts = np.flatnonzero(np.diff(numbers)) + 1
            for start, end in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(rows)].tolist(), strict=True):
                number = int(numbers[start])
                if number != current and pending:
                    yield current, _joined(pending)
                    pending = []
                current = number
                pending.append(rows[start:end])
            if progress is not None:
                progress(group + 1, GROUPS)
        if pending:
            yield current, _joined(pending)


def _joined(pieces: list[np.ndarray]) -> np.ndarray:
    # (np.concatenate gives native byte order; the rows are read by field, so that changes nothing here)
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
