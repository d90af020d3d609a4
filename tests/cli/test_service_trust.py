"""A publisher the person chose to trust (`exposure-check trust add`) vouches for a lookup service as it does for
data files, on first use only: the key-continuity rules of docs/protocol.md section 3.3 still decide afterwards.

Every step is the real command line in a throwaway home, against a real service process on 127.0.0.1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exposurecheck.core.trust.publisher_keys import fingerprint
from tests.conftest import run_cli
from tests.server.service.site_helpers import PLANTED, Keys, build, make_keys, serve_process
from tests.server.service.test_recording_proxy import recording_proxy


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """A fresh HOME besides the app folders the suite already points at tmp_path (conftest.app_dirs)."""
    folder = tmp_path / "home"
    folder.mkdir()
    return {"HOME": str(folder)}


def check(url: str, env: dict[str, str], *extra: str) -> dict:
    """`check --source service=URL` for the planted phone number, without --trust unless `extra` gives it."""
    result = run_cli("check", "--source", f"service={url}", "--json", "--phone", PLANTED[0][1], *extra, env=env)
    assert result.returncode in (0, 3), result.stderr
    return json.loads(result.stdout)


def trust_add(keys: Keys, env: dict[str, str]) -> None:
    added = run_cli("trust", "add", "--yes", str(keys.publisher_pub), env=env)
    assert added.returncode == 0, added.stderr
    assert "lookup service" in added.stdout  # it says what the trust now covers


def test_trust_add_says_it_covers_lookup_services_in_both_languages(tmp_path: Path, home: dict[str, str]) -> None:
    keys = make_keys(tmp_path / "keys")
    chinese = run_cli("trust", "add", "--yes", str(keys.publisher_pub), "--lang", "zh_CN", env=home)
    assert "在线查询服务" in chinese.stdout and "您" not in chinese.stdout
    removed = run_cli("trust", "remove", fingerprint(keys.publisher_raw), env=home)
    assert removed.returncode == 0 and "lookup service" in removed.stdout


def test_a_publisher_added_with_trust_add_vouches_for_a_new_service(tmp_path: Path, home: dict[str, str]) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", filler=20)
    with serve_process(site, keys) as url:
        before = check(url, home)
        assert before["sources"][0]["status"] == "error"
        assert "trust add" in before["sources"][0]["error"]  # the message names the way forward
        assert run_cli("service", "list", "--json", env=home).stdout.strip() == "[]"  # nothing pinned, nothing sent
        trust_add(keys, home)
        after = check(url, home)
    assert after["sources"][0]["status"] == "ok"
    assert [i["status"] for i in after["identifiers"]] == ["found"]


def test_no_trusted_key_is_refused_in_both_languages_with_the_command_to_run(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", filler=20)
    with serve_process(site, keys) as url:
        english = check(url, {}, "--lang", "en")["sources"][0]["error"]
        chinese = check(url, {}, "--lang", "zh_CN")["sources"][0]["error"]
    assert "nothing was sent" in english and "exposure-check trust add FILE.pub" in english
    assert "没有向在线查询服务发送任何内容" in chinese and "exposure-check trust add 文件.pub" in chinese
    assert "您" not in chinese


def test_a_pinned_service_is_followed_without_any_trusted_key(tmp_path: Path, home: dict[str, str]) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", filler=20)
    with serve_process(site, keys) as url:
        trust_add(keys, home)
        assert check(url, home)["sources"][0]["status"] == "ok"  # first use: pinned through the trusted key
        fingerprint = json.loads(run_cli("trust", "list", "--json", env=home).stdout)
        added = [entry["fingerprint"] for entry in fingerprint if entry["kind"] == "added"]
        assert run_cli("trust", "remove", added[0], env=home).returncode == 0
        # The pin, not the trust store, decides from now on: the service is still used.
        again = check(url, home)
    assert again["sources"][0]["status"] == "ok"
    assert [i["status"] for i in again["identifiers"]] == ["found"]


def test_trust_add_does_not_override_key_continuity(tmp_path: Path, home: dict[str, str]) -> None:
    old = make_keys(tmp_path / "old")
    new = make_keys(tmp_path / "new")  # someone else's service, with keys the person was talked into trusting
    first = build(old, tmp_path / "site-old", filler=20)
    second = build(new, tmp_path / "site-new", filler=20, sequence=200)
    with serve_process(first, old) as before, recording_proxy(before) as (url, recording):
        trust_add(old, home)
        assert check(url, home)["sources"][0]["status"] == "ok"
        with serve_process(second, new) as after:
            recording.upstream = after  # the same address, another service behind it
            trust_add(new, home)
            refused = check(url, home)["sources"][0]
            assert refused["status"] == "error" and "does not continue" in refused["error"]
            assert run_cli("service", "forget", url, env=home).returncode == 0
            # After the person forgot the pin, the trusted key vouches for a first use again.
            assert check(url, home)["sources"][0]["status"] == "ok"
