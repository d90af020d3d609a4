"""One Spark session (one JVM, local[2]) for every Spark test: the jobs use the active session instead of starting
their own (spark/session.py `job_session`), so the JVM's start-up is paid once. Tests that ask for it are skipped
cleanly where PySpark or Java is missing on a developer's machine, and fail under CI (tests/support/ci.py), which
installs both (the `spark` extra and the bootstrap's JRE): "a Spark-built pack and site answer exactly like locally
built ones in CI" (issue 16) must never turn into a quiet skip."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.ci import required


def spark_available() -> None:
    """Skip (or under CI fail) unless PySpark, pyarrow and a Java runtime are here."""
    for module in ("pyspark", "pyarrow"):
        if importlib.util.find_spec(module) is None:
            required(f"{module} is not installed (the `spark` extra: pip install 'exposure-check[spark]')")
    if shutil.which("java") is None:
        required("no Java runtime (scripts/bootstrap.sh installs openjdk-17-jre-headless)")


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    spark_available()
    from exposurecheck_server.spark.session import spark_session

    session = spark_session(tmp_path_factory.mktemp("spark-scratch"), "local[2]")
    try:
        yield session
    finally:
        session.stop()
