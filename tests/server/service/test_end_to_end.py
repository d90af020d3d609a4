"""The lookup service end to end on 127.0.0.1: build from synthetic data, serve, check, and refuse every attack."""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from exposurecheck.core.crypto import oprf, sodium
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import encode, mask, normalize
from exposurecheck.core.protocol import bucket as buckets
from exposurecheck.core.protocol import messages
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck_server.keys import load_signing_key
from exposurecheck_server.service.renew import Renewal, renew
from exposurecheck_server.service.server import ServiceServer, make_config
from exposurecheck_server.service.site import read_site_manifest
from tests.conftest import REPO, run_cli
from tests.server.service.site_helpers import (
    NOT_PLANTED,
    PLANTED,
    Keys,
    breach_ids,
    build,
    make_keys,
    planted_identifiers,
    serve_process,
)
from tests.support.loopback import Reply, loopback_server


def _noop(_name: str, _fraction: float) -> None:
    pass


def lookup(source: ServiceSource, identifiers: list) -> tuple:
    return source.lookup(identifiers, _noop, CancelToken())


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def site(keys: Keys, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(keys, tmp_path_factory.mktemp("site") / "site")


def in_process(
    site: Path, key: oprf.KeyPair | list[oprf.KeyPair], bucketing: oprf.KeyPair, **options: object
) -> ServiceServer:
    server = ServiceServer(make_config(site, key, bucketing, **options))  # type: ignore[arg-type]
    server.start_in_thread()
    return server


def all_identifiers() -> list:
    return planted_identifiers() + [normalize(kind, raw) for kind, raw in NOT_PLANTED]


def bucketing_outputs(keys: Keys, identifiers: list) -> list[bytes]:
    """What the key holder computes: each identifier's output under the bucketing key."""
    return [oprf.evaluate(keys.bucketing().secret, encode(i)) for i in identifiers]


def test_source_finds_exactly_the_planted_identifiers(keys: Keys, site: Path, tmp_path: Path) -> None:
    with serve_process(site, keys) as url:
        source = ServiceSource(url, [keys.publisher_raw], state=PinStore(tmp_path))
        result = lookup(source, all_identifiers())
    first, second = breach_ids()
    found = {(e.type, e.hint): e.breaches for e in result.exposures}
    planted = planted_identifiers()
    assert set(found) == {(i.type, mask(i)) for i in planted}
    assert found[(planted[0].type, mask(planted[0]))] == (first, second)
    assert all(found[(i.type, mask(i))] == (first,) for i in planted[1:])
    assert result.sent is not None
    assert result.sent.source == "service"
    lines = [item.text("en") for item in result.sent.items]
    assert lines[1].startswith("8 blinded values")
    blocks = len({buckets.bucket_number(o, 8) // 8 for o in bucketing_outputs(keys, all_identifiers())})
    assert lines[2].startswith(f"{8 * blocks} bucket numbers of 8 bits each (whole groups of 8")
    # 8-bit buckets in blocks of 8 reveal 5 bits: 1.6e9 / 32 = 50 million phone numbers per group.
    assert "50,000,000 possible phone numbers" in " ".join(lines)


def test_cli_check_with_trust_file_finds_exactly_the_planted_ones(keys: Keys, tmp_path: Path) -> None:
    # Built through the admin CLI from a CSV (shared ingest, default prefix bits) to cover the whole operator path.
    first, _ = breach_ids()
    rows = ["phone,email,name"] + [f"1380013{n:04d},filler{n}@example.net,x" for n in range(1, 200)]
    rows += ["+86 138 0013 8000,planted.person@example.org,y"]
    (tmp_path / "leak.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    site = tmp_path / "site"
    built = run_cli(
        "service", "build", "--input", str(tmp_path / "leak.csv"), "--format", "csv", "--map", "phone=phone,email=2",
        "--breach", first, "--catalog", str(catalog), "--oprf-key", str(keys.oprf_key),
        "--bucketing-key", str(keys.bucketing_key), "--signing-key", str(keys.signing_key), "--out", str(site),
        "--sequence", "5",
        admin=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert "3-bit" in built.stdout  # sized to the data: 400 records fit one block of 8 buckets
    assert "Anonymity set per check" in built.stdout and "reveals 0 bits" in built.stdout
    assert len(list((site / "v2" / "epochs" / "1" / "buckets").iterdir())) == 8
    with serve_process(site, keys) as url:
        checked = run_cli(
            "check", "--source", f"service={url}", "--trust", str(keys.publisher_pub), "--json",
            "--phone", "+86 138 0013 8000", "--email", "planted.person@example.org",
            "--email", "nobody.here@example.org", "--phone", "+86 139 0000 0001",
        )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    report = json.loads(checked.stdout)
    assert report["sources"] == [{"name": "service", "status": "ok", "error": None, "notices": [], "demo": False}]
    found = sorted((e["type"], e["hint"], tuple(b["id"] for b in e["breaches"])) for e in report["exposures"])
    expected = sorted((kind.value, mask(normalize(kind, raw)), (first,)) for kind, raw in PLANTED[:2])
    assert found == expected
    for text in ("13800138000", "planted.person", "nobody.here"):
        assert text not in checked.stderr


def test_manifest_signed_by_another_key_is_refused(keys: Keys, site: Path, tmp_path: Path) -> None:
    other = make_keys(tmp_path / "other")
    server = in_process(site, keys.oprf(), keys.bucketing())
    try:
        source = ServiceSource(server.url, [other.publisher_raw], state=PinStore(tmp_path))
        with pytest.raises(UserError) as caught:
            lookup(source, planted_identifiers())
    finally:
        server.close()
    assert caught.value.key == "service.error.untrusted_signature"


def test_server_answering_with_another_oprf_key_is_refused(keys: Keys, site: Path, tmp_path: Path) -> None:
    server = in_process(site, oprf.generate_key_pair(), keys.bucketing(), check_key=False)
    try:
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path))
        with pytest.raises(UserError) as caught:
            lookup(source, planted_identifiers())
    finally:
        server.close()
    assert caught.value.key == "service.error.bad_proof"
    assert "could not prove" in caught.value.message("en")


@pytest.mark.parametrize("wrong", ["oprf", "bucketing"])
def test_serve_refuses_to_start_with_a_key_that_is_not_in_the_manifest(
    keys: Keys, site: Path, tmp_path: Path, wrong: str
) -> None:
    other = make_keys(tmp_path / "other")
    oprf_key = other.oprf_key if wrong == "oprf" else keys.oprf_key
    bucketing_key = other.bucketing_key if wrong == "bucketing" else keys.bucketing_key
    result = run_cli(
        "service", "serve", "--site", str(site), "--oprf-key", str(oprf_key), "--bucketing-key", str(bucketing_key),
        "--port", "0", admin=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert "does not match" in result.stderr
    assert "Traceback" not in result.stderr


def test_tampered_bucket_is_refused(keys: Keys, tmp_path: Path) -> None:
    site = build(keys, tmp_path / "site")
    phone = planted_identifiers()[0]
    prefix = buckets.bucket_number(bucketing_outputs(keys, [phone])[0], 8)
    path = site / buckets.bucket_path(1, prefix, 8)
    data = bytearray(path.read_bytes())
    data[buckets.HEADER_BYTES + 3] ^= 0x40  # one bit of one tag
    path.write_bytes(bytes(data))
    server = in_process(site, keys.oprf(), keys.bucketing())
    try:
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path))
        with pytest.raises(UserError) as caught:
            lookup(source, [phone])
    finally:
        server.close()
    assert caught.value.key == "service.error.bucket_tampered"


def test_rolled_back_manifest_is_refused(keys: Keys, tmp_path: Path) -> None:
    older = build(keys, tmp_path / "older", sequence=150, filler=50)
    newer = build(keys, tmp_path / "newer", sequence=200, filler=50, previous_site=older)
    server = in_process(newer, keys.oprf(), keys.bucketing())
    state = PinStore(tmp_path / "state")
    try:
        source = ServiceSource(server.url, [keys.publisher_raw], state=state)
        assert len(lookup(source, planted_identifiers()).exposures) == 4
        assert state.get(source.base_url).sequence == 200  # type: ignore[union-attr]
        server.httpd.RequestHandlerClass.config.site = older.resolve()  # type: ignore[attr-defined]
        with pytest.raises(UserError) as caught:
            lookup(source, planted_identifiers())
    finally:
        server.close()
    assert caught.value.key == "service.error.rollback"
    assert state.get(source.base_url).sequence == 200  # type: ignore[union-attr]


def test_expired_manifest_is_refused(keys: Keys, site: Path, tmp_path: Path) -> None:
    server = in_process(site, keys.oprf(), keys.bucketing())
    later = datetime.now(UTC) + timedelta(days=31)
    try:
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path), clock=lambda: later)
        with pytest.raises(UserError) as caught:
            lookup(source, planted_identifiers())
    finally:
        server.close()
    assert caught.value.key == "service.error.expired"


