"""docs/nginx.conf is a configuration nginx accepts (with a throwaway certificate and paths in tmp_path)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO
from tests.support.ci import required
from tests.support.tls import self_signed

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def test_example_nginx_configuration_is_valid(tmp_path: Path) -> None:
    if NGINX is None:  # the bootstrap installs it: under CI this fails instead of skipping (issue 15.7)
        required("nginx is not installed (apt-get install nginx-light)")
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
