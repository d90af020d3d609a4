"""`exposure-check check` gives every typed identifier one honest answer and never a dead end (issue 12.1, 12.2),
chooses sources as the window does (13.1), and uses an NGO profile only once its key was confirmed (19.4).

Real subprocesses in a throwaway HOME, real packs (the bundled demo pack, packs built with the server's builder),
real loopback servers for Pwned Passwords.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.catalog import Breach, Catalog
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.settings import Settings, save_settings
from exposurecheck.core.trust import profile as prof
from exposurecheck.core.trust.publisher_keys import format_public_key
from exposurecheck_server.pack.builder import build_pack
from tests.conftest import run_cli
from tests.support.loopback import Reply, loopback_server

PHONE, CN_ID = "13800138000", "11010519491231002X"
DEMO_PHONE = "+8613800138000"  # demo person A: in the bundled demo pack
NOTHING_FOUND_ZH = "在查过的数据来源里，没有找到你的信息"
CATALOG = Catalog([Breach("ngo_list_2025", "NGO list", "机构名单", "2025-01-01", None, ("Phone numbers",), "", "")])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A first start: an empty HOME whose folders the app finds by itself, no data file anywhere, and any attempt to
    reach the internet sent to a closed port."""
    for name in ("EXPOSURECHECK_CONFIG_DIR", "EXPOSURECHECK_DATA_DIR", "EXPOSURECHECK_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "EXPOSURECHECK_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    dead = f"http://127.0.0.1:{_closed_port()}"
    return {"HOME": str(tmp_path / "home"), "HTTPS_PROXY": dead, "HTTP_PROXY": dead}


def _json(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> tuple[dict, str, int]:
    result = run_cli("check", *args, "--json", env=env, stdin=stdin)
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout), result.stderr, result.returncode


def _answers(report: dict) -> list[tuple[str, str, str | None]]:
    return [(i["type"], i["status"], i["reason_code"]) for i in report["identifiers"]]


def test_fresh_home_no_network_no_data_file_json(fresh_home: dict[str, str]) -> None:
    """The issue's "done when": both not checked with a reason, and the advice holds the phone and ID steps."""
    report, stderr, code = _json("--phone", PHONE, "--cn-id", CN_ID, env=fresh_home)
    assert code == 0, stderr
    assert _answers(report) == [("phone", "not_checked", "no_data"), ("cn_id", "not_checked", "no_data")]
    assert [i["hint"] for i in report["identifiers"]] == ["+86 138 **** 8000", "110*************2X"]
    assert all(i["reason"] for i in report["identifiers"])
    codes = {a["code"] for a in report["advice"]}
    assert {"P-01", "P-02", "P-03"} <= codes and {"I-01", "I-04"} <= codes
    assert all(a["presumed"] for a in report["advice"] if a["code"] != "B-01")
    assert report["exposures"] == []


@pytest.mark.parametrize(
    ("lang", "not_checked", "reason", "label"),
    [
        ("en", "not checked", "no leak data for phone numbers", "not on a match"),
        ("zh_CN", "没能查", "没有手机号码的泄露数据", "不是查到的结果"),
    ],
)
def test_fresh_home_text_in_both_languages(fresh_home, lang, not_checked, reason, label) -> None:
    result = run_cli("check", "--phone", PHONE, "--cn-id", CN_ID, "--lang", lang, env=fresh_home)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(("Phone number +86 138 **** 8000", "手机号码 +86 138 **** 8000"))
    assert not_checked in lines[0] and reason in lines[0]
    assert "110*************2X" in lines[1] and not_checked in lines[1]
    assert label in result.stdout and "[P-01]" in result.stdout and "[I-01]" in result.stdout
    assert NOTHING_FOUND_ZH not in result.stdout and "We did not find your details" not in result.stdout
    assert PHONE not in result.stdout + result.stderr and CN_ID not in result.stdout + result.stderr


def test_settings_sources_are_what_check_uses(app_dirs) -> None:
    """With "sources": ["demo"] in settings the command line uses the demo pack (as the window does)."""
    save_settings(Settings(sources=("demo",)))
    report, stderr, code = _json("--phone", DEMO_PHONE, "--email", "nobody.at.all@example.org")
    assert code == 0, stderr
    assert [s["name"] for s in report["sources"]] == ["demo"]
    assert _answers(report) == [("phone", "found", None), ("email", "not_found", None)]


@pytest.mark.parametrize("how", ["setting", "option"])
def test_offline_only_is_kept_and_said(app_dirs, how: str) -> None:
    with loopback_server() as server:
        save_settings(Settings(sources=(f"hibp-passwords={server.url}", "demo"), offline_only=how == "setting"))
        flag = ["--offline-only"] if how == "option" else []
        report, stderr, code = _json("--phone", DEMO_PHONE, "--password-stdin", *flag, stdin="hunter2 canary\n")
        assert server.requests == []
    assert code == 0, stderr
    assert [s["name"] for s in report["sources"]] == ["demo"]
    assert _answers(report) == [("phone", "found", None), ("password", "not_checked", "offline_only")]
    assert "offline only" in report["identifiers"][1]["reason"]


def test_a_pack_without_emails_says_so_for_the_email(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    phones = [Identifier(IdentifierType.PHONE, f"+86135{i:08d}") for i in range(300)]
    planted = Identifier(IdentifierType.PHONE, DEMO_PHONE)
    out = tmp_path / "phones.ecpack"
    build_pack([*phones, planted], out=out, catalog=CATALOG, breach="ngo_list_2025", signing_key=key)
    pub = tmp_path / "ngo.pub"
    pub.write_text(format_public_key(key.public_key().public_bytes_raw()))
    args = ["--source", f"pack={out}", "--trust", str(pub), "--phone", DEMO_PHONE, "--email", "a.person@example.org"]
    report, stderr, code = _json(*args)
    assert code == 0, stderr
    assert _answers(report) == [("phone", "found", None), ("email", "not_checked", "no_data")]
    assert report["identifiers"][1]["reason"] == "This copy of the app has no leak data for email addresses."
    text = run_cli("check", *args, "--lang", "en").stdout
    assert "a***@example.org: not checked." in text and "not found in the data" not in text


def test_every_source_failing_is_exit_3_and_each_identifier_says_why() -> None:
    dead = f"hibp-passwords=http://127.0.0.1:{_closed_port()}"
    report, _stderr, code = _json("--source", dead, "--password-stdin", "--phone", PHONE, stdin="pw canary\n")
    assert code == 3
    assert _answers(report) == [("phone", "not_checked", "no_data"), ("password", "not_checked", "unreachable")]


def test_the_check_ran_is_exit_0_whatever_the_statuses() -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(200, b"0000000000000000000000000000000000A:1\r\n"))
        report, stderr, code = _json(
            "--source", f"hibp-passwords={server.url}", "--password-stdin", "--cn-id", CN_ID, stdin="pw canary\n"
        )
    assert code == 0, stderr
    assert _answers(report) == [("cn_id", "not_checked", "no_data"), ("password", "not_found", None)]


# --- the NGO profile on a stick (issue 19.4) ---------------------------------------------------------------------


@pytest.fixture
def stick(tmp_path: Path) -> dict[str, str]:
    """A fake USB stick as an NGO hands it out: its signed profile at the top, and a pack signed by the NGO's own
    publisher key in packs/, a key the app trusts only through the profile."""
    root = tmp_path / "stick"
    (root / "packs").mkdir(parents=True)
    publisher = Ed25519PrivateKey.generate()
    planted = Identifier(IdentifierType.PHONE, DEMO_PHONE)
    filler = [Identifier(IdentifierType.PHONE, f"+86136{i:08d}") for i in range(300)]
    build_pack(
        [*filler, planted], out=root / "packs" / "ngo.ecpack", catalog=CATALOG, breach="ngo_list_2025",
        signing_key=publisher,
    )  # fmt: skip
    body = prof.ProfileBody(
        name_en="Safe Lines Network",
        name_zh="安全热线网络",
        hotline="400-123-4567",
        trusted_keys=(publisher.public_key().public_bytes_raw(),),
        advice=({"lang": "en", "entries": [_ngo_entry()]},),
    )
    (root / prof.FILE_NAME).write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    return {"EXPOSURECHECK_PROFILE": str(root / prof.FILE_NAME), "EXPOSURECHECK_PACK_DIRS": str(root / "packs")}


def _ngo_entry() -> dict:
    return {
        "id": "ngo.call_us", "code": "N-01", "data_classes": ["*"], "severity": "medium", "when": "today",
        "region": "CN", "title": "Call the Safe Lines desk", "summary": "We can help.", "why": "Some steps are hard.",
        "steps": [{"text": "Call us."}], "time_needed_min": 5, "done_check": "You called.",
        "help": [{"label": "Desk", "phone": "400-123-4567", "official": False}],
        "sources": ["https://example.org"], "last_reviewed": "2026-11-01",
    }  # fmt: skip


def test_an_unconfirmed_profile_is_ignored_and_said_so_until_confirmed(stick: dict[str, str]) -> None:
    fingerprint = prof.load_profile(Path(stick["EXPOSURECHECK_PROFILE"])).fingerprint
    report, stderr, code = _json("--phone", DEMO_PHONE, env=stick)
    # Not used: not its advice, not its key, so the NGO's pack on the stick is refused (its publisher is unknown).
    assert "not used" in stderr and fingerprint in stderr and "profile show --confirm" in stderr
    assert "N-01" not in {a["code"] for a in report["advice"]}
    assert _answers(report) == [("phone", "not_checked", "unknown_publisher")]
    assert code == 3  # the only source that could check something failed
    zh = run_cli("check", "--phone", DEMO_PHONE, "--lang", "zh_CN", env=stick)
    assert "没有使用" in zh.stderr and fingerprint in zh.stderr and "Traceback" not in zh.stderr

    # The same confirmation store the window writes when someone says the fingerprint matches.
    assert run_cli("profile", "show", "--confirm", env=stick).returncode == 0
    report, stderr, code = _json("--phone", DEMO_PHONE, env=stick)
    assert code == 0 and stderr == ""
    assert _answers(report) == [("phone", "found", None)]
    assert "N-01" in {a["code"] for a in report["advice"]}