def test_rate_limit_is_reported_plainly(keys: Keys, site: Path, tmp_path: Path) -> None:
    with serve_process(site, keys, "--rate", "1", "--burst", "8") as url:
        source = ServiceSource(url, [keys.publisher_raw], state=PinStore(tmp_path))
        lookup(source, planted_identifiers())  # one batch of 8: the whole burst
        with pytest.raises(UserError) as caught:
            lookup(source, planted_identifiers())
    assert caught.value.key == "http.rate_limited"
    seconds = int(caught.value.params["seconds"])  # type: ignore[call-overload]
    assert 30 < seconds <= 480
    assert f"about {seconds} seconds" in caught.value.message("en")
    assert str(seconds) in caught.value.message("zh_CN")


def test_no_trusted_key_sends_nothing(site: Path, keys: Keys, tmp_path: Path) -> None:
    server = in_process(site, keys.oprf(), keys.bucketing())
    try:
        source = ServiceSource(server.url, [], state=PinStore(tmp_path), include_pinned=False)
        with pytest.raises(UserError) as caught:
            lookup(source, planted_identifiers())
    finally:
        server.close()
    assert caught.value.key == "service.error.no_trusted_keys"


@pytest.mark.parametrize("url", ["ftp://example.org", "example.org", "http://", "https://h/?q=1"])
def test_bad_urls_are_a_clear_error(url: str) -> None:
    with pytest.raises(UserError) as caught:
        ServiceSource(url, [os.urandom(32)])
    assert caught.value.key == "service.error.bad_url"


