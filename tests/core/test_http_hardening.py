"""What no server can make the client do, each attack played by a real server on 127.0.0.1.

- a gzip bomb (a few KB that unpack to 2 GB) fails fast, with little memory, measured in a separate process;
- a server that drips one byte at a time fails within the request's time budget, and cancelling ends it at once
  (the server sees the connection close);
- redirects to another origin, from https down to http, or of a POST are refused; same-origin ones are followed a
  few times at most;
- cookies are neither stored nor sent;
- plain http:// goes only to this computer, unless the person allowed it explicitly.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import ssl
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.http import check_url, fetch, is_insecure_url, make_session
from exposurecheck.core.http_budget import Budget, budget_scope
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.sources.base import Cancelled, CancelToken
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from tests.conftest import PYTHONPATH
from tests.support.drip import drip_server
from tests.support.loopback import Reply, loopback_server
from tests.support.tls import self_signed

PASSWORD = Identifier(IdentifierType.PASSWORD, "P@ssw0rd")


# --- decompression bombs ----------------------------------------------------------------------------------------


def _gzip_of_zeros(total: int) -> bytes:
    """A valid gzip file of `total` zero bytes (a multiple of 16 MiB), made without compressing them all: after a
    full flush, every 16 MiB block of zeros compresses to the same bytes, so one block is packed and repeated."""
    block = bytes(1 << 24)
    count = total >> 24
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + first + repeated * (count - 1) + end + struct.pack("<II", crc, total & 0xFFFFFFFF)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """gzip(gzip(2 GiB of zeros)): about 3.4 KB on the wire, 2 MB after the first unpacking, 2 GiB after the second."""
    return gzip.compress(_gzip_of_zeros(2 << 30), 9)


def test_the_bomb_is_real() -> None:
    small = _gzip_of_zeros(64 << 20)
    assert gzip.decompress(small) == bytes(64 << 20)


_CHILD = """
import json, resource, sys, time
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
try:
    password = Identifier(IdentifierType.PASSWORD, "P@ssw0rd")
    PwnedPasswordsSource(sys.argv[1]).lookup([password], lambda *_: None, CancelToken())
    key = None
