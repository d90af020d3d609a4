"""`exposure-check-admin pack build`: breach files in, one signed offline pack (or a shard set) out.

Progress goes to stderr as counts and percentages; the summary (rows read, identifiers per type, rows and values
rejected by reason, entries written) goes to stdout, as text or with `--json` as one JSON object. Neither ever
contains a value from the input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from exposurecheck.core.errors import UserError
from exposurecheck.core.packs import format as fmt
from exposurecheck_server.ingest import IngestStats, add_input_arguments, identifiers_from_args, parse_map
from exposurecheck_server.pack.builder import build_pack, load_catalog_file
from exposurecheck_server.spark.pack_command import add_engine_arguments, run_build_spark

_SIZE = re.compile(r"^\s*(\d+)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def register(subparsers: argparse._SubParsersAction) -> None:
    pack = subparsers.add_parser("pack", help="build offline data packs")
    commands = pack.add_subparsers(dest="pack_command", metavar="COMMAND")
    build = commands.add_parser("build", help="build a signed pack from breach files")
    add_input_arguments(build)
    build.add_argument("--breach", required=True, metavar="ID", help="the breach id in --catalog")
    build.add_argument("--catalog", required=True, type=Path, help="breach catalog (project format or HIBP v3 JSON)")
    build.add_argument("--signing-key", required=True, type=Path, help="publisher.key from `keygen`")
    build.add_argument("--passphrase-stdin", action="store_true", help="read the signing key's passphrase from stdin")
    build.add_argument("--out", required=True, type=Path, metavar="PACK", help="output file, e.g. ngo.ecpack")
    build.add_argument("--demo", action="store_true", help="flag the pack as demo data (shown as DEMO everywhere)")
    build.add_argument("--title", default="", help="a title shown by `pack info` (default: the breach's title)")
    build.add_argument("--shard-size", type=parse_size, default=fmt.FAT32_MAX_FILE, metavar="N",
                       help="largest file to write, e.g. 4G (default: just under 4 GiB, the FAT32 limit)")
    build.add_argument("--chunk-size", type=parse_size, default=fmt.DEFAULT_CHUNK_SIZE, help=argparse.SUPPRESS)
    build.add_argument("--workdir", type=Path, default=None, help="folder for temporary files (default: next to --out)")
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    build.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_engine_arguments(build)
    build.set_defaults(func=run_build)
    pack.set_defaults(func=lambda _args: pack.print_help() or 2)


def parse_size(text: str) -> int:
    """`4096`, `64k`, `4G`, `4GiB` → bytes."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (examples: 65536, 64k, 4G)")
    number, unit = int(match.group(1)), match.group(2).lower()
    return number * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[unit]


def run_build(args: argparse.Namespace) -> int:
    if args.engine == "spark":  # the same build as a Spark job (server/exposurecheck_server/spark/)
        return run_build_spark(args)
    from exposurecheck_server.keys import load_signing_key, read_passphrase

    started = time.monotonic()
    passphrase = read_passphrase() if args.passphrase_stdin else None
    key = load_signing_key(args.signing_key, passphrase)
    catalog = load_catalog_file(args.catalog)
    if args.breach not in catalog:
        raise UserError("pack.build.unknown_breach", breach=args.breach, known=", ".join(sorted(catalog)[:20]))
    parse_map(args.map)  # a bad --map fails here, before any work
    if args.out.exists() and args.out.is_dir():
        raise UserError("pack.build.write_failed", file=str(args.out))
    stats = IngestStats()
    report = _Progress(stats, quiet=args.quiet)
    identifiers = identifiers_from_args(args, stats, report.rows)
    result = build_pack(
        identifiers,
        out=args.out,
        catalog=catalog,
        breach=args.breach,
        signing_key=key,
        title=args.title,
        demo=args.demo,
        chunk_size=args.chunk_size,
        shard_size=args.shard_size,
        workdir=args.workdir,
        progress=report.stage,
    )
    report.done()
    size = sum(path.stat().st_size for path in result.files)
    summary = {
        **stats.as_dict(),
        "entries": result.entries,
        "entries_per_type": result.counts,
        "files": [str(path) for path in result.files],
        "bytes": size,
        "bytes_per_entry": round(size / result.entries, 3) if result.entries else None,
        "seconds": round(time.monotonic() - started, 2),
    }
    if args.json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_summary_text(summary))
    from exposurecheck_server.keys import operator_lang
    from exposurecheck_server.limits import remind_who_may_hold_packs

    remind_who_may_hold_packs(operator_lang(), json_output=args.json)
    return 0


def _summary_text(summary: dict) -> str:
    def counts(values: dict) -> str:
        return ", ".join(f"{k} {v}" for k, v in values.items()) or "none"

    lines = [
        f"rows read:            {summary['rows_read']}",
        f"identifiers per type: {counts(summary['identifiers'])}",
        f"rows rejected:        {counts(summary['rows_rejected'])}",
        f"values rejected:      {counts(summary['values_rejected'])}",
        f"empty values:         {summary['empty_values']}",
        f"entries in the pack:  {summary['entries']} ({counts(summary['entries_per_type'])}) after removing duplicates",
        f"files:                {', '.join(summary['files'])}",
        f"size:                 {summary['bytes']} bytes ({summary['bytes_per_entry']} per entry)",
        f"time:                 {summary['seconds']} s",
    ]
    return "\n".join(lines) + "\n"


class _Progress:
    """Counts and percentages on stderr, at most a few times a second."""

    def __init__(self, stats: IngestStats, *, quiet: bool) -> None:
        self._stats = stats
        self._quiet = quiet
        self._last = 0.0
        self._stage = ""

    def _say(self, text: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if self._quiet or (not force and now - self._last < 0.5):
            return
        self._last = now
        sys.stderr.write(f"\r{text}" + " " * 8)
        sys.stderr.flush()

    def rows(self, stats: IngestStats) -> None:
        self._say(f"reading: {stats.rows_read} rows ({stats.fraction:.0%})")

    def stage(self, stage: str, count: int) -> None:
        if stage != "hashing":
            # A new stage is always shown; updates within a stage are rate-limited like the row counter.
            self._say(f"{stage}: {count} entries", force=stage != self._stage)
            self._stage = stage

    def done(self) -> None:
        if not self._quiet:
            sys.stderr.write("\n")
