"""`exposure-check-admin pack build --engine spark`: the same options as the local build, run as a Spark job.

The summary has the same counts as the local build's (they come from the same ingest, per block) plus the
entries written; like it, it never contains a value. `add_engine_arguments` and `spark_master` serve
`service build --engine spark` too (service_command.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from exposurecheck.core.errors import UserError


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="local (this machine, default) or spark (a Spark job; needs the `spark` extra and Java)",
    )
    parser.add_argument(
        "--spark-master",
        default=None,
        metavar="URL",
        help="Spark master for --engine spark (default local[2]; under spark-submit, its master)",
    )


def spark_master(args: argparse.Namespace) -> str | None:
    """--spark-master, or local[2]; None under spark-submit, which has set the master already."""
    from exposurecheck_server.spark.session import in_spark_submit

    return args.spark_master or (None if in_spark_submit() else "local[2]")


def run_build_spark(args: argparse.Namespace) -> int:
    from exposurecheck_server.ingest import check_inputs, options_from_args
    from exposurecheck_server.keys import load_signing_key, read_passphrase
    from exposurecheck_server.pack.builder import load_catalog_file
    from exposurecheck_server.spark.pack_job import build_pack_spark

    started = time.monotonic()
    options = options_from_args(args)  # a bad --map, --region or --format fails here, before any work
    check_inputs(options)  # every argument before the passphrase, as the local engine does
    catalog = load_catalog_file(args.catalog)
    if args.out.exists() and args.out.is_dir():
        raise UserError("pack.build.write_failed", file=str(args.out))
    passphrase = read_passphrase() if args.passphrase_stdin else None
    key = load_signing_key(args.signing_key, passphrase)
    result = build_pack_spark(options, out=args.out, catalog=catalog, breach=args.breach, signing_key=key,
                              title=args.title, demo=args.demo, chunk_size=args.chunk_size,
                              shard_size=args.shard_size, workdir=args.workdir, master=spark_master(args))  # fmt: skip
    size = sum(path.stat().st_size for path in result.files)
    summary = {
        **result.stats,
        "engine": "spark",
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
        for name, value in summary.items():
            sys.stdout.write(f"{name.replace('_', ' ')}: {value}\n")
    from exposurecheck_server.keys import operator_lang
    from exposurecheck_server.limits import remind_who_may_hold_packs

    remind_who_may_hold_packs(operator_lang(), json_output=args.json)
    return 0
