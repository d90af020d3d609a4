"""`exposure-check check … --case-sheet FILE.pdf`: a real subprocess, no display, a signed NGO profile on the side."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.trust import profile as prof
from tests.conftest import run_cli
from tests.support.loopback import Reply, loopback_server

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

PASSWORD = "canary horse battery zq7"
EMAIL = "canary.zq7@example.org"


def range_body(password: str) -> bytes:
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    return f"{digest[5:]}:321\r\n{'0' * 35}:0\r\n".encode()


def no_display_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "HOME": str(tmp_path / "home"), **extra}
    return env


def run_check(url: str, sheet: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "check", "--email", EMAIL, "--password-stdin", "--source", f"hibp-passwords={url}",
        "--case-sheet", str(sheet), *extra, stdin=PASSWORD + "\n", env=env,
    )  # fmt: skip


def sheet_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


def test_case_sheet_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = prof.ProfileBody(name_en="Safe Lines Network", name_zh="安全热线网络", hotline="400-123-4567")
    profile_path = tmp_path / prof.FILE_NAME
    profile_path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    sheet = tmp_path / "sheet.pdf"
    env = no_display_env(tmp_path, EXPOSURECHECK_PROFILE=str(profile_path))
    env.pop("QT_QPA_PLATFORM", None)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)  # the command must choose offscreen by itself
    with loopback_server() as server:
        server.set("/range/", Reply(200, range_body(PASSWORD)))
        first = run_check(server.url, sheet, env, "--json")
        # First use: the fingerprint is shown for comparison, and the unconfirmed profile's hotline is not printed
        # on the sheet (it could be anyone's). Staff confirm it the way the window does, then it is used.
        assert first.returncode == 0, first.stderr
        assert prof.load_profile(profile_path).fingerprint in first.stderr
        assert "400-123-4567" not in sheet_text(sheet)
        assert run_cli("profile", "show", "--confirm", env=env).returncode == 0
        result = run_check(server.url, sheet, env, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["exposures"][0]["count"] == 321  # stdout is still pure JSON
    assert "sheet.pdf" in result.stderr
    text = " ".join(sheet_text(sheet).split())
    assert "Safe Lines Network" in text and "400-123-4567" in text
    assert "P-" in text
    for canary in (EMAIL, PASSWORD, "canary.zq7", hashlib.sha1(PASSWORD.encode()).hexdigest()[:10]):
        assert canary not in text
        assert canary.encode() not in sheet.read_bytes()
    assert EMAIL not in result.stderr and PASSWORD not in result.stderr


def test_tampered_profile_is_refused_but_the_sheet_is_written(tmp_path: Path) -> None:
    profile_path = tmp_path / prof.FILE_NAME
    data = prof.sign_profile(
        prof.ProfileBody(name_en="Safe Lines Network", hotline="400-123-4567"), Ed25519PrivateKey.generate()
    )
    profile_path.write_bytes(data.replace(b"400-123-4567", b"400-666-6666"))
    sheet = tmp_path / "sheet.pdf"
    with loopback_server() as server:
        server.set("/range/", Reply(200, range_body(PASSWORD)))
        result = run_check(server.url, sheet, no_display_env(tmp_path, EXPOSURECHECK_PROFILE=str(profile_path)))
    assert result.returncode == 0, result.stderr
    assert "changed after it was signed" in result.stderr
    text = sheet_text(sheet)
    assert "400-666-6666" not in text and "Safe Lines" not in text


def test_unwritable_case_sheet_is_a_clear_error(tmp_path: Path) -> None:
    with loopback_server() as server:
        server.set("/range/", Reply(200, range_body(PASSWORD)))
        result = run_check(server.url, tmp_path / "missing" / "sheet.pdf", no_display_env(tmp_path), "--lang", "zh_CN")
    assert result.returncode == 2
    assert "无法写入个案记录单" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_pack_sheet_is_marked_demo_on_every_page(tmp_path: Path) -> None:
    from exposurecheck.core import training

    person = next(p for p in training.load_identities() if p.expect == "found")
    args = []
    for kind, value in person.values:
        args += [f"--{kind.value.replace('_', '-')}", value]
    sheet = tmp_path / "demo.pdf"
    result = run_cli("check", *args, "--source", "demo", "--case-sheet", str(sheet), env=no_display_env(tmp_path))
    assert result.returncode == 0, result.stderr
    pages = subprocess.run(["pdfinfo", str(sheet)], capture_output=True, text=True, check=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert count >= 2
    for page in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-raw", "-f", str(page), "-l", str(page), str(sheet), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert "DEMO" in text
    flat = " ".join(sheet_text(sheet).split())
    for _kind, value in person.values:
        assert value not in flat
