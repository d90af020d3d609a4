"""Offline packs end to end through the real commands: keygen, synthetic breach file, pack build, check, info,
verify, trust; every tamper case shown as that source's error. No network anywhere."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLANTED = {
    "phone": "+8613800138000",
    "email": "planted.person@example.org",
    "cn_id": "11010519491231002X",
    "username": "planted_user",
}
ABSENT = {"phone": "+8613900139000", "email": "nobody@example.org", "cn_id": "110105198001011238"}


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "server")])
    env["EXPOSURECHECK_CONFIG_DIR"] = str(tmp / "config")
    env["EXPOSURECHECK_DATA_DIR"] = str(tmp / "data")
    env["EXPOSURECHECK_STATE_DIR"] = str(tmp / "state")
    env["EXPOSURECHECK_PACK_DIRS"] = ""  # only the packs a test names
    env["LANG"] = "C.UTF-8"
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(proxy, None)
    return env


def run(tmp: Path, module: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], input=stdin, capture_output=True, text=True, env=_env(tmp), check=False
    )


def app(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(tmp, "exposurecheck", *args)


def admin(tmp: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run(tmp, "exposurecheck_server", *args, stdin=stdin)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One pack (and one sharded copy) built from a synthetic breach file through the admin command."""
    tmp = tmp_path_factory.mktemp("packcli")
    assert admin(tmp, "keygen", "--out", str(tmp / "keys"), "--unencrypted").returncode == 0
    breach_file = tmp / "breach.csv"
    generator = [
        sys.executable,
        str(ROOT / "scripts" / "make_synthetic_breach.py"),
        "--out",
        str(breach_file),
        "--rows",
        "2000",
        "--messy",
        *(f"--plant-{k.replace('_', '-')}={v}" for k, v in PLANTED.items()),
    ]
    subprocess.run(generator, check=True)
    catalog = tmp / "catalog.json"
    catalog.write_text(
        json.dumps([{"Name": "SyntheticShop", "Title": "Synthetic <b>Shop</b>", "BreachDate": "2024-03-01",
                     "PwnCount": 2000, "DataClasses": ["Email addresses", "Phone numbers"], "Description": "Fake."}]),
        encoding="utf-8",
    )
    common = [
        "--format", "csv", "--map", "phone=phone,email=email,cn_id=5,username=username",
        "--breach", "SyntheticShop", "--catalog", str(catalog), "--signing-key", str(tmp / "keys" / "publisher.key"),
        "--input", str(breach_file), "--quiet", "--json",
    ]  # fmt: skip
    result = admin(tmp, "pack", "build", *common, "--out", str(tmp / "shop.ecpack"))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    sharded_dir = tmp / "sharded"
    sharded_dir.mkdir()
    tiny = ["--shard-size", "12k", "--chunk-size", "1k"]  # many shard files from a small pack
    result = admin(tmp, "pack", "build", *common, "--out", str(sharded_dir / "shop.ecpack"), *tiny)
    assert result.returncode == 0, result.stderr
    return tmp, summary


def check_json(tmp: Path, pack: Path, *args: str) -> dict:
    pub = str(tmp / "keys" / "publisher.pub")
    result = app(tmp, "check", "--source", f"pack={pack}", "--trust", pub, "--json", *args)
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def _flags(values: dict[str, str]) -> list[str]:
    return [arg for k, v in values.items() for arg in (f"--{k.replace('_', '-')}", v)]


def test_build_summary_counts(built):
    _tmp, summary = built
    assert summary["rows_read"] == 2000
    assert summary["identifiers"]["phone"] == 2000
    assert summary["entries"] >= 7900  # 4 types x 2000 rows, a few random duplicates at most
    assert summary["bytes_per_entry"] < 12
    assert summary["rows_rejected"] == {}


def test_check_finds_planted_and_nothing_else(built):
    tmp, _ = built
    report = check_json(tmp, tmp / "shop.ecpack", *_flags(PLANTED), *_flags(ABSENT))
    assert report["sources"] == [{"name": "pack", "status": "ok", "error": None, "notices": [], "demo": False}]
    found = {e["type"]: e for e in report["exposures"]}
    assert set(found) == set(PLANTED)
    assert len(report["exposures"]) == 4
    assert found["phone"]["hint"] == "+86 138 **** 8000"
    assert all(e["breaches"] == [{"id": "SyntheticShop"}] and e["demo"] is False for e in report["exposures"])
    # Written the way people type them, the planted values are still found.
    report = check_json(tmp, tmp / "shop.ecpack", "--phone", "138 0013 8000", "--email", "Planted.Person@EXAMPLE.org")
    assert len(report["exposures"]) == 2
    report = check_json(tmp, tmp / "shop.ecpack", *_flags(ABSENT))
    assert report["exposures"] == []


def test_sharded_pack_gives_the_same_answers(built):
    tmp, _ = built
    files = sorted((tmp / "sharded").iterdir())
    assert len(files) >= 3
    assert all(path.stat().st_size <= 12 * 1024 for path in files)
    report = check_json(tmp, tmp / "sharded" / "shop.ecpack", *_flags(PLANTED), *_flags(ABSENT))
    assert {e["type"] for e in report["exposures"]} == set(PLANTED)
    assert len(report["exposures"]) == 4


def _refused(tmp: Path, pack: Path) -> dict:
    report = check_json(tmp, pack, *_flags(PLANTED))
    source = report["sources"][0]
    assert source["status"] == "error"
    assert source["error"]
    assert report["exposures"] == []
    return source


