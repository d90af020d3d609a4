"""docs/nginx.conf is a configuration nginx accepts (with a throwaway certificate and paths in tmp_path)."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import REPO

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lookup.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx-light)")
def test_example_nginx_configuration_is_valid(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    text = (REPO / "docs" / "nginx.conf").read_text(encoding="utf-8")
    replacements = {
        "/etc/ssl/lookup.example.org/fullchain.pem": str(cert),
        "/etc/ssl/lookup.example.org/privkey.pem": str(key),
        "/var/log/nginx/exposure-check-error.log": str(tmp_path / "error.log"),
    }
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    config = tmp_path / "nginx.conf"
    config.write_text(text, encoding="utf-8")
    assert NGINX is not None
    result = subprocess.run(
        [NGINX, "-t", "-c", str(config), "-p", f"{tmp_path}/", "-g", f"pid {tmp_path}/nginx.pid;"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
