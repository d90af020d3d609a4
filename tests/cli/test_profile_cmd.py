"""`exposure-check profile show`: a signed profile is shown with its fingerprint; a tampered one is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.trust import profile as prof
from tests.conftest import run_cli


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    body = prof.ProfileBody(
        name_en="Safe Lines Network",
        name_zh="安全热线网络",
        hotline="400-123-4567",
        offline_only=True,
        trusted_keys=(bytes(32),),
    )
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    return path


def test_show_then_confirm(profile_file: Path) -> None:
    fp = prof.load_profile(profile_file).fingerprint
    first = run_cli("profile", "show", str(profile_file), "--lang", "en")
    assert first.returncode == 0, first.stderr
    assert "Safe Lines Network" in first.stdout and "400-123-4567" in first.stdout
    assert fp in first.stdout and "--confirm" in first.stdout
    assert "offline" in first.stdout
    confirmed = run_cli("profile", "show", str(profile_file), "--confirm", "--json")
    data = json.loads(confirmed.stdout)
    assert data["confirmed"] is True and data["fingerprint"] == fp and data["offline_only"] is True
    assert data["name"]["zh_CN"] == "安全热线网络" and len(data["trusted_keys"]) == 1
    again = run_cli("profile", "show", "--lang", "zh_CN", env={"EXPOSURECHECK_PROFILE": str(profile_file)})
    assert "安全热线网络" in again.stdout and "以前已在这台电脑上确认过" in again.stdout


def test_tampered_profile_is_refused(profile_file: Path) -> None:
    profile_file.write_bytes(profile_file.read_bytes().replace(b"400-123-4567", b"400-666-6666"))
    result = run_cli("profile", "show", str(profile_file), "--lang", "en")
    assert result.returncode == 2
    assert "changed after it was signed" in result.stderr
    assert "400-666-6666" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_no_profile_found(tmp_path: Path) -> None:
    result = run_cli("profile", "show", "--lang", "en", env={"EXPOSURECHECK_PROFILE": ""})
    assert result.returncode == 2
    assert "No organisation profile" in result.stderr
