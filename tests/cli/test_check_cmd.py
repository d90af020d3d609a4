"""`exposure-check check` end to end against a real loopback Pwned Passwords server."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.conftest import run_cli
from tests.support.loopback import Reply, loopback_server

RANGE = "pwned_passwords/fixtures/range_21BD1_sha1_2018-10-29_ediblepwn.txt"


@pytest.fixture
def range_body(testdata) -> bytes:
    return (testdata / RANGE).read_bytes()


def _check(url: str, password: str = "P@ssw0rd", *extra: str):
    source = f"hibp-passwords={url}"
    return run_cli("check", "--password-stdin", "--source", source, "--json", *extra, stdin=password + "\n")


def test_password_found_with_the_count_the_real_body_holds(range_body: bytes) -> None:
    with loopback_server() as server:
        server.set("/range/21BD1", Reply(200, range_body))
        result = _check(server.url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (exposure,) = report["exposures"]
    assert exposure["type"] == "password" and exposure["source"] == "hibp-passwords"
    assert exposure["count"] == 49938
    assert exposure["breaches"] == []
    assert report["sources"] == [
        {"name": "hibp-passwords", "status": "ok", "error": None, "notices": [], "demo": False}
    ]
    assert isinstance(report["advice"], list) and report["advice"]
    assert {"id", "code", "severity", "when", "title", "steps"} <= set(report["advice"][0])
    assert result.stderr == ""


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b"2DC183F740EE76F27B78EB39C8AD972A757;49938\r\n"),
        Reply(200, b"<html><body>Blocked</body></html>", {"Content-Type": "text/html"}),
        Reply(429, b"", {"Retry-After": "600"}),
        Reply(503, b"down"),
    ],
    ids=["malformed", "html", "429", "503"],
)
def test_broken_answers_give_a_clear_error_and_exit_3(reply: Reply) -> None:
    with loopback_server() as server:
        server.set("/range/", reply)
        result = _check(server.url)
    assert result.returncode == 3
    report = json.loads(result.stdout)
    (source,) = report["sources"]
    assert source["status"] == "error"
    assert source["error"] and "Traceback" not in result.stdout + result.stderr
    assert report["exposures"] == []


def test_error_messages_follow_the_language(range_body: bytes) -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(200, b"<html></html>"))
        result = _check(server.url, "P@ssw0rd", "--lang", "zh_CN")
    assert "网页" in json.loads(result.stdout)["sources"][0]["error"]


def test_invalid_input_is_a_usage_error_with_a_plain_message() -> None:
    result = run_cli("check", "--phone", "12345", "--source", "hibp-passwords=http://127.0.0.1:9", "--json")
    assert result.returncode == 2
    assert "phone number" in result.stderr
    assert "12345" not in result.stderr
    assert "Traceback" not in result.stderr


def test_nothing_to_check_and_unknown_source_are_usage_errors() -> None:
    assert run_cli("check", "--json").returncode == 2
    result = run_cli("check", "--email", "a@example.com", "--source", "carrier-pigeon")
    assert result.returncode == 2 and "carrier-pigeon" in result.stderr


def test_verbose_stderr_never_carries_the_password_its_hash_or_prefix(range_body: bytes) -> None:
    password = "Correct-Horse-Canary-7781"
    digest = hashlib.sha1(password.encode()).hexdigest()
    with loopback_server() as server:
        server.set("/range/", Reply(429, b"", {"Retry-After": "0"}))
        result = run_cli(
            "--verbose", "check", "--password-stdin", "--phone", "13800138000",
            "--source", f"hibp-passwords={server.url}", stdin=password + "\n",
        )
    text = result.stdout + result.stderr
    for needle in (password, digest, digest.upper(), digest[:5], digest[:5].upper(), "13800138000", "8613800138000"):
        assert needle not in text
    assert "checking" in result.stderr  # --verbose does log, just nothing personal


def test_unreachable_source_reports_plainly_with_text_output() -> None:
    result = run_cli("check", "--password-stdin", "--source", "hibp-passwords=http://127.0.0.1:9", stdin="x\n")
    assert result.returncode == 3
    assert "could not be reached" in result.stdout


def test_demo_results_are_labelled_demo_in_text_output() -> None:
    result = run_cli("check", "--phone", "+8613800138000", "--source", "demo", "--lang", "en")
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert first.startswith("DEMO")
    assert any(line.startswith("[DEMO]") for line in rest)
    zh = run_cli("check", "--phone", "+8613800138000", "--source", "demo", "--lang", "zh_CN")
    assert zh.stdout.startswith("演示")
