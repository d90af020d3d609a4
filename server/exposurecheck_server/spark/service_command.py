"""`exposure-check-admin service build --engine spark`: the local command's options, checks and summary (commands.py),
with the build itself run as a Spark job (service_job.py).

The executors read the OPRF secrets from key files themselves: `--executor-oprf-key` and `--executor-bucketing-key`
give the paths as the executors see them, defaulting to `--oprf-key` and `--bucketing-key` (right in local mode and
wherever the executors see the same files). Only those paths are handed to Spark.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from exposurecheck_server.ingest.options import IngestOptions
from exposurecheck_server.ingest.stats import IngestStats
from exposurecheck_server.service.build import BuildSettings, BuildSummary, Progress
from exposurecheck_server.spark.pack_command import spark_master


def build_with_spark(
    args: argparse.Namespace,
    options: IngestOptions,
    out: Path,
    settings: BuildSettings,
    stats: IngestStats,
    progress: Progress,
) -> BuildSummary:
    from exposurecheck_server.spark.service_job import ExecutorKeys, build_site_spark

    keys = ExecutorKeys(
        matching=args.executor_oprf_key or str(Path(args.oprf_key).resolve()),
        bucketing=args.executor_bucketing_key or str(Path(args.bucketing_key).resolve()),
    )
    return build_site_spark(
        options, out, settings, args.breach, keys, stats=stats, master=spark_master(args), progress=progress
    )
