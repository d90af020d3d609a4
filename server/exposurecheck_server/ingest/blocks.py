"""Cutting an input file into byte ranges that worker processes read on their own, with the same rows as one reader.

Workers read their own ranges (no rows travel between processes), so each cut must fall where a single reader
going through the whole file would also start a fresh row. A cut is placed right after a line feed, and for
CSV/TSV moved back while any of the MAX_CONTINUATION lines before it could open a record that continues on later
lines (a quote it does not close): a record spans at most that many more lines, so no record then crosses the cut,
and the reader after it starts with nothing pending — exactly as a single reader would at that line.

If no such line start exists near the intended cut (a long stretch of broken quoting), the block simply grows to
the next intended cut; a block is cut regardless only past MAX_BLOCK, where a record straddling the cut could be
read as a broken line plus a few short rows (counted, never silently joined).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from exposurecheck_server.ingest.rows import MAX_CONTINUATION, MAX_LINE, may_open_record

MIN_BLOCK = 256 * 1024
MAX_BLOCK_TARGET = 8 * 1024 * 1024
MAX_BLOCK = 256 * 1024 * 1024
_SCAN = 64 * 1024
_MAX_MOVES = 64


def block_size(total: int, jobs: int) -> int:
    """Several blocks per worker (even load), none tiny (per-block overhead) or huge (memory)."""
    return max(MIN_BLOCK, min(MAX_BLOCK_TARGET, total // max(1, jobs * 8)))


def plan_blocks(path: Path, start: int, end: int, delimiter: bytes | None, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) byte ranges covering [start, end); `delimiter` None for JSON Lines (no multi-line records)."""
    with path.open("rb") as handle:
        position = start
        while position < end:
            target = position + size
            cut = None
            while cut is None and target < end:
                cut = _safe_cut(handle, target, end, position, delimiter)
                if cut is None:
                    target += size
                    if target - position > MAX_BLOCK:
                        cut = _line_start_after(handle, target, end)
            cut = end if cut is None else cut
            yield position, cut
            position = cut


def _line_start_after(handle: BinaryIO, target: int, end: int) -> int:
    """The first position after `target` that follows a line feed (or `end`)."""
    position = target
    handle.seek(position)
    while position < end:
        piece = handle.read(min(_SCAN, end - position))
        if not piece:
            break
        found = piece.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(piece)
    return end


def _safe_cut(handle: BinaryIO, target: int, end: int, floor: int, delimiter: bytes | None) -> int | None:
    cut = _line_start_after(handle, target, end)
    if cut >= end or delimiter is None:
        return cut
    for _ in range(_MAX_MOVES):
        opener = _earliest_opener(handle, cut, floor, delimiter)
        if opener is None:
            return cut
        if opener <= floor:
            return None
        cut = opener
    return None


def _earliest_opener(handle: BinaryIO, cut: int, floor: int, delimiter: bytes) -> int | None:
    """Start of the earliest of the MAX_CONTINUATION non-blank lines before `cut` that may open a record."""
    span = _SCAN
    while True:
        low = max(floor, cut - span)
        handle.seek(low)
        window = handle.read(cut - low)
        lines = window.split(b"\n")[:-1]  # the text before `cut` ends with a line feed
        starts = []
        offset = low
        for line in lines:
            starts.append(offset)
            offset += len(line) + 1
        complete = low == floor or len(lines) > MAX_CONTINUATION + 1  # the first piece may be a partial line
        if complete or span >= (MAX_CONTINUATION + 2) * MAX_LINE:
            break
        span *= 4
    if low != floor:
        lines, starts = lines[1:], starts[1:]
    recent = [(s, line) for s, line in zip(starts, lines, strict=True) if line.strip()][-MAX_CONTINUATION:]
    for start, line in recent:
        if len(line) < MAX_LINE and may_open_record(line.rstrip(b"\r"), delimiter):
            return start
    return None
