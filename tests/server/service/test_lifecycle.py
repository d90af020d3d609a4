"""Running a service over months (issue 15.1): renew without records or OPRF keys, sign offline, publish, warn early.

Everything through the operator's and the person's commands (`exposure-check-admin`, `exposure-check check`) as
processes, against a real server on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from exposurecheck.core.protocol import paths
from exposurecheck.core.protocol.manifest import read_envelope
from exposurecheck_server.keys import load_signing_key
from exposurecheck_server.service.site import read_site_manifest
from tests.conftest import run_cli
from tests.server.service.site_helpers import PLANTED, Keys, build, catalog_json, make_keys, serve_process


def admin(*args: str) -> tuple[int, str, str]:
    result = run_cli(*args, admin=True)
    return result.returncode, result.stdout, result.stderr


def check(url: str, keys: Keys, *extra: str) -> dict:
    """`exposure-check check --json` for the planted phone number; the report as JSON."""
    result = run_cli(
        "check", "--source", f"service={url}", "--trust", str(keys.publisher_pub), "--json",
        "--phone", PLANTED[0][1], *extra,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def found(report: dict) -> bool:
    return report["sources"][0]["status"] == "ok" and len(report["exposures"]) == 1


def bucket_bytes(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted((site / "v2" / "epochs").rglob("*.bin"))}


def test_renew_needs_neither_records_nor_oprf_keys_and_clients_accept_it(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=100, filler=50)
    before = read_site_manifest(site)
    buckets = bucket_bytes(site)
    with serve_process(site, keys) as url:
        assert found(check(url, keys))  # pins the service
        code, out, err = admin("service", "renew", "--site", str(site), "--signing-key", str(keys.signing_key),
                               "--valid-days", "60")  # fmt: skip
        assert code == 0, err
        after = read_site_manifest(site)
        assert found(check(url, keys))  # the same installation accepts the renewal
    assert f"Published manifest {after.sequence}" in out
    assert after.sequence > before.sequence and after.previous == before.digest
    assert after.expires_at - after.issued_at == timedelta(days=60)
    assert after.epochs == before.epochs and after.bucketing_key == before.bucketing_key
    assert bucket_bytes(site) == buckets  # not one bucket rewritten
    history = site / paths.history_manifest(before.digest)
    assert read_envelope(history.read_bytes()).digest == before.digest  # kept for clients that walk the chain


def test_offline_signing_in_three_steps(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=100, filler=50)
    unsigned, signed = tmp_path / "next.unsigned.json", tmp_path / "next.signed.json"
    # On the online machine: no key of any kind.
    code, out, err = admin("service", "manifest", "--site", str(site), "--unsigned", "--out", str(unsigned))
    assert code == 0, err
    assert "Manifest" in out and "service sign" in out
    assert json.loads(unsigned.read_bytes())["format"] == "exposurecheck.manifest"
    # On the offline machine: only the small file and the signing key.
    code, out, err = admin("service", "sign", "--manifest", str(unsigned), "--signing-key", str(keys.signing_key),
                           "--out", str(signed))  # fmt: skip
    assert code == 0, err
    assert "signed by" in out and "valid from" in out  # what is signed, for the person signing to read
    # Back online.
    code, out, err = admin("service", "publish", "--site", str(site), "--manifest", str(signed))
    assert code == 0, err
    with serve_process(site, keys) as url:
        assert found(check(url, keys))
    # The same file again no longer follows the current manifest; nothing changes.
    code, _, err = admin("service", "publish", "--site", str(site), "--manifest", str(signed))
    assert code == 2 and "does not follow" in err and "Traceback" not in err


def test_renewal_steps_speak_the_operators_language(tmp_path: Path) -> None:
    # manifest, sign, publish and verify printed English under a Chinese locale (the strings were translated but
    # looked up as "en").
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=100, filler=50)
    unsigned, signed = tmp_path / "next.unsigned.json", tmp_path / "next.signed.json"
    zh = {"LANG": "zh_CN.UTF-8"}
    steps = [
        ("service", "manifest", "--site", str(site), "--unsigned", "--out", str(unsigned)),
        ("service", "sign", "--manifest", str(unsigned), "--signing-key", str(keys.signing_key), "--out", str(signed)),
        ("service", "publish", "--site", str(site), "--manifest", str(signed)),
        ("service", "verify", "--site", str(site), "--trust", str(keys.publisher_pub)),
    ]
    outputs = []
    for step in steps:
        result = run_cli(*step, admin=True, env=zh)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert "号清单" in outputs[0] and "有效期从" in outputs[0] and "service sign" in outputs[0]
    assert "签名密钥" in outputs[1] and "已将签名的清单写入" in outputs[1]
    assert outputs[2].startswith("已发布第") and outputs[3].startswith("站点完整且一致")
    for out in outputs:
        assert not any(word in out for word in ("Manifest", "valid from", "Wrote", "Published", "Site is")), out


def test_publish_and_sign_refuse_what_clients_would_refuse(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    other = make_keys(tmp_path / "other")
    site = build(keys, tmp_path / "site", sequence=100, filler=20)
    unsigned = tmp_path / "next.unsigned.json"
    assert admin("service", "manifest", "--site", str(site), "--unsigned", "--out", str(unsigned))[0] == 0
    code, _, err = admin("service", "sign", "--manifest", str(unsigned), "--signing-key", str(other.signing_key),
                         "--out", str(tmp_path / "wrong.json"))  # fmt: skip
    assert code == 2 and "not one of the keys this manifest names" in err
    # Written for the other key, signed with it: a key the current manifest never announced.
    named = tmp_path / "named.json"
    assert admin("service", "manifest", "--site", str(site), "--unsigned", "--out", str(named),
                 "--publisher-key", str(other.publisher_pub))[0] == 0  # fmt: skip
    signed = tmp_path / "named.signed.json"
    assert admin("service", "sign", "--manifest", str(named), "--signing-key", str(other.signing_key),
                 "--out", str(signed))[0] == 0  # fmt: skip
    code, _, err = admin("service", "publish", "--site", str(site), "--manifest", str(signed))
    assert code == 2 and "Clients would refuse this manifest" in err
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(signed.read_bytes().replace(b'"payload":"', b'"payload":"AAAA'))
    assert admin("service", "publish", "--site", str(site), "--manifest", str(tampered))[0] == 2
    assert read_site_manifest(site).sequence == 100  # nothing was published
    code, _, err = admin("service", "renew", "--site", str(site), "--signing-key", str(keys.signing_key),
                         "--drop-epoch", "1")  # fmt: skip
    assert code == 2 and "is the current one" in err


def test_build_refuses_an_unannounced_key_before_reading_any_record(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=100, filler=20)
    other = make_keys(tmp_path / "other")
    missing_input = tmp_path / "not-read.csv"  # never opened: the refusal comes first
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(catalog_json()), encoding="utf-8")
    for oprf_key, bucketing_key, message in (
        (other.oprf_key, keys.bucketing_key, "has not been announced"),
        (keys.oprf_key, other.bucketing_key, "not the one the service has used"),
    ):
        code, _, err = admin(
            "service", "build", "--input", str(missing_input), "--format", "csv", "--map", "phone=1",
            "--breach", "x", "--catalog", str(catalog), "--oprf-key", str(oprf_key),
            "--bucketing-key", str(bucketing_key), "--signing-key", str(keys.signing_key),
            "--previous-site", str(site), "--out", str(tmp_path / "next"),
        )  # fmt: skip
        assert code == 2, err
        assert message in err


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_manifest_near_its_expiry_is_used_with_a_plain_warning(tmp_path: Path, lang: str) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=100, filler=20)
    code, _, err = admin("service", "renew", "--site", str(site), "--signing-key", str(keys.signing_key),
                         "--valid-days", "3")  # fmt: skip
    assert code == 0, err
    with serve_process(site, keys) as url:
        report = check(url, keys, "--lang", lang)
        text = run_cli("check", "--source", f"service={url}", "--trust", str(keys.publisher_pub),
                       "--phone", PLANTED[0][1], "--lang", lang)  # fmt: skip
    assert found(report)
    notices = report["sources"][0]["notices"]
    expected = "runs out in 3 days" if lang == "en" else "3 天内过期"
    assert len(notices) == 1 and expected in notices[0]
    assert expected in text.stdout


def test_no_warning_while_renewals_keep_to_the_schedule(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=100, filler=20)  # 30 days, as the schedule keeps it
    with serve_process(site, keys) as url:
        assert check(url, keys)["sources"][0]["notices"] == []


def test_drop_an_old_epoch_after_a_key_change_over(tmp_path: Path) -> None:
    from exposurecheck_server.service.renew import Renewal, renew

    keys = make_keys(tmp_path / "keys")
    signer = load_signing_key(keys.signing_key)
    site = build(keys, tmp_path / "site", sequence=100, filler=20)
    fresh = dataclasses.replace(keys, oprf_key=make_keys(tmp_path / "next", keys.bucketing_key).oprf_key)
    renew(site, Renewal(sequence=110, announce_oprf_keys=[fresh.oprf().public]), [signer])
    rotated = build(fresh, tmp_path / "rotated", sequence=120, filler=20, previous_site=site)
    assert [e.id for e in read_site_manifest(rotated).epochs] == [2, 1]
    code, _, err = admin("service", "renew", "--site", str(rotated), "--signing-key", str(keys.signing_key),
                         "--drop-epoch", "1")  # fmt: skip
    assert code == 0, err
    manifest = read_site_manifest(rotated)
    assert [e.id for e in manifest.epochs] == [2] and manifest.expires_at > datetime.now(UTC) + timedelta(days=29)
    with serve_process(rotated, fresh) as url:
        assert found(check(url, fresh))
