"""`exposure-check-admin keygen` through the real command, and loading what it wrote."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.trust.publisher_keys import fingerprint, read_public_key
from exposurecheck_server.keys import load_oprf_key, load_signing_key

ROOT = Path(__file__).resolve().parents[2]


def admin(*args: str, stdin: str = "", tmp: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "server")])
    env["EXPOSURECHECK_CONFIG_DIR"] = str(tmp / "cfg")
    env["EXPOSURECHECK_DATA_DIR"] = str(tmp / "data")
    env["EXPOSURECHECK_STATE_DIR"] = str(tmp / "state")
    return subprocess.run(
        [sys.executable, "-m", "exposurecheck_server", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_keygen_writes_private_0600_and_loadable_pair(tmp_path):
    out = tmp_path / "keys"
    result = admin("keygen", "--out", str(out), "--unencrypted", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "NOT encrypted" in result.stdout and str(out / "publisher.key") in result.stdout
    key_file = out / "publisher.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    raw = read_public_key(out / "publisher.pub")
    assert fingerprint(raw) in result.stdout
    key = load_signing_key(key_file)
    signature = key.sign(b"message")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    Ed25519PublicKey.from_public_bytes(raw).verify(signature, b"message")


def test_keygen_never_overwrites(tmp_path):
    out = tmp_path / "keys"
    assert admin("keygen", "--out", str(out), "--unencrypted", tmp=tmp_path).returncode == 0
    before = (out / "publisher.key").read_bytes()
    again = admin("keygen", "--out", str(out), "--unencrypted", tmp=tmp_path)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr
    assert (out / "publisher.key").read_bytes() == before


def test_passphrase_protected_key(tmp_path):
    out = tmp_path / "keys"
    result = admin("keygen", "--out", str(out), "--passphrase-stdin", stdin="correct horse\n", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert b"ENCRYPTED" in (out / "publisher.key").read_bytes()
    assert "correct horse" not in result.stdout + result.stderr
    load_signing_key(out / "publisher.key", "correct horse")
    with pytest.raises(UserError) as info:
        load_signing_key(out / "publisher.key", "wrong")
    assert info.value.key == "pack.keygen.wrong_passphrase"
    with pytest.raises(UserError) as info:
        load_signing_key(out / "publisher.key")
    assert info.value.key == "pack.keygen.needs_passphrase"


def test_not_a_key_file(tmp_path):
    bogus = tmp_path / "bogus.key"
    bogus.write_text("hello\n")
    with pytest.raises(UserError) as info:
        load_signing_key(bogus)
    assert info.value.key == "pack.keygen.not_a_key"


def test_oprf_keygen(tmp_path):
    pytest.importorskip("exposurecheck.core.crypto.sodium")
    from exposurecheck.core.crypto.oprf import public_key

    out = tmp_path / "oprf"
    result = admin("keygen", "--out", str(out), "--oprf", tmp=tmp_path)
    if result.returncode != 0 and "Sodium" in result.stderr:
        pytest.skip("libsodium is not installed")
    assert result.returncode == 0, result.stderr
    path = out / "oprf.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = load_oprf_key(path)
    assert len(secret) == 32
    assert str(path.resolve()) in result.stdout
    # the public part as `service manifest`/`sign` show a matching key, so the operator can compare them
    assert f"Its public part, as manifests show it: {fingerprint(public_key(secret))[:19]}" in result.stdout
    assert not (out / "publisher.key").exists()


def test_bucketing_keygen_writes_a_key_that_cannot_pass_for_an_oprf_key(tmp_path):
    from exposurecheck.core.crypto.oprf import public_key
    from exposurecheck_server.keys import load_bucketing_key

    out = tmp_path / "service"
    result = admin("keygen", "--out", str(out), "--bucketing", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    path = out / "bucketing.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = load_bucketing_key(path)
    assert result.stdout.startswith("Bucketing key") and str(path.resolve()) in result.stdout  # not "OPRF public key"
    assert fingerprint(public_key(secret))[:19] in result.stdout
    with pytest.raises(UserError) as info:
        load_oprf_key(path)  # the first word differs: one key is never used as the other by mistake
    assert info.value.key == "pack.keygen.not_a_key"
    both = admin("keygen", "--out", str(out), "--oprf", "--bucketing", tmp=tmp_path)
    assert both.returncode == 2


def test_service_keygen_speaks_the_operators_language(tmp_path):
    # `keygen --oprf` and `--bucketing` printed a fixed English line under a Chinese locale.
    env_zh = {"LANG": "zh_CN.UTF-8"}
    from tests.conftest import run_cli

    matching = run_cli("keygen", "--out", str(tmp_path / "k"), "--oprf", admin=True, env=env_zh)
    bucketing = run_cli("keygen", "--out", str(tmp_path / "k"), "--bucketing", admin=True, env=env_zh)
    assert matching.returncode == 0 and bucketing.returncode == 0, matching.stderr + bucketing.stderr
    assert matching.stdout.startswith("匹配密钥（保密") and bucketing.stdout.startswith("分桶密钥（保密")
    assert "OPRF" not in matching.stdout + bucketing.stdout
