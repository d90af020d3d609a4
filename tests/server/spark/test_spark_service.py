"""`service build --engine spark` builds the same site as the local engine from the same input and keys: the same
parameters and the same entries in every bucket (only the random padding differs, so bucket files cannot be
byte-identical), and a real `exposure-check check` against each, served on 127.0.0.1, gives the same answers for
identifiers in the input and for identifiers that are not. Spark runs in local[2] mode, in the session every Spark
test shares (conftest.py); the command-line test starts its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType, normalize
from exposurecheck.core.protocol import bucket as buckets
from exposurecheck.core.protocol.manifest import Manifest, open_envelope
from exposurecheck_server.ingest import IngestOptions, IngestStats, iter_identifiers, parse_map
from exposurecheck_server.keys import load_signing_key
from exposurecheck_server.service.build import BuildSettings, build_site
from exposurecheck_server.spark.service_job import ExecutorKeys, build_site_spark
from tests.conftest import REPO, run_cli
from tests.server.service.site_helpers import Keys, breach_ids, catalog_json, make_keys, serve_process
from tests.server.spark.inputs import MAP, synthetic_inputs

ABSENT = (
    (IdentifierType.PHONE, "+86 139 0000 0001"),
    (IdentifierType.PHONE, "+86 131 2345 6789"),
    (IdentifierType.EMAIL, "nobody.here@example.org"),
    (IdentifierType.CN_ID, "11010519491231002X"),
    (IdentifierType.USERNAME, "no_such_user_anywhere"),
)
FLAGS = {IdentifierType.PHONE: "--phone", IdentifierType.EMAIL: "--email", IdentifierType.CN_ID: "--cn-id",
         IdentifierType.USERNAME: "--username"}  # fmt: skip


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(tmp_path / "config"))


def _settings(keys: Keys) -> BuildSettings:
    return BuildSettings(
        oprf_key=keys.oprf(),
        bucketing_key=keys.bucketing(),
        signing_keys=[load_signing_key(keys.signing_key)],
        catalog=catalog_json(),
        sequence=7,
        workers=2,
    )


def _manifest(site: Path, keys: Keys) -> Manifest:
    return open_envelope((site / "v2" / "manifest.json").read_bytes(), [keys.publisher_raw])


def _contents(site: Path, manifest: Manifest) -> list[list[tuple[bytes, int]]]:
    """Every bucket's real entries (tag, breach index), padding left out, each bucket checked as a client would."""
    epoch = manifest.epoch()
    found = []
    for prefix in range(epoch.bucket_count):
        bucket = buckets.parse_bucket((site / buckets.bucket_path(epoch.id, prefix, epoch.prefix_bits)).read_bytes(),
                                      epoch, prefix)  # fmt: skip
        found.append([(t, i) for t, i in zip(bucket.tags, bucket.indices, strict=True) if i != buckets.PADDING])
    return found


def _check(url: str, keys: Keys, identifiers: list[Identifier]) -> list[tuple[str, str, tuple[str, ...]]]:
    args = ["check", "--source", f"service={url}", "--trust", str(keys.publisher_pub), "--json"]
    for identifier in identifiers:
        args += [FLAGS[identifier.type], identifier.canonical]
    checked = run_cli(*args)
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["sources"][0]["status"] == "ok"
    return sorted((e["type"], e["hint"], tuple(b["id"] for b in e["breaches"])) for e in report["exposures"])


