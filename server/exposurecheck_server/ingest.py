"""Reading breach files of any size into normalized identifiers: shared by the pack and lookup-service builders.

Input is CSV, TSV or JSON Lines, read line by line (memory stays flat however big the file). A column map such as
`phone=3,email=Email` names which columns hold which identifier types (a header name or a 1-based column number;
a type may be named more than once, e.g. two phone columns). Every value goes through the app's own `normalize`,
so the canonical forms in a pack or a bucket are exactly the ones the app computes.

A bad row never aborts a build and never takes a good row with it:
- a CSV line with an unclosed quote is only joined with the following lines when that join parses into a row of
  the right width; otherwise the line alone is rejected ("broken_quoting") and reading resumes on the next line;
- rows with the wrong number of columns, undecodable bytes or (JSONL) no JSON object are rejected by reason;
- an invalid value (e.g. a phone number that cannot exist) is rejected on its own; the row's other values count.

Nothing here logs or prints a value: the statistics carry counts only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType, InvalidIdentifier, normalize
from exposurecheck.core.identifiers.phone import DEFAULT_REGION
from exposurecheck_server.mobile_shortcut import MobileShortcut

FORMATS = ("csv", "tsv", "jsonl")
INGEST_TYPES = (IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME)
_MAX_CONTINUATION = 8  # physical lines a quoted field may span before the row is called broken
_MAX_LINE = 1 << 20  # a "line" longer than 1 MiB is not a breach record

Column = str | int  # a header name, or a 0-based index once parsed
ColumnMap = tuple[tuple[IdentifierType, Column], ...]


@dataclass
class IngestStats:
    """Counts only, never values: safe to print in a summary."""

    rows_read: int = 0
    identifiers: Counter[str] = field(default_factory=Counter)  # valid values per identifier type
    rows_rejected: Counter[str] = field(default_factory=Counter)  # whole rows, by reason
    values_rejected: Counter[str] = field(default_factory=Counter)  # single values, by "invalid_<type>"
    empty_values: int = 0
    bytes_read: int = 0
    bytes_total: int = 0

    @property
    def fraction(self) -> float:
        return min(1.0, self.bytes_read / self.bytes_total) if self.bytes_total else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "rows_read": self.rows_read,
            "identifiers": dict(sorted(self.identifiers.items())),
            "rows_rejected": dict(sorted(self.rows_rejected.items())),
            "values_rejected": dict(sorted(self.values_rejected.items())),
            "empty_values": self.empty_values,
        }


Progress = Callable[[IngestStats], None]


def parse_map(text: str) -> ColumnMap:
    """`phone=3,email=Email` → ((PHONE, 2), (EMAIL, "email")). Numbers are 1-based on the command line."""
    pairs: list[tuple[IdentifierType, Column]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, column = part.partition("=")
        try:
            kind = IdentifierType.parse(name)
        except ValueError:
            raise UserError("pack.ingest.map_type", name=name.strip()) from None
        if not sep or not column.strip() or kind not in INGEST_TYPES:
            raise UserError("pack.ingest.map_type", name=name.strip())
        column = column.strip()
        if column.isdigit():
            if int(column) < 1:
                raise UserError("pack.ingest.map_column", column=column)
            pairs.append((kind, int(column) - 1))
        else:
            pairs.append((kind, column.casefold()))
    if not pairs:
        raise UserError("pack.ingest.map_empty")
    return tuple(pairs)


@dataclass(frozen=True)
class _Layout:
    """Where each mapped column is in this file, and how wide a good row is (None: not checked)."""

    columns: tuple[tuple[IdentifierType, Column], ...]
    width: int | None


def iter_identifiers(
    paths: Sequence[Path],
    fmt: str,
    mapping: ColumnMap,
    *,
    stats: IngestStats,
    region: str = DEFAULT_REGION,
    header: bool = True,
    encoding: str = "utf-8",
    progress: Progress | None = None,
    progress_every: int = 100_000,
    jobs: int = 1,
) -> Iterator[Identifier]:
    """Every valid identifier in the files, in file order (duplicates included: the builder dedupes).

    `stats` is filled in as the iterator advances; `progress(stats)` is called every `progress_every` rows and at
    the end. `jobs > 1` normalizes in that many worker processes (normalizing dominates the cost).
    """
    if fmt not in FORMATS:
        raise UserError("pack.ingest.format", format=fmt)
    for path in paths:
        try:
            stats.bytes_total += path.stat().st_size
        except OSError:
            raise UserError("pack.ingest.unreadable", file=str(path)) from None
    values = _iter_values(paths, fmt, mapping, stats, header, encoding, progress, progress_every)
    batches = _batches(values, 2000)
    results = _normalize_parallel(batches, region, jobs) if jobs > 1 else (_normalize_batch(b, region) for b in batches)
    for batch in results:
        for kind, outcome in batch:
            if outcome is None:
                stats.values_rejected[f"invalid_{kind.value}"] += 1
            else:
                stats.identifiers[kind.value] += 1
                yield Identifier(kind, outcome)
    if progress is not None:
        progress(stats)


def _batches(values: Iterable[tuple[IdentifierType, str]], size: int) -> Iterator[list[tuple[IdentifierType, str]]]:
    batch: list[tuple[IdentifierType, str]] = []
    for item in values:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


Outcome = list[tuple[IdentifierType, str | None]]  # canonical form, or None for a rejected value


_SHORTCUT = MobileShortcut()  # per process: worker processes each fill their own


def _normalize_batch(batch: list[tuple[IdentifierType, str]], region: str) -> Outcome:
    # Runs in worker processes too: plain tuples pickle cheaply, and the reason a value was invalid is not needed.
    out: Outcome = []
    phone = IdentifierType.PHONE
    shortcut = _SHORTCUT.normalize
    for kind, raw in batch:
        if kind is phone:
            out.append((kind, shortcut(raw, region)))
            continue
        try:
            out.append((kind, normalize(kind, raw, region=region).canonical))
        except InvalidIdentifier:
            out.append((kind, None))
    return out


def _normalize_parallel(
    batches: Iterator[list[tuple[IdentifierType, str]]], region: str, jobs: int
) -> Iterator[Outcome]:
    # Bounded in-flight work (ProcessPoolExecutor.map would read the whole input first) and results in order.
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[Outcome]] = deque()
        for batch in batches:
            pending.append(pool.submit(_normalize_batch, batch, region))
            if len(pending) >= jobs * 3:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _iter_values(
    paths: Sequence[Path],
    fmt: str,
    mapping: ColumnMap,
    stats: IngestStats,
    header: bool,
    encoding: str,
    progress: Progress | None,
    progress_every: int,
) -> Iterator[tuple[IdentifierType, str]]:
    for path in paths:
        rows = _jsonl_rows(path, stats, encoding) if fmt == "jsonl" else _delimited_rows(path, fmt, stats, encoding)
        layout: _Layout | None = _Layout(mapping, None) if fmt == "jsonl" else None
        for row in rows:
            if layout is None:
                if header:
                    layout = _layout(row, mapping, header)
                    continue
                if not isinstance(row, _Rejected):
                    layout = _layout(row, mapping, header)
            stats.rows_read += 1
            if progress is not None and stats.rows_read % progress_every == 0:
                progress(stats)
            if isinstance(row, _Rejected):
                stats.rows_rejected[row.reason] += 1
                continue
            if layout is None:  # unreachable: the first good row sets it; keeps the type checker honest
                continue
            if layout.width is not None and isinstance(row, list) and len(row) != layout.width:
                stats.rows_rejected["wrong_column_count"] += 1
                continue
            yield from _row_values(row, layout, stats)


def _row_values(row: list[str] | dict[str, object], layout: _Layout, stats: IngestStats) -> Iterator[
    tuple[IdentifierType, str]
]:
    for kind, column in layout.columns:
        value: object
        if isinstance(row, dict):
            value = row.get(column) if isinstance(column, str) else None
        else:
            value = row[column] if isinstance(column, int) and column < len(row) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # JSON numbers: phone numbers sometimes arrive unquoted
        if not isinstance(value, str) or not value.strip():
            stats.empty_values += 1
            continue
        yield kind, value


class _Rejected:
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _layout(first: list[str] | dict[str, object] | _Rejected, mapping: ColumnMap, header: bool) -> _Layout:
    """Column positions from the header (or the first row, without one). JSONL needs none: keys or positions."""
    if isinstance(first, _Rejected | dict):
        raise UserError("pack.ingest.bad_header")
    if not header and any(isinstance(col, str) for _, col in mapping):
        raise UserError("pack.ingest.names_need_header")
    width = len(first)
    names = [cell.strip().casefold() for cell in first]
    columns: list[tuple[IdentifierType, Column]] = []
    for kind, column in mapping:
        if isinstance(column, str):
            if column not in names:
                # The header's cells are not repeated: in a file without a header they would be someone's data.
                raise UserError("pack.ingest.no_such_column", column=column, count=len(names))
            columns.append((kind, names.index(column)))
        else:
            if column >= width:
                raise UserError("pack.ingest.map_column", column=str(column + 1))
            columns.append((kind, column))
    return _Layout(tuple(columns), width)


def _lines(path: Path, stats: IngestStats, encoding: str) -> Iterator[str | _Rejected]:
    """Decoded lines without their line endings; an undecodable or absurdly long line becomes a rejection."""
    first = True
    try:
        handle = path.open("rb")
    except OSError:
        raise UserError("pack.ingest.unreadable", file=str(path)) from None
    with handle:
        while True:
            raw = handle.readline(_MAX_LINE)
            if not raw:
                return
            stats.bytes_read += len(raw)
            if len(raw) >= _MAX_LINE and not raw.endswith(b"\n"):
                # Skip the rest of the monster line so the next good line starts cleanly.
                while raw and not raw.endswith(b"\n"):
                    raw = handle.readline(_MAX_LINE)
                    stats.bytes_read += len(raw)
                yield _Rejected("line_too_long")
                continue
            codec = "utf-8-sig" if first and encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
            first = False
            try:
                text = raw.decode(codec)
            except (UnicodeDecodeError, LookupError):
                yield _Rejected("encoding")
                continue
            text = text.rstrip("\r\n")
            if text.strip():
                yield text


def _delimited_rows(path: Path, fmt: str, stats: IngestStats, encoding: str) -> Iterator[list[str] | _Rejected]:
    delimiter = "," if fmt == "csv" else "\t"
    lines: Iterator[str | _Rejected] = _lines(path, stats, encoding)
    lookahead: deque[str | _Rejected] = deque()

    def next_line() -> str | _Rejected | None:
        if lookahead:
            return lookahead.popleft()
        return next(lines, None)

    width: int | None = None
    while (line := next_line()) is not None:
        if isinstance(line, _Rejected):
            yield line
            continue
        if '"' not in line:
            row = line.split(delimiter)  # the common case: no quoting, so a split is exactly what csv would do
        else:
            parsed = _parse_quoted(line, delimiter)
            if parsed is None:
                parsed = _join_continuation(line, delimiter, width, next_line, lookahead)
            if parsed is None:
                yield _Rejected("broken_quoting")
                continue
            row = parsed
        if width is None:
            width = len(row)
        yield row


def _parse_quoted(text: str, delimiter: str) -> list[str] | None:
    try:
        rows = list(csv.reader([text], delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else None


def _join_continuation(
    line: str,
    delimiter: str,
    width: int | None,
    next_line: Callable[[], str | _Rejected | None],
    lookahead: deque[str | _Rejected],
) -> list[str] | None:
    """A quoted field may hold a line break: join following lines only if that yields one row of the right width.

    Lines read while trying are put back when the join fails, so a stray quote never swallows good rows.
    """
    taken: list[str | _Rejected] = []
    joined = line
    for _ in range(_MAX_CONTINUATION):
        extra = next_line()
        if extra is None:
            break
        taken.append(extra)
        if isinstance(extra, _Rejected):
            break
        joined += "\n" + extra
        try:
            rows = list(csv.reader(_SingleString(joined), delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        if len(rows) == 1 and (width is None or len(rows[0]) == width):
            return rows[0]
        break
    lookahead.extendleft(reversed(taken))
    return None


class _SingleString:
    """Feeds csv.reader one logical record that may contain newlines (csv wants an iterable of lines)."""

    def __init__(self, text: str) -> None:
        self._parts = [part + "\n" for part in text.split("\n")]

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)


def _jsonl_rows(path: Path, stats: IngestStats, encoding: str) -> Iterator[list[str] | dict[str, object] | _Rejected]:
    for line in _lines(path, stats, encoding):
        if isinstance(line, _Rejected):
            yield line
            continue
        try:
            value = json.loads(line)
        except ValueError:
            yield _Rejected("not_json")
            continue
        if isinstance(value, dict):
            yield {str(k).strip().casefold(): v for k, v in value.items()}
        elif isinstance(value, list):
            yield [_json_cell(v) for v in value]
        else:
            yield _Rejected("not_json")


def _json_cell(value: object) -> str:
    # Numbers become text (unquoted phone numbers); null, booleans and nested values are "no value here".
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def default_jobs() -> int:
    """Worker processes for normalizing: every core but keep one for the sort/write side when there are several."""
    return max(1, (os.cpu_count() or 1))


# --- the command-line options both builders (packs and the lookup service) share -------------------------------

_SUFFIX_FORMATS = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "jsonl": "jsonl", "ndjson": "jsonl"}


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """`--input --format --map --no-header --region --encoding --jobs`, the same for every builder."""
    parser.add_argument("--input", nargs="+", required=True, type=Path, metavar="FILE")
    parser.add_argument("--format", choices=FORMATS, default=None, help="default: from the first file's name")
    parser.add_argument(
        "--map", required=True, metavar="TYPE=COL,...", help="columns: phone=COL,email=COL,cn_id=COL,username=COL"
    )
    parser.add_argument("--no-header", dest="header", action="store_false", help="CSV/TSV files have no header row")
    parser.add_argument("--region", default=DEFAULT_REGION, help="default country for phone numbers without a prefix")
    parser.add_argument("--encoding", default="utf-8", help="text encoding of the input (e.g. gb18030)")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes that normalize values")


def identifiers_from_args(
    args: argparse.Namespace, stats: IngestStats, progress: Progress | None = None
) -> Iterator[Identifier]:
    """`iter_identifiers` over what `add_input_arguments` parsed."""
    fmt = args.format or _SUFFIX_FORMATS.get(args.input[0].suffix.lower().lstrip("."), "csv")
    return iter_identifiers(
        args.input,
        fmt,
        parse_map(args.map),
        stats=stats,
        region=args.region,
        header=args.header,
        encoding=args.encoding,
        progress=progress,
        jobs=max(1, args.jobs),
    )
