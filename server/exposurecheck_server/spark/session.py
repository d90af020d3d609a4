"""A Spark session whose scratch stays in one temporary folder, and whose logs and config never carry a secret.

Spark writes shuffle and spill files under `spark.local.dir`, a Derby/warehouse folder under the working
directory, and Java temporary files under `java.io.tmpdir`: all three point into `scratch`, which the caller
removes. Nothing secret is put into the Spark configuration (Spark logs it, and shows it in its UI, which is
off here): the pack's salt is public (it is in the pack's head), and the signing key never leaves the driver.

`master` is `local[N]` by default (this machine, N worker threads); on a cluster the job is started with
`spark-submit`, which sets the master itself (docs/scale.md).

A build runs in `job_session`: the session already active in this process if there is one (tests and benchmarks
start one and share it, so the JVM starts once), otherwise a new one that is stopped when the build ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from exposurecheck.core.errors import UserError


def spark_session(scratch: Path, master: str | None = None, app_name: str = "exposure-check build") -> Any:
    """A SparkSession (created, or the one spark-submit made) with scratch under `scratch`."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UserError("pack.build.spark_missing") from None
    scratch.mkdir(parents=True, exist_ok=True)
    local = scratch / "local"
    warehouse = scratch / "warehouse"
    # Executors started by a local master run this same interpreter, so they import the same project code.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if master is not None and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # a local job listens on loopback only
    java_tmp = f"-Djava.io.tmpdir={scratch} -Dderby.system.home={scratch}"
    builder = (
        SparkSession.builder.appName(app_name)
        .config("spark.local.dir", str(local))
        .config("spark.sql.warehouse.dir", str(warehouse))
        .config("spark.driver.extraJavaOptions", java_tmp)
        .config("spark.executor.extraJavaOptions", java_tmp)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "16")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "65536")
    )
    if master is not None:
        builder = builder.master(master)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, a bad master URL: say so without Spark's (long) text
        raise UserError("pack.build.spark_failed", reason=type(exc).__name__) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def job_session(scratch: Path, master: str | None = None) -> Iterator[Any]:
    """The active SparkSession (left running: whoever started it stops it), or a new one with scratch under
    `scratch`, stopped at the end."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UserError("pack.build.spark_missing") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    session = spark_session(scratch, master)
    try:
        yield session
    finally:
        session.stop()


def in_spark_submit() -> bool:
    """True when this process was started by spark-submit (which sets the master and ships the config)."""
    return "SPARK_SUBMIT" in os.environ or "PYSPARK_GATEWAY_PORT" in os.environ or "SPARK_ENV_LOADED" in os.environ
