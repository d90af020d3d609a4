"""`exposure-check-admin pack build`: breach files in, one signed offline pack (or a shard set) out.

Progress (stage, rate, time left) goes to stderr when it is a terminal; the summary both builders share (rows
read, accepted and rejected by reason, values per type, entries written, time) goes to stdout, as a table or with
`--json` as one JSON object. Neither ever contains a value from the input. A build that accepts no rows, or fewer
than `--min-accepted` of them, fails before anything is written.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.packs import format as fmt
from exposurecheck_server.ingest import (
    IngestStats,
    add_input_arguments,
    check_inputs,
    options_from_args,
    tag_batches,
)
from exposurecheck_server.ingest.progress import TerminalProgress
from exposurecheck_server.ingest.summary import BuildOutput, summary_json, summary_table
from exposurecheck_server.language import admin_lang
from exposurecheck_server.pack.builder import BuildResult, TaggedBatches, build_pack, load_catalog_file
from exposurecheck_server.spark.pack_command import add_engine_arguments, build_with_spark

if TYPE_CHECKING:
    from exposurecheck_server.spark.pack_job import SparkPackResult

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
    build.add_argument("--quiet", action="store_true", help="no progress on stderr (it is shown on terminals only)")
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
    # Both engines share everything but the build itself: the checks before the passphrase, the progress line, the
    # refusal of a build that accepted too little (no pack left behind) and the summary table or --json.
    from exposurecheck_server.keys import load_signing_key, read_passphrase

    started = time.monotonic()
    lang = admin_lang()
    options = options_from_args(args)  # a bad --map, --region or --format fails here, before any work
    # Every argument is checked before the signing key's passphrase is asked for: a typo costs no passphrase.
    check_inputs(options)
    catalog = load_catalog_file(args.catalog)
    if args.breach not in catalog:
        raise UserError("pack.build.unknown_breach", breach=args.breach, known=", ".join(sorted(catalog)[:20]))
    _check_output(args.out, args.workdir)
    passphrase = read_passphrase() if args.passphrase_stdin else None
    key = load_signing_key(args.signing_key, passphrase)
    stats = IngestStats()
    progress = TerminalProgress(lang, enabled=False if args.quiet else None)

    def stage(name: str, count: int) -> None:
        if name != "hashing":  # hashing happens while reading, which the ingest reports itself
            progress.stage(name, count)

    try:
        if args.engine == "spark":  # the same build as a Spark job (server/exposurecheck_server/spark/)
            result: BuildResult | SparkPackResult = build_with_spark(args, options, catalog, key, stats, stage)
        else:
            salt = os.urandom(fmt.SALT_BYTES)
            scratch = args.workdir or args.out.parent
            # Worker processes read, normalize and hash; this process only sorts and writes (ingest/pipeline.py).
            batches = tag_batches(options, stats, salt, progress=progress.reading, scratch=scratch)
            result = build_pack(
                TaggedBatches(salt, batches),
                out=args.out,
                catalog=catalog,
                breach=args.breach,
                signing_key=key,
                title=args.title,
                demo=args.demo,
                chunk_size=args.chunk_size,
                shard_size=args.shard_size,
                workdir=args.workdir,
                progress=stage,
            )
    finally:
        progress.finish()
    size = sum(path.stat().st_size for path in result.files)
    per_entry = round(size / result.entries, 3) if result.entries else None
    files = ", ".join(str(path) for path in result.files)
    output = BuildOutput(
        builder="pack",
        entries=result.entries,
        output_line=tr("pack.build.output", lang, files=files, size=f"{size:,}", per_entry=per_entry),
        details={
            "engine": args.engine,
            "entries_per_type": result.counts,
            "files": [str(path) for path in result.files],
            "bytes": size,
            "bytes_per_entry": per_entry,
        },
    )
    seconds = time.monotonic() - started
    sys.stdout.write(summary_json(stats, output, seconds) if args.json else summary_table(stats, output, seconds, lang))
    from exposurecheck_server.limits import remind_who_may_hold_packs

    remind_who_may_hold_packs(lang, json_output=args.json)
    return 0


def _check_output(out: Path, workdir: Path | None) -> None:
    """Name the real problem with the output path before any work (not "the disk may be full" afterwards)."""
    if out.is_dir():
        raise UserError("pack.build.out_is_folder", file=str(out))
    if not out.parent.is_dir():
        raise UserError("pack.build.no_folder", folder=str(out.parent))
    if workdir is not None and not workdir.is_dir():
        raise UserError("pack.build.no_folder", folder=str(workdir))