except UserError as exc:
    key = exc.key
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"key": key, "grew_kb": after - before, "seconds": time.monotonic() - start}))
"""


@pytest.mark.parametrize(
    "headers",
    [{"Content-Encoding": "gzip"}, {}, {"Content-Encoding": "gzip, gzip"}],
    ids=["gzip-transfer-then-gzip-body", "gzip-body", "layered-encodings"],
)
def test_a_gzip_bomb_fails_fast_with_little_memory(bomb: bytes, headers: dict[str, str]) -> None:
    assert len(bomb) < 8192
    with loopback_server() as server:
        server.set("/range/", Reply(200, bomb, headers))
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, server.url],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONPATH": PYTHONPATH},
        )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["key"] in {"http.too_large", "http.bad_encoding", "pwned.malformed"}
    assert outcome["grew_kb"] < 64 * 1024, outcome  # peak memory grew by well under 64 MB (2 GB before the fix)
    assert outcome["seconds"] < 20, outcome


def test_a_body_that_unpacks_past_the_cap_is_refused_while_it_streams() -> None:
    body = _gzip_of_zeros(64 << 20)  # 64 MB unpacked, ~64 KB on the wire
    with loopback_server() as server:
        server.set("/big", Reply(200, body, {"Content-Encoding": "gzip"}))
        with pytest.raises(UserError) as caught:
            fetch(make_session(), "GET", server.url + "/big", max_body=1 << 20)
    assert caught.value.key == "http.too_large"
    assert "far more data" in caught.value.message("en")


def test_an_honest_gzip_answer_still_reads() -> None:
    text = b"hello " * 1000
    with loopback_server() as server:
        server.set("/ok", Reply(200, gzip.compress(text), {"Content-Encoding": "gzip"}))
        fetched = fetch(make_session(), "GET", server.url + "/ok")
        (_, _, headers, _), = server.requests
    assert fetched.body == text
    assert headers.get("Accept-Encoding") == "gzip"


# --- deadlines and cancelling -----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers_first", [True, False], ids=["drips-the-body", "drips-the-status-line"])
def test_a_dripping_server_fails_within_the_budget_and_the_connection_ends(headers_first: bool) -> None:
    with drip_server(every=0.5, headers_first=headers_first) as server:
        started = time.monotonic()
        with budget_scope(Budget.lasting(2.0)), pytest.raises(UserError) as caught:
            fetch(make_session(), "GET", server.url + "/range/21BD1")
        elapsed = time.monotonic() - started
        assert server.wait_closed(1, timeout=3)  # the network work really ended, not only the waiting
    assert caught.value.key == "http.deadline"
    assert "did not finish answering in time" in caught.value.message("en")
    assert "没有在规定时间内答完" in caught.value.message("zh_CN")
    assert 1.5 < elapsed < 6.0  # the budget, plus slack for a loaded machine (it used to be hours)


def test_cancelling_ends_a_hanging_request_at_once() -> None:
    pressed = threading.Event()
    with drip_server(every=1.0) as server:
        threading.Timer(1.0, pressed.set).start()
        started = time.monotonic()
        with pytest.raises(Cancelled):
            PwnedPasswordsSource(server.url).lookup([PASSWORD], lambda *_: None, CancelToken(pressed.is_set))
        elapsed = time.monotonic() - started
        assert server.wait_closed(1, timeout=2)
    assert elapsed < 4.0  # the read was blocked inside the socket when the button was pressed


def test_a_long_retry_after_is_not_waited_past_the_budget() -> None:
    with loopback_server() as server:
        server.set("/busy", Reply(429, b"", {"Retry-After": "20"}))
        started = time.monotonic()
        with budget_scope(Budget.lasting(5.0)), pytest.raises(UserError) as caught:
            fetch(make_session(), "GET", server.url + "/busy")
    assert caught.value.key == "http.rate_limited"
    assert time.monotonic() - started < 3


# --- redirects ----------------------------------------------------------------------------------------------------


def test_a_redirect_to_another_origin_is_refused_and_nothing_reaches_it() -> None:
    with loopback_server() as first, loopback_server() as elsewhere:
        first.set("/range/", Reply(302, b"", {"Location": elsewhere.url + "/collect"}))
        with pytest.raises(UserError) as caught:
            PwnedPasswordsSource(first.url).lookup([PASSWORD], lambda *_: None, CancelToken())
        assert elsewhere.requests == []
    assert caught.value.key == "http.redirect_refused"
    assert "another address" in caught.value.message("en")


def test_same_origin_redirects_are_followed_a_few_times_at_most() -> None:
    with loopback_server() as server:
        server.set("/a", Reply(301, b"", {"Location": "/b"}))
        server.set("/b", Reply(307, b"", {"Location": server.url + "/c"}))
        server.set("/c", Reply(200, b"arrived"))
        assert fetch(make_session(), "GET", server.url + "/a").body == b"arrived"
        server.set("/loop", Reply(302, b"", {"Location": "/loop"}))
        with pytest.raises(UserError) as caught:
            fetch(make_session(), "GET", server.url + "/loop")
        assert caught.value.key == "http.redirect_refused"
        assert sum(1 for _, path, _, _ in server.requests if path == "/loop") == 4  # the request and 3 hops


def test_a_post_is_never_redirected() -> None:
    with loopback_server() as server:
        server.set("/v1/eval", Reply(307, b"", {"Location": "/v1/eval2"}))
        with pytest.raises(UserError) as caught:
            fetch(make_session(), "POST", server.url + "/v1/eval", data=b"blinded points")
        assert [path for _, path, _, _ in server.requests] == ["/v1/eval"]
    assert caught.value.key == "http.redirect_refused"


@pytest.fixture
def tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server context for 127.0.0.1 whose self-signed certificate the client is told to trust."""
    cert_path, key_path = self_signed(tmp_path, "127.0.0.1", ip="127.0.0.1")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context


