"""`--engine spark` builds the same pack as the local engine: the same lookups give the same answers, for every
value in the input and for values that are not in it. Spark runs in local[2] mode, in the session every Spark test
shares (conftest.py); skipped cleanly where PySpark or Java is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.catalog import load_bundled_catalog
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs.opening import open_pack
from exposurecheck_server.ingest import IngestOptions, IngestStats, iter_identifiers, parse_map
from exposurecheck_server.pack.builder import build_pack
from exposurecheck_server.spark.pack_job import build_pack_spark
from tests.server.spark.inputs import MAP, ROOT, synthetic_inputs

BREACH = "demo_breach"


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(tmp_path / "config"))


def test_spark_and_local_packs_answer_alike(tmp_path: Path, spark: Any) -> None:
    paths = synthetic_inputs(tmp_path)
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    catalog = load_bundled_catalog()
    stats = IngestStats()
    values = list(iter_identifiers(paths, "csv", parse_map(MAP), stats=stats, jobs=1))
    (tmp_path / "local").mkdir()
    (tmp_path / "spark").mkdir()
    local = build_pack(values, out=tmp_path / "local" / "p.ecpack", catalog=catalog, breach=BREACH, signing_key=key)
    options = IngestOptions(paths=tuple(paths), fmt="csv", mapping=parse_map(MAP), min_accepted=0.5)
    built = build_pack_spark(options, out=tmp_path / "spark" / "p.ecpack", catalog=catalog, breach=BREACH,
                             signing_key=key, master="local[2]")  # fmt: skip
    assert built.entries == local.entries and built.counts == local.counts
    assert built.stats == stats.as_dict()  # the same counts, added up block by block
    assert not any(p.name.startswith(".ecpack-spark-") for p in (tmp_path / "spark").iterdir())  # scratch gone
    absent = [Identifier(IdentifierType.PHONE, f"+86139{i:08d}") for i in range(300)]
    absent += [Identifier(IdentifierType.EMAIL, f"nobody{i}@example.net") for i in range(100)]
    with open_pack(local.files[0], extra_keys=[public]) as a, open_pack(built.files[0], extra_keys=[public]) as b:
        assert a.info.counts == b.info.counts and a.sections == b.sections
        answers = [(a.lookup(v), b.lookup(v)) for v in [*values, *absent]]
    assert all(x == y for x, y in answers)
    assert sum(1 for x, _ in answers if x) == len(values)  # every input value found, no absent one


def test_pack_build_command_with_spark(tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """`pack build --engine spark` from the command line (in this process: it uses the shared session, as it would
    use the one spark-submit makes), with the same counts as the ingest and the pack reminder on stderr."""
    from exposurecheck_server.cli import main
    from exposurecheck_server.keys import write_signing_key

    paths = synthetic_inputs(tmp_path)[:1]
    write_signing_key(tmp_path / "keys")
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes((ROOT / "resources" / "catalog" / "breaches.json").read_bytes())
    code = main(["pack", "build", "--engine", "spark", "--input", str(paths[0]), "--map", MAP, "--breach", BREACH,
                 "--catalog", str(catalog), "--signing-key", str(tmp_path / "keys" / "publisher.key"),
                 "--out", str(tmp_path / "p.ecpack"), "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    stats = IngestStats()
    values = set(iter_identifiers(paths, "csv", parse_map(MAP), stats=stats))
    assert summary["engine"] == "spark" and summary["entries"] == len(values) and summary["rows_read"] == 1500
    assert (tmp_path / "p.ecpack").is_file()