def test_spark_and_local_sites_answer_alike(tmp_path: Path, spark: Any) -> None:
    paths = synthetic_inputs(tmp_path)
    keys = make_keys(tmp_path / "keys")
    breach = breach_ids()[0]
    stats = IngestStats()
    values = list(iter_identifiers(paths, "csv", parse_map(MAP), stats=stats, jobs=1))
    local = build_site([(v, breach) for v in values], tmp_path / "local", _settings(keys))
    options = IngestOptions(paths=tuple(paths), fmt="csv", mapping=parse_map(MAP), min_accepted=0.5)
    spark_stats = IngestStats()
    executor_keys = ExecutorKeys(str(keys.oprf_key), str(keys.bucketing_key))
    built = build_site_spark(options, tmp_path / "spark", _settings(keys), breach, executor_keys, stats=spark_stats)

    assert spark_stats.as_dict() == stats.as_dict()  # the same counts, block by block
    assert (built.identifiers, built.records, built.buckets) == (local.identifiers, local.records, local.buckets)
    assert built.identifiers == len(set(values)) and built.prefix_bits == 5  # 30,000 identifiers: 32 buckets
    assert not any(p.name.startswith(".ec-service-spark-") for p in tmp_path.iterdir())  # scratch gone
    ours, theirs = _manifest(tmp_path / "local", keys), _manifest(tmp_path / "spark", keys)
    a, b = ours.epoch(), theirs.epoch()
    assert (a.prefix_bits, a.bucket_entries, a.bucket_bytes, a.record_count, a.public_key) == (
        b.prefix_bits, b.bucket_entries, b.bucket_bytes, b.record_count, b.public_key)  # fmt: skip
    assert (ours.breach_ids, ours.types, ours.bucketing_key) == (theirs.breach_ids, theirs.types, theirs.bucketing_key)
    assert ours.types == ("cn_id", "email", "phone", "username")
    assert _contents(tmp_path / "local", ours) == _contents(tmp_path / "spark", theirs)
    assert a.merkle_root != b.merkle_root  # the padding is random: equal contents, different bytes

    members = [normalize(IdentifierType.PHONE, "+86 138 0013 8000")]
    members += [next(v for v in values if v.type is kind) for kind in IdentifierType if kind in FLAGS]
    absent = [normalize(kind, raw) for kind, raw in ABSENT]
    assert not set(absent) & set(values)
    with serve_process(tmp_path / "local", keys) as first, serve_process(tmp_path / "spark", keys) as second:
        answers = [_check(url, keys, members + absent) for url in (first, second)]
    assert answers[0] == answers[1]
    assert sorted(kind for kind, _hint, _ids in answers[0]) == sorted(m.type.value for m in set(members))
    assert {ids for _kind, _hint, ids in answers[0]} == {(breach,)}


def test_wrong_executor_keys_stop_the_job_before_anything_is_written(tmp_path: Path, spark: Any) -> None:
    paths = synthetic_inputs(tmp_path)[:1]
    keys = make_keys(tmp_path / "keys")
    other = make_keys(tmp_path / "other", bucketing_key=keys.bucketing_key)  # another matching key, same bucketing
    options = IngestOptions(paths=tuple(paths), fmt="csv", mapping=parse_map(MAP), min_accepted=0.5)
    executor_keys = ExecutorKeys(str(other.oprf_key), str(keys.bucketing_key))
    with pytest.raises(UserError) as caught:
        build_site_spark(options, tmp_path / "site", _settings(keys), breach_ids()[0], executor_keys)
    assert caught.value.key == "service.admin.executor_keys"
    assert str(other.oprf_key) in caught.value.message("en")
    assert not (tmp_path / "site").exists()
    assert not any(p.name.startswith(".ec-service-spark-") for p in tmp_path.iterdir())


def test_the_admin_command_builds_with_spark(tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """The operator's command line, `service build --engine spark` (run in this process, so it uses the shared
    session as it would use the one spark-submit makes), then `service verify` as its own process."""
    from exposurecheck_server.cli import main

    paths = synthetic_inputs(tmp_path)[:1]
    keys = make_keys(tmp_path / "keys")
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    code = main([
        "service", "build", "--engine", "spark", "--input", *map(str, paths), "--map", MAP,
        "--breach", breach_ids()[0], "--catalog", str(catalog), "--oprf-key", str(keys.oprf_key),
        "--bucketing-key", str(keys.bucketing_key), "--signing-key", str(keys.signing_key),
        "--out", str(tmp_path / "site"), "--json",
    ])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert summary["builder"] == "service" and summary["prefix_bits"] == 3  # 6,000 identifiers: one block of 8
    assert summary["engine"] == "spark"
    assert summary["entries"] == summary["distinct_identifiers"] == 6000 and summary["rows_read"] == 1500
    assert not any(p.name.startswith((".ec-service-spark-", ".site.building")) for p in tmp_path.iterdir())
    verified = run_cli("service", "verify", "--site", str(tmp_path / "site"), "--trust", str(keys.publisher_pub),
                       admin=True)  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    for secret in (keys.oprf_key.read_text().split()[1], keys.bucketing_key.read_text().split()[1]):
        assert secret not in out + err
