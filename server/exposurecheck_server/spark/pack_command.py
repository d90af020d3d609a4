"""`exposure-check-admin pack build --engine spark`: the same options as the local build, run as a Spark job.

The command (pack/commands.py) is the local build's: the same checks before the passphrase, the same progress line
and the same summary (table or --json), whose counts come from the same ingest, per block; only the build step
runs here. `add_engine_arguments` and `spark_master` serve `service build --engine spark` too (service_command.py).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from exposurecheck.core.catalog import Catalog
    from exposurecheck_server.ingest.options import IngestOptions
    from exposurecheck_server.ingest.stats import IngestStats
    from exposurecheck_server.pack.builder import Progress
    from exposurecheck_server.spark.pack_job import SparkPackResult


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


def build_with_spark(
    args: argparse.Namespace,
    options: IngestOptions,
    catalog: Catalog,
    key: Ed25519PrivateKey,
    stats: IngestStats,
    progress: Progress,
) -> SparkPackResult:
    """The build step of `pack build` (pack/commands.py), run as a Spark job. The command has checked every
    argument and the output path already, and prints the same summary as for the local engine; the job fills
    `stats` with the same counts and refuses too few accepted rows before anything is written."""
    from exposurecheck_server.spark.pack_job import build_pack_spark

    return build_pack_spark(options, out=args.out, catalog=catalog, breach=args.breach, signing_key=key,
                            title=args.title, demo=args.demo, chunk_size=args.chunk_size,
                            shard_size=args.shard_size, workdir=args.workdir, master=spark_master(args),
                            stats=stats, progress=progress)  # fmt: skip