def test_flipped_bytes_anywhere_are_refused(built, tmp_path):
    tmp, _ = built
    data = (tmp / "shop.ecpack").read_bytes()
    rng = random.Random(11)
    # Start of file, head, catalog area, body and the very end; each flip in its own copy.
    positions = [0, 9, 70, 100, 200, 300, 600, 1000, len(data) // 2, len(data) - 1]
    positions += rng.sample(range(len(data)), 2)
    for position in positions:
        copy = tmp_path / f"flip-{position}.ecpack"
        flipped = bytearray(data)
        flipped[position] ^= 0x10
        copy.write_bytes(bytes(flipped))
        _refused(tmp, copy)


def test_truncated_wrong_key_and_swapped_shard_are_refused(built, tmp_path):
    tmp, _ = built
    data = (tmp / "shop.ecpack").read_bytes()
    cut = tmp_path / "cut.ecpack"
    cut.write_bytes(data[: len(data) - 100])
    assert "incomplete" in _refused(tmp, cut)["error"]

    other = tmp_path / "otherkeys"
    assert admin(tmp, "keygen", "--out", str(other), "--unencrypted").returncode == 0
    result = app(tmp, "check", "--source", f"pack={tmp / 'shop.ecpack'}", "--trust", str(other / "publisher.pub"),
                 "--json", "--phone", PLANTED["phone"])  # fmt: skip
    source = json.loads(result.stdout)["sources"][0]
    assert source["status"] == "error"
    assert "does not know" in source["error"]

    swapped = tmp_path / "swapped"
    shutil.copytree(tmp / "sharded", swapped)
    a, b = swapped / "shop.ecpack.2", swapped / "shop.ecpack.3"
    a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
    a.write_bytes(b_bytes)
    b.write_bytes(a_bytes)
    assert "does not belong" in _refused(tmp, swapped / "shop.ecpack")["error"]


def test_pack_info_and_verify(built, tmp_path):
    tmp, _ = built
    pub = str(tmp / "keys" / "publisher.pub")
    info = app(tmp, "pack", "info", str(tmp / "shop.ecpack"), "--trust", pub, "--json")
    assert info.returncode == 0, info.stderr
    data = json.loads(info.stdout)
    assert data["breaches"] == [{"id": "SyntheticShop", "title": "Synthetic Shop", "date": "2024-03-01"}]
    assert data["demo"] is False
    verify = app(tmp, "pack", "verify", str(tmp / "sharded" / "shop.ecpack"), "--trust", pub)
    assert verify.returncode == 0, verify.stderr
    assert "Verified" in verify.stdout
    flipped = bytearray((tmp / "shop.ecpack").read_bytes())
    flipped[-5] ^= 1
    bad = tmp_path / "bad.ecpack"
    bad.write_bytes(bytes(flipped))
    verify = app(tmp, "pack", "verify", str(bad), "--trust", pub, "--lang", "zh_CN")
    assert verify.returncode == 1
    assert "改动" in verify.stderr
    assert "Traceback" not in verify.stderr
    untrusted = app(tmp, "pack", "info", str(tmp / "shop.ecpack"))  # described, not used (test_pack_info_unknown)
    assert untrusted.returncode == 0
    assert "does not trust yet" in untrusted.stdout and "trust add" in untrusted.stdout


def test_trust_add_list_remove_then_check_without_trust_flag(built, tmp_path):
    tmp, _ = built
    home = tmp_path  # a fresh settings folder for this test
    (home / "keys").symlink_to(tmp / "keys")
    pub = str(tmp / "keys" / "publisher.pub")
    refused = app(home, "trust", "add", pub)
    assert refused.returncode == 1  # not a terminal and no --yes: nothing is added blindly
    added = app(home, "trust", "add", pub, "--yes")
    assert added.returncode == 0, added.stderr
    fp = added.stdout.split("Key fingerprint: ")[1].splitlines()[0]
    listed = json.loads(app(home, "trust", "list", "--json").stdout)
    assert {"fingerprint": fp, "kind": "added"} in listed
    assert any(entry["kind"] == "demo" for entry in listed)
    result = app(home, "check", "--source", f"pack={tmp / 'shop.ecpack'}", "--json", "--phone", PLANTED["phone"])
    assert json.loads(result.stdout)["exposures"][0]["type"] == "phone"
    removed = app(home, "trust", "remove", fp.replace(" ", ""))
    assert removed.returncode == 0, removed.stderr
    result = app(home, "check", "--source", f"pack={tmp / 'shop.ecpack'}", "--json", "--phone", PLANTED["phone"])
    assert json.loads(result.stdout)["sources"][0]["status"] == "error"


def test_demo_source_is_labelled_demo(tmp_path):
    identities = json.loads((ROOT / "resources" / "training" / "identities.json").read_text(encoding="utf-8"))
    for person in identities:
        result = app(tmp_path, "check", "--source", "demo", "--json", "--phone", person["phone"],
                     "--email", person["email"], "--cn-id", person["cn_id"])  # fmt: skip
        report = json.loads(result.stdout)
        assert report["sources"][0] == {"name": "demo", "status": "ok", "error": None, "notices": [], "demo": True}
        if person["expect"] == "found":
            assert len(report["exposures"]) == 3
            assert all(e["demo"] and e["breaches"] == [{"id": "demo_breach"}] for e in report["exposures"])
        else:
            assert report["exposures"] == []


def test_nothing_personal_on_stderr_or_in_settings(built, tmp_path):
    tmp, _ = built
    result = app(tmp_path, "check", "--source", f"pack={tmp / 'shop.ecpack'}", "--trust",
                 str(tmp / "keys" / "publisher.pub"), "--verbose", "--json", *_flags(PLANTED))  # fmt: skip
    for value in (*PLANTED.values(), "13800138000", "8000"):
        assert value not in result.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert all(v.encode() not in text for v in PLANTED.values())
