"""Plain http:// to another computer needs the person's explicit `--allow-insecure-http`, end to end in the CLI.

An IPv4-mapped IPv6 address reaches a real server on 127.0.0.1 but is not a loopback name, so it stands in for a
remote host without any traffic leaving this machine.
"""

from __future__ import annotations

import hashlib

from tests.conftest import run_cli
from tests.support.loopback import Reply, loopback_server

PASSWORD = "correct horse battery"


def _serve(server) -> str:  # type: ignore[no-untyped-def]
    digest = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    server.set(f"/range/{digest[:5]}", Reply(200, f"{digest[5:]}:9\r\n".encode()))
    return server.url.replace("127.0.0.1", "[::ffff:127.0.0.1]")


def test_without_the_flag_the_source_is_refused_and_nothing_is_sent() -> None:
    with loopback_server() as server:
        url = _serve(server)
        result = run_cli("check", "--password-stdin", "--source", f"hibp-passwords={url}", "--lang", "en",
                         stdin=PASSWORD + "\n")
        assert server.requests == []
    assert "starts with http:// and is not on this computer" in result.stdout
    assert "Traceback" not in result.stderr


def test_with_the_flag_the_check_goes_through() -> None:
    with loopback_server() as server:
        url = _serve(server)
        result = run_cli("check", "--password-stdin", "--allow-insecure-http", "--source", f"hibp-passwords={url}",
                         "--lang", "zh_CN", "--json", stdin=PASSWORD + "\n")
        assert len(server.requests) == 1
    assert result.returncode == 0, result.stderr
    assert '"count": 9' in result.stdout
