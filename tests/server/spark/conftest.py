"""One Spark session (one JVM, local[2]) for every Spark test: the jobs use the active session instead of starting
their own (spark/session.py `job_session`), so the JVM's start-up is paid once. Tests that ask for it are skipped
cleanly where PySpark or Java is missing (CI installs both: the `spark` extra and the bootstrap's JRE)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pytest.importorskip("pyspark")
    pytest.importorskip("pyarrow")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (scripts/bootstrap.sh installs openjdk-17-jre-headless)")
    from exposurecheck_server.spark.session import spark_session

    session = spark_session(tmp_path_factory.mktemp("spark-scratch"), "local[2]")
    try:
        yield session
    finally:
        session.stop()