def test_https_to_plain_http_on_the_same_host_is_refused(tls: ssl.SSLContext) -> None:
    with loopback_server(tls) as secure, loopback_server() as plain:
        secure.set("/ok", Reply(200, b"over tls"))
        assert fetch(make_session(), "GET", secure.url + "/ok").body == b"over tls"  # the TLS server really works
        secure.set("/range/", Reply(301, b"", {"Location": plain.url + "/range/21BD1"}))
        with pytest.raises(UserError) as caught:
            fetch(make_session(), "GET", secure.url + "/range/21BD1")
        assert plain.requests == []
    assert caught.value.key == "http.redirect_refused"


# --- cookies ------------------------------------------------------------------------------------------------------


def test_cookies_are_neither_kept_nor_sent() -> None:
    with loopback_server() as server:
        server.set("/set", Reply(200, b"first", {"Set-Cookie": "track=one-person; Path=/"}))
        server.set("/hop", Reply(302, b"", {"Location": "/next", "Set-Cookie": "hop=1; Path=/"}))
        server.set("/next", Reply(200, b"second"))
        session = make_session()
        fetch(session, "GET", server.url + "/set")
        fetch(session, "GET", server.url + "/hop")
        sent = [headers for _, _, headers, _ in server.requests]
    assert len(sent) == 3
    assert all("Cookie" not in headers for headers in sent)
    assert len(session.cookies) == 0


# --- plain http ---------------------------------------------------------------------------------------------------


def test_plain_http_is_only_for_this_computer_unless_allowed() -> None:
    assert not is_insecure_url("http://127.0.0.1:8080/") and not is_insecure_url("http://localhost/")
    assert not is_insecure_url("http://[::1]:80/") and not is_insecure_url("https://lookup.example.org/")
    assert is_insecure_url("http://lookup.example.org/")
    with pytest.raises(UserError) as caught:
        check_url("http://lookup.example.org/v1/manifest.json")
    assert caught.value.key == "http.insecure_refused"
    assert "http://" in caught.value.message("en") and "未加密" in caught.value.message("zh_CN")
    check_url("http://lookup.example.org/", allow_insecure_http=True)


def test_the_flag_is_what_lets_a_non_loopback_http_source_through() -> None:
    # An IPv4-mapped IPv6 address reaches 127.0.0.1, but is not a loopback name: it stands in for a remote host.
    body = b"21BD10018E6D71C9E4B1F3B8C48C3A8F4E4:1\r\n"
    with loopback_server() as server:
        server.set("/range/", Reply(200, body))
        mapped = server.url.replace("127.0.0.1", "[::ffff:127.0.0.1]")
        refused = PwnedPasswordsSource(mapped)
        assert refused.insecure is True
        with pytest.raises(UserError) as caught:
            refused.lookup([PASSWORD], lambda *_: None, CancelToken())
        assert caught.value.key == "http.insecure_refused"
        assert server.requests == []  # refused before any connection
        allowed = PwnedPasswordsSource(mapped, allow_insecure_http=True)
        allowed.lookup([PASSWORD], lambda *_: None, CancelToken())
        assert len(server.requests) == 1
    assert hashlib.sha1(b"P@ssw0rd").hexdigest().upper().startswith("21BD1")  # the known test prefix


def test_nested_budgets_keep_the_earlier_deadline_and_either_cancel() -> None:
    pressed = threading.Event()
    with budget_scope(Budget.lasting(100, pressed.is_set)), budget_scope(Budget.lasting(1000)) as inner:
        assert inner.deadline <= time.monotonic() + 100
        assert inner.check() is None
        pressed.set()  # the outer (the check's) cancel button
        assert inner.check() == "cancelled"
