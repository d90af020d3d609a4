"""`--engine spark` builds the same pack as the local engine: the same lookups give the same answers, for every
value in the input and for values that are not in it. Spark runs in local[2] mode (one JVM, about 10 s to start);
skipped cleanly where PySpark or Java is missing (CI installs both: the `spark` extra and the bootstrap's JRE)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.catalog import load_bundled_catalog
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs.opening import open_pack
from exposurecheck_server.ingest import IngestStats, iter_identifiers, parse_map
from exposurecheck_server.pack.builder import build_pack

pytest.importorskip("pyspark")
pytest.importorskip("pyarrow")
if shutil.which("java") is None:
    pytest.skip("no Java runtime (scripts/bootstrap.sh installs openjdk-17-jre-headless)", allow_module_level=True)

from exposurecheck_server.spark.pack_job import InputSpec, build_pack_spark

ROOT = Path(__file__).resolve().parents[3]
MAP = "phone=phone,email=email,cn_id=5,username=username"
BREACH = "demo_breach"


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(tmp_path / "config"))


def _inputs(folder: Path) -> list[Path]:
    paths = []
    for seed in (1, 2, 3):  # three files: three tasks in the tag stage, with values repeated across files
        path = folder / f"dump{seed}.csv"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_synthetic_breach.py"), "--out", str(path),
                        "--rows", "1500", "--messy", "--seed", str(seed % 2),
                        "--plant-phone", "+86 138 0013 8000"], check=True)  # fmt: skip
        paths.append(path)
    return paths


def test_spark_and_local_packs_answer_alike(tmp_path):
    paths = _inputs(tmp_path)
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    catalog = load_bundled_catalog()
    stats = IngestStats()
    values = list(iter_identifiers(paths, "csv", parse_map(MAP), stats=stats, jobs=1))
    (tmp_path / "local").mkdir()
    (tmp_path / "spark").mkdir()
    local = build_pack(values, out=tmp_path / "local" / "p.ecpack", catalog=catalog, breach=BREACH, signing_key=key)
    spark = build_pack_spark(paths, InputSpec("csv", MAP, "CN", True, None), out=tmp_path / "spark" / "p.ecpack",
                             catalog=catalog, breach=BREACH, signing_key=key, master="local[2]")  # fmt: skip
    assert spark.entries == local.entries and spark.counts == local.counts
    assert spark.stats["rows_read"] == stats.rows_read
    assert not any(p.name.startswith(".ecpack-spark-") for p in (tmp_path / "spark").iterdir())  # scratch gone
    absent = [Identifier(IdentifierType.PHONE, f"+86139{i:08d}") for i in range(300)]
    absent += [Identifier(IdentifierType.EMAIL, f"nobody{i}@example.net") for i in range(100)]
    with open_pack(local.files[0], extra_keys=[public]) as a, open_pack(spark.files[0], extra_keys=[public]) as b:
        assert a.info.counts == b.info.counts and a.sections == b.sections
        answers = [(a.lookup(v), b.lookup(v)) for v in [*values, *absent]]
    assert all(x == y for x, y in answers)
    assert sum(1 for x, _ in answers if x) == len(values)  # every input value found, no absent one