def test_html_instead_of_data_is_reported_plainly(tmp_path: Path) -> None:
    page = b"<!DOCTYPE html><html><body>Please log in to the hotel wifi</body></html>"
    with loopback_server() as server:
        server.set("/", Reply(200, page, {"Content-Type": "text/html"}))
        source = ServiceSource(server.url, [os.urandom(32)], state=PinStore(tmp_path))
        with pytest.raises(UserError) as caught:
            lookup(source, planted_identifiers())
        assert [r[0] for r in server.requests] == ["GET"]  # nothing but the manifest request left
    assert caught.value.key == "service.error.html"
    assert "web page" in caught.value.message("en")


def test_key_change_over_keeps_the_old_epoch_live(keys: Keys, site: Path, tmp_path: Path) -> None:
    fresh = make_keys(tmp_path / "new")
    new_keys = dataclasses.replace(keys, oprf_key=fresh.oprf_key)
    announcing = tmp_path / "announcing"
    shutil.copytree(site, announcing)
    renewal = Renewal(announce_oprf_keys=[new_keys.oprf().public], sequence=250)
    renew(announcing, renewal, [load_signing_key(keys.signing_key)])
    rotated = build(new_keys, tmp_path / "rotated", sequence=300, previous_site=announcing)
    manifest = read_site_manifest(rotated)
    assert [e.id for e in manifest.epochs] == [2, 1]
    assert manifest.current_epoch == 2
    assert manifest.epoch(1).merkle_root == read_site_manifest(site).epoch(1).merkle_root
    assert (rotated / buckets.bucket_path(1, 0, 8)).read_bytes() == (site / buckets.bucket_path(1, 0, 8)).read_bytes()
    server = in_process(rotated, [new_keys.oprf(), keys.oprf()], keys.bucketing())
    try:
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(tmp_path))
        assert len(lookup(source, all_identifiers()).exposures) == 4
        old_epoch = request_eval(server, 1)  # clients still on the old manifest get old-key answers
    finally:
        server.close()
    assert old_epoch == 200


def request_eval(server: ServiceServer, epoch: int) -> int:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    points = [sodium.point_from_hash(os.urandom(64)) for _ in range(8)]
    connection.request("POST", "/v2/eval", body=messages.encode_request(epoch, points))
    status = connection.getresponse().status
    connection.close()
    return status


def test_cli_reports_the_rate_limit_plainly(keys: Keys, site: Path) -> None:
    with serve_process(site, keys, "--rate", "1", "--burst", "8") as url:
        args = ("check", "--source", f"service={url}", "--trust", str(keys.publisher_pub), "--json")
        first = run_cli(*args, "--phone", "+86 138 0013 8000")
        second = run_cli(*args, "--phone", "+86 138 0013 8000", "--lang", "zh_CN")
    assert first.returncode == 0, first.stderr
    report = json.loads(second.stdout)
    assert report["sources"][0]["status"] == "error"
    assert "秒" in report["sources"][0]["error"]  # "please try again in about N seconds", in Chinese
    assert report["exposures"] == []
    assert "Traceback" not in second.stderr
    assert "13800138000" not in second.stderr + second.stdout
