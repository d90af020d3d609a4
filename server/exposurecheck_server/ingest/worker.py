"""One block of input → normalized values, in whatever process runs it.

A worker opens the file itself and reads only its byte range, decodes only the mapped fields, normalizes them
(fast paths first, the app's normalizer for the rest) and hands back per identifier type either the pack tags
(8-byte keyed hashes, when the build's salt is given) or the canonical forms joined by line feeds. Either way one
block travels back as a few large byte strings, never as one object per value.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import itemgetter, or_
from pathlib import Path
from typing import Any

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.packs import format as pack_format
from exposurecheck_server.ingest.fast import EMPTY, INVALID, UNDECODABLE, ValueNormalizer
from exposurecheck_server.ingest.rows import (
    Rejected,
    Row,
    delimited_rows,
    has_escapes,
    iter_lines,
    json_cell,
    jsonl_rows,
)
from exposurecheck_server.ingest.stats import BlockCounts

Column = str | int


@dataclass(frozen=True)
class BlockTask:
    """Everything a worker needs, small enough to send to another process with each block."""

    path: Path
    start: int
    end: int
    fmt: str  # "csv", "tsv" or "jsonl"
    columns: tuple[tuple[int, Column], ...]  # (identifier type code, column index or JSON key)
    width: int | None  # CSV/TSV: the header's width, rows of another width are rejected
    codec: str
    region: str
    salt: bytes | None = None  # given: return pack tags keyed with it; None: return canonical forms


@dataclass
class BlockResult:
    counts: BlockCounts
    # Per identifier type code: 8-byte tags back to back (salt given) or canonical forms joined by "\n".
    values: dict[int, bytes | str] = field(default_factory=dict)


ROWS_PER_BATCH = 4096  # rows normalized column by column at a time (memory stays small)
_NORMALIZERS: dict[str, ValueNormalizer] = {}  # per region, kept for the life of the process: caches stay warm


def process_block(task: BlockTask) -> BlockResult:
    # Millions of short-lived lists and strings, no reference cycles: the cyclic garbage collector would only
    # rescan them over and over, so it pauses for the block.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _process_block(task)
    finally:
        if collecting:
            gc.enable()


def _process_block(task: BlockTask) -> BlockResult:
    normalizer = _NORMALIZERS.get(task.region)
    if normalizer is None:
        normalizer = _NORMALIZERS[task.region] = ValueNormalizer(task.region)
    exact_before = normalizer.exact_calls
    counts = BlockCounts(bytes=task.end - task.start)
    found: dict[int, list[str]] = {code: [] for code, _ in task.columns}
    jsonl = task.fmt == "jsonl"
    plan = [
        (code, column, _normalize_for(normalizer, code, task.codec, jsonl=jsonl), found[code], _kind_name(code))
        for code, column in task.columns
    ]
    with task.path.open("rb") as handle:
        lines = iter_lines(handle, task.start, task.end)
        if jsonl:
            _read_jsonl(lines, task.codec, plan, counts)
        else:
            delimiter = b"," if task.fmt == "csv" else b"\t"
            rows = delimited_rows(lines, delimiter, task.width, task.codec)
            _read_delimited(rows, task.width, task.codec, plan, counts)
    counts.exact_path = normalizer.exact_calls - exact_before
    values: dict[int, bytes | str] = {}
    for code, canonical in found.items():
        if canonical:
            values[code] = _tags(task.salt, code, canonical) if task.salt is not None else "\n".join(canonical)
    return BlockResult(counts, values)


Plan = list[tuple[int, Column, Callable[..., Any], list[str], str]]


def _normalize_for(normalizer: ValueNormalizer, code: int, codec: str, *, jsonl: bool) -> Callable[..., Any]:
    kind = IdentifierType.from_code(code)
    return normalizer.function(kind) if jsonl else normalizer.cell_function(kind, codec)


def _kind_name(code: int) -> str:
    return IdentifierType.from_code(code).value


def _read_delimited(rows: Iterator[Row], width: int | None, codec: str, plan: Plan, counts: BlockCounts) -> None:
    """Column by column over batches of good rows: the per-value work runs inside map() and list methods, and
    only the normalizer itself is Python per value."""
    good: list[list[str] | list[bytes]] = []
    rejected = counts.rows_rejected
    for row in rows:
        if isinstance(row, Rejected):
            rejected[row.reason] += 1
        elif len(row) == width:
            good.append(row)
            if len(good) == ROWS_PER_BATCH:
                _normalize_columns(good, plan, counts)
                good = []
        else:
            rejected["wrong_column_count"] += 1
    _normalize_columns(good, plan, counts)
    counts.rows_read += sum(rejected.values())


def _normalize_columns(good: list[list[str] | list[bytes]], plan: Plan, counts: BlockCounts) -> None:
    counts.rows_read += len(good)
    any_value: list[bool] = [False] * len(good)
    for _code, column, cell_normalize, out, kind in plan:
        outcomes = list(map(cell_normalize, map(itemgetter(column), good)))
        is_value = list(map(isinstance, outcomes, repeat(str)))
        out.extend(compress(outcomes, is_value))
        counts.identifiers[kind] += sum(is_value)
        counts.empty_values += outcomes.count(EMPTY)
        for outcome, reason in ((INVALID, "invalid_"), (UNDECODABLE, "undecodable_")):
            if number := outcomes.count(outcome):
                counts.values_rejected[reason + kind] += number
        any_value = list(map(or_, any_value, is_value))
    counts.rows_accepted += sum(any_value)


def _read_jsonl(lines: Iterator[bytes | Rejected], codec: str, plan: Plan, counts: BlockCounts) -> None:
    for item in jsonl_rows(lines, codec):
        counts.rows_read += 1
        if isinstance(item, Rejected):
            counts.rows_rejected[item.reason] += 1
            continue
        row, dirty = item
        good = False
        for _code, column, normalize, out, kind in plan:
            if isinstance(row, dict):
                raw = row.get(column) if isinstance(column, str) else None
            else:
                raw = row[column] if isinstance(column, int) and column < len(row) else None
            text = json_cell(raw)
            if text is None or not text.strip():
                counts.empty_values += 1
                continue
            if dirty and has_escapes(text):
                counts.values_rejected["undecodable_" + kind] += 1
                continue
            canonical = normalize(text)
            if canonical is None:
                counts.values_rejected["invalid_" + kind] += 1
            else:
                out.append(canonical)
                counts.identifiers[kind] += 1
                good = True
        if good:
            counts.rows_accepted += 1


def _tags(salt: bytes, code: int, canonical: list[str]) -> bytes:
    """The pack tags of canonical forms: keyed BLAKE2b over `encode()`, i.e. type byte then UTF-8 (format.py)."""
    state = pack_format.tag_hasher(salt, IdentifierType.from_code(code))
    state.update(bytes([code]))
    copy = state.copy  # bound once: the loop runs per value
    out = bytearray()
    for value in canonical:
        digest = copy()
        digest.update(value.encode())
        out += digest.digest()
    return bytes(out)
