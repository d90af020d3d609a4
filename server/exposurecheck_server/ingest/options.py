"""The input options both builders share (`--input --format --map --no-header --region --encoding --jobs
--min-accepted`), and the column map they describe."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.identifiers.phone import DEFAULT_REGION, is_region

FORMATS = ("csv", "tsv", "jsonl")
INGEST_TYPES = (IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME)
DEFAULT_MIN_ACCEPTED = 0.5
_SUFFIX_FORMATS = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "jsonl": "jsonl", "ndjson": "jsonl"}

Column = str | int  # a header name (case-folded), or a 0-based index
ColumnMap = tuple[tuple[IdentifierType, Column], ...]


@dataclass(frozen=True)
class IngestOptions:
    """Everything that says how to read the input; `encoding` None means "detect it"."""

    paths: tuple[Path, ...]
    fmt: str
    mapping: ColumnMap
    header: bool = True
    region: str = DEFAULT_REGION
    encoding: str | None = None
    jobs: int = 1
    min_accepted: float | None = DEFAULT_MIN_ACCEPTED  # None: no check (library callers that check themselves)


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
            raise UserError("ingest.map_type", name=name.strip()) from None
        if not sep or not column.strip() or kind not in INGEST_TYPES:
            raise UserError("ingest.map_type", name=name.strip())
        column = column.strip()
        if column.isdigit():
            if int(column) < 1:
                raise UserError("ingest.map_column", column=column)
            pairs.append((kind, int(column) - 1))
        else:
            pairs.append((kind, column.casefold()))
    if not pairs:
        raise UserError("ingest.map_empty")
    return tuple(pairs)


def parse_fraction(text: str) -> float:
    """`--min-accepted`: `50%`, `0.5` or `0` → a fraction between 0 and 1."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a share: {text!r} (examples: 50%, 0.5, 0)") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"not a share between 0 and 100%: {text!r}")
    return value


def default_jobs() -> int:
    """Processes that read and normalize: one per core (the main process mostly waits for them)."""
    return max(1, os.cpu_count() or 1)


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """The input options, the same for every builder."""
    parser.add_argument("--input", nargs="+", required=True, type=Path, metavar="FILE")
    parser.add_argument("--format", choices=FORMATS, default=None, help="default: from the first file's name")
    parser.add_argument(
        "--map", required=True, metavar="TYPE=COL,...", help="columns: phone=COL,email=COL,cn_id=COL,username=COL"
    )
    parser.add_argument("--no-header", dest="header", action="store_false", help="CSV/TSV files have no header row")
    parser.add_argument("--region", default=DEFAULT_REGION, help="default country for phone numbers without a prefix")
    parser.add_argument(
        "--encoding",
        default=None,
        help="text encoding of the input, e.g. utf-8, gb18030, utf-16 (default: detected from the file)",
    )
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes that read and normalize")
    parser.add_argument(
        "--min-accepted",
        type=parse_fraction,
        default=DEFAULT_MIN_ACCEPTED,
        metavar="SHARE",
        help="fail (and write nothing) unless at least this share of rows gives an identifier, and of each "
        "mapped column's values are read (default 50%%)",
    )


def options_from_args(args: argparse.Namespace) -> IngestOptions:
    """Check what `add_input_arguments` parsed (a bad --map or --region fails here, before any work)."""
    paths = tuple(args.input)
    fmt = args.format or _SUFFIX_FORMATS.get(paths[0].suffix.lower().lstrip("."), "csv")
    if fmt not in FORMATS:
        raise UserError("ingest.format", format=fmt)
    if not is_region(args.region):
        raise UserError("ingest.bad_region", region=args.region)
    return IngestOptions(
        paths=paths,
        fmt=fmt,
        mapping=parse_map(args.map),
        header=args.header,
        region=args.region.upper(),
        encoding=args.encoding,
        jobs=max(1, args.jobs),
        min_accepted=getattr(args, "min_accepted", DEFAULT_MIN_ACCEPTED),
    )
