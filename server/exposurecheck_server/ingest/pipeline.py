"""Running an ingest: check the inputs, read the header, cut the files into blocks, run the blocks, check the result.

With `jobs > 1` the blocks run in a pool of worker processes that each read their own byte ranges; only block
descriptions go out and a few byte strings per block come back. Results are taken in order with a bounded number
of blocks in flight, so memory stays flat however big the input. At the end the share of rows that gave an
identifier is checked: a build that accepts no rows, or fewer than `min_accepted` of them, stops with an error
before anything is written.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import BinaryIO

from exposurecheck.core.errors import Phrase, UserError
from exposurecheck.core.i18n import tr
from exposurecheck_server.ingest.blocks import block_size, plan_blocks
from exposurecheck_server.ingest.encoding import Decoding, readable, resolve
from exposurecheck_server.ingest.options import ColumnMap, IngestOptions
from exposurecheck_server.ingest.rows import MAX_LINE, QuotedParser, Rejected, delimited_rows, iter_lines
from exposurecheck_server.ingest.stats import IngestStats
from exposurecheck_server.ingest.worker import BlockResult, BlockTask, Column, process_block
from exposurecheck_server.worker_life import exit_with_parent

Progress = Callable[[IngestStats], None]


def run(
    options: IngestOptions,
    stats: IngestStats,
    *,
    salt: bytes | None = None,
    progress: Progress | None = None,
    scratch: Path | None = None,
) -> Iterator[BlockResult]:
    """Block results in file order; `stats` is kept up to date. Raises UserError for unusable input."""
    decodings = _check_inputs(options, stats)
    # A transcoded input's spool must outlive the task generator: the pool is handed the last tasks and the
    # generator ends (which would delete the spool) before the workers have opened it.
    with ExitStack() as spools:
        tasks = _tasks(options, decodings, salt, scratch or options.paths[0].parent, stats, spools)
        results = _parallel(tasks, options.jobs) if options.jobs > 1 else map(process_block, tasks)
        for result in results:
            stats.add(result.counts)
            if progress is not None:
                progress(stats)
            yield result
    check_accepted(stats, options.min_accepted)


@contextmanager
def block_tasks(
    options: IngestOptions, stats: IngestStats, *, salt: bytes | None = None, scratch: Path | None = None
) -> Iterator[list[BlockTask]]:
    """Every block of the inputs as a task for another process or machine to run with `process_block` (the Spark
    engine: spark/), planned the way `run` plans them. `stats` gets the input totals; add each result's counts to
    it and call `check_accepted` at the end. A transcoded input's UTF-8 spool (in `scratch`) lives until the
    context ends."""
    decodings = _check_inputs(options, stats)
    with ExitStack() as stack:
        yield list(_tasks(options, decodings, salt, scratch or options.paths[0].parent, stats, stack))


def check_accepted(stats: IngestStats, min_accepted: float | None) -> None:
    """Stop a build that would silently produce little or nothing (issue 15: a signed, empty pack). The builders
    always check (0 still refuses an input that gave nothing); None is for library callers that check themselves."""
    if min_accepted is None:
        return
    if stats.rows_accepted == 0:
        raise UserError("ingest.nothing_accepted", rows=stats.rows_read, reasons=_top_reasons(stats))
    if stats.accepted_share < min_accepted:
        raise UserError(
            "ingest.too_few_accepted",
            accepted=stats.rows_accepted,
            rows=stats.rows_read,
            share=f"{stats.accepted_share:.0%}",
            minimum=f"{min_accepted:.0%}",
            reasons=_top_reasons(stats),
        )
    _check_columns(stats, min_accepted)


def _check_columns(stats: IngestStats, min_accepted: float) -> None:
    """Refuse a mapped column whose values were mostly rejected, even when every row was accepted through another
    column: the column is being read wrongly, and the pack or site would silently lack it.

    - Mostly undecodable: the encoding is wrong for it (a GBK file built with `--encoding utf-8` lost every email
      and still accepted every row by its phone number).
    - Mostly invalid: the wrong column was mapped, or its values are wrapped for Excel (`="11010519491231002X"`,
      a leading `'`), which no normalizer reads; an ID-number column exported that way was lost whole, exit 0.

    A column is refused when its rejected share is above what --min-accepted leaves (so `--min-accepted 0` builds
    anyway); a stray bad value costs only itself."""
    kinds = set(stats.identifiers)
    kinds |= {r.split("_", 1)[1] for r in stats.values_rejected if r.startswith(("invalid_", "undecodable_"))}
    kinds.discard("line")  # undecodable_line is a whole row's reason, counted with the rows
    for kind in sorted(kinds):
        undecodable = stats.values_rejected.get(f"undecodable_{kind}", 0)
        invalid = stats.values_rejected.get(f"invalid_{kind}", 0)
        values = stats.identifiers.get(kind, 0) + undecodable + invalid
        if not values or (undecodable + invalid) / values <= 1 - min_accepted:
            continue

        def kind_label(lang: str, kind: str = kind) -> str:  # typed, where a lambda's default is not
            return tr(f"ingest.type.{kind}", lang)

        if undecodable / values > 1 - min_accepted:
            raise UserError(
                "ingest.mostly_undecodable",
                kind=Phrase(kind_label),
                undecodable=undecodable,
                values=values,
                share=f"{undecodable / values:.0%}",
                encoding=stats.encoding,
            )
        rejected = undecodable + invalid
        raise UserError(
            "ingest.column_mostly_invalid",
            kind=Phrase(kind_label),
            rejected=rejected,
            values=values,
            share=f"{rejected / values:.0%}",
        )


def _top_reasons(stats: IngestStats) -> Phrase:
    """The three commonest reasons rows or values were rejected, as `reason count` (counts only), in the language
    the error is shown in."""
    reasons = stats.rows_rejected + stats.values_rejected
    if stats.empty_values:
        reasons["empty"] = stats.empty_values
    top = reasons.most_common(3)
    return Phrase(lambda lang: tr("ingest.list_separator", lang).join(
        f"{tr(f'ingest.reason.{reason}', lang)} {count}" for reason, count in top) or "-")


def check_inputs(options: IngestOptions) -> None:
    """What can be checked about the input before any work: each file readable, its encoding known (or the one
    given fitting it), and the --map columns in its header. The builders call it before they ask for a signing
    key's passphrase, so a typo in the input options fails at once, not after the passphrase was typed. (An input
    read through a transcoding spool has its columns checked when the build reads it.)"""
    delimiter = {"csv": b",", "tsv": b"\t"}.get(options.fmt)
    for path in options.paths:
        if not path.is_file():
            raise UserError("ingest.unreadable", file=str(path))
        decoding = resolve(path, options.encoding)
        if decoding.transcode_from is None:
            _layout(path, decoding, options, delimiter)


def _check_inputs(options: IngestOptions, stats: IngestStats) -> list[Decoding]:
    decodings = []
    for path in options.paths:
        if not path.is_file():
            raise UserError("ingest.unreadable", file=str(path))
        stats.bytes_total += path.stat().st_size
        decodings.append(resolve(path, options.encoding))
    labels = sorted({d.label for d in decodings})
    stats.encoding = ", ".join(labels)
    stats.encoding_detected = options.encoding is None
    return decodings


def _tasks(
    options: IngestOptions,
    decodings: list[Decoding],
    salt: bytes | None,
    scratch: Path,
    stats: IngestStats,
    keep: ExitStack | None = None,
) -> Iterator[BlockTask]:
    """The blocks, file by file; transcoded spools live until this generator ends, or until `keep` closes."""
    size_hint = block_size(stats.bytes_total, options.jobs)
    delimiter = {"csv": b",", "tsv": b"\t"}.get(options.fmt)
    with ExitStack() as own:
        stack = keep if keep is not None else own
        for path, decoding in zip(options.paths, decodings, strict=True):
            source, readable_as = stack.enter_context(readable(path, decoding, scratch))
            end = source.stat().st_size
            start, columns, width = _layout(source, readable_as, options, delimiter)
            # Bytes skipped here (mark, header) count as read, so progress reaches 100%.
            stats.bytes_read += start
            if end != path.stat().st_size:  # a transcoded spool: count its size, not the original's
                stats.bytes_total += end - path.stat().st_size
            for lo, hi in plan_blocks(source, start, end, delimiter, size_hint):
                yield BlockTask(source, lo, hi, options.fmt, columns, width, readable_as.codec, options.region, salt)


def _layout(
    path: Path, decoding: Decoding, options: IngestOptions, delimiter: bytes | None
) -> tuple[int, tuple[tuple[int, Column], ...], int | None]:
    """(where the data starts, (type code, column) pairs, row width) for one file."""
    mapping = options.mapping
    if delimiter is None:  # JSON Lines: keys or positions, no header, no fixed width
        return decoding.skip, tuple((kind.code, column) for kind, column in mapping), None
    if not options.header and any(isinstance(column, str) for _, column in mapping):
        raise UserError("ingest.names_need_header")
    with path.open("rb") as handle:
        if options.header:
            line, start = _header_line(handle, decoding.skip, path)
            cells = _split_header(line, delimiter, path)
            names, width = _header_names(cells, decoding), len(cells)
        else:
            start, names = decoding.skip, []
            rows = delimited_rows(iter_lines(handle, start, path.stat().st_size), delimiter, None, decoding.codec)
            first = next((row for row in rows if not isinstance(row, Rejected)), None)
            if first is None:
                raise UserError("ingest.no_rows", file=str(path))
            width = len(first)
    return start, _columns(mapping, names, width, options.header), width


def _split_header(line: bytes, delimiter: bytes, path: Path) -> list[bytes]:
    if b'"' not in line:
        return line.split(delimiter)
    parsed = QuotedParser(delimiter.decode("ascii")).parse(line.decode("latin-1"))
    if parsed is None:
        raise UserError("ingest.bad_header", file=str(path))
    return [cell.encode("latin-1") for cell in parsed]


def _header_line(handle: BinaryIO, skip: int, path: Path) -> tuple[bytes, int]:
    """The first non-blank line (without its line ending) and the position right after it."""
    handle.seek(skip)
    position = skip
    while line := handle.readline(MAX_LINE):
        position += len(line)
        if len(line) >= MAX_LINE and not line.endswith(b"\n"):
            raise UserError("ingest.bad_header", file=str(path))
        body = line.rstrip(b"\r\n")
        if body.strip():
            return body, position
    raise UserError("ingest.no_rows", file=str(path))


def _header_names(first: list[bytes], decoding: Decoding) -> list[str]:
    # Cell by cell, like the data: a header cell with a stray byte can only fail to match a --map name.
    return [cell.decode(decoding.codec, "replace").strip().casefold() for cell in first]


def _columns(
    mapping: ColumnMap, names: list[str], width: int, header: bool
) -> tuple[tuple[int, Column], ...]:
    columns: list[tuple[int, Column]] = []
    for kind, column in mapping:
        if isinstance(column, str):
            if column not in names:
                # The header's cells are not repeated: in a file without a header they would be someone's data.
                raise UserError("ingest.no_such_column", column=column, count=len(names))
            columns.append((kind.code, names.index(column)))
        else:
            if column >= width:
                raise UserError("ingest.map_column", column=str(column + 1))
            columns.append((kind.code, column))
    return tuple(columns)


def _parallel(tasks: Iterator[BlockTask], jobs: int) -> Iterator[BlockResult]:
    # Bounded in-flight work (ProcessPoolExecutor.map would submit every block first) and results in order. The
    # workers end with this process even when it is killed with SIGKILL (worker_life.py).
    with ProcessPoolExecutor(max_workers=jobs, initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
        pending: deque[Future[BlockResult]] = deque()
        for task in tasks:
            pending.append(pool.submit(process_block, task))
            if len(pending) >= jobs * 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
