"""Reading breach files of any size into normalized identifiers: shared by the pack and lookup-service builders.

Input is CSV, TSV or JSON Lines in any common encoding (detected, or named with `--encoding`; encoding.py). A
column map such as `phone=3,email=Email` names which columns hold which identifier types (a header name or a
1-based column number; a type may be named more than once). Every value gets the app's canonical form: fast
paths decide the common shapes exactly (fast/), the app's own `normalize` decides the rest.

The modules, in the order data flows through them:
- options.py: the command-line options and the column map;
- encoding.py: which encoding each file is in, and a UTF-8 spool for encodings that cannot be split as bytes;
- blocks.py: byte ranges that worker processes read on their own;
- rows.py: lines and rows from a byte range, fields still as bytes;
- worker.py: one block → decoded, normalized values (as pack tags or canonical forms) and counts;
- pipeline.py: runs the blocks (in a process pool), keeps the counts, refuses a build that accepted too little;
- stats.py, progress.py, summary.py: counts, the terminal progress line, and the builders' common summary.

Nothing here logs or prints a value: statistics, progress and summaries carry counts only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from exposurecheck.core.identifiers import Identifier
from exposurecheck.core.identifiers.phone import DEFAULT_REGION
from exposurecheck_server.ingest.options import (
    FORMATS,
    INGEST_TYPES,
    ColumnMap,
    IngestOptions,
    add_input_arguments,
    default_jobs,
    options_from_args,
    parse_map,
)
from exposurecheck_server.ingest.pipeline import Progress, check_inputs, run
from exposurecheck_server.ingest.stats import IngestStats

__all__ = [
    "FORMATS",
    "INGEST_TYPES",
    "IngestOptions",
    "IngestStats",
    "add_input_arguments",
    "check_inputs",
    "default_jobs",
    "identifiers",
    "identifiers_from_args",
    "iter_identifiers",
    "options_from_args",
    "parse_map",
    "tag_batches",
]


def identifiers(
    options: IngestOptions, stats: IngestStats, *, progress: Progress | None = None, scratch: Path | None = None
) -> Iterator[Identifier]:
    """Every valid identifier in the inputs, in file order (duplicates included: the builders dedupe)."""
    kinds = {kind.code: kind for kind in INGEST_TYPES}
    for result in run(options, stats, progress=progress, scratch=scratch):
        for code, joined in result.values.items():
            if isinstance(joined, str):  # no salt given, so canonical forms come back
                kind = kinds[code]
                for canonical in joined.split("\n"):
                    yield Identifier(kind, canonical)


def tag_batches(
    options: IngestOptions,
    stats: IngestStats,
    salt: bytes,
    *,
    progress: Progress | None = None,
    scratch: Path | None = None,
) -> Iterator[dict[int, bytes]]:
    """Pack tags keyed with `salt`, per block: {identifier type code: 8-byte tags back to back}."""
    for result in run(options, stats, salt=salt, progress=progress, scratch=scratch):
        yield {code: tags for code, tags in result.values.items() if isinstance(tags, bytes)}


def identifiers_from_args(
    args: object, stats: IngestStats, progress: Progress | None = None, scratch: Path | None = None
) -> Iterator[Identifier]:
    """`identifiers` over what `add_input_arguments` parsed."""
    import argparse

    assert isinstance(args, argparse.Namespace)  # noqa: S101 - a programming error, not bad input
    return identifiers(options_from_args(args), stats, progress=progress, scratch=scratch)


def iter_identifiers(
    paths: Sequence[Path],
    fmt: str,
    mapping: ColumnMap,
    *,
    stats: IngestStats,
    region: str = DEFAULT_REGION,
    header: bool = True,
    encoding: str | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    min_accepted: float | None = None,
    scratch: Path | None = None,
) -> Iterator[Identifier]:
    """`identifiers` with the options spelled out (tests, benchmarks, Spark executors reading one file each).

    No minimum share is checked unless `min_accepted` is given (the builders always give one)."""
    options = IngestOptions(
        paths=tuple(paths),
        fmt=fmt,
        mapping=mapping,
        header=header,
        region=region,
        encoding=encoding,
        jobs=max(1, jobs),
        min_accepted=min_accepted,
    )
    return identifiers(options, stats, progress=progress, scratch=scratch)
