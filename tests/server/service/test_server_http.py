"""The reference server's HTTP edges: size limits, batch shape, static paths, no request logging; and the limiter."""

from __future__ import annotations

import http.client
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from exposurecheck.core.crypto import sodium
from exposurecheck.core.protocol import messages
from exposurecheck_server.service.ratelimit import NETWORK_FACTOR, RateLimiter
from exposurecheck_server.service.server import ServiceServer, make_config
from tests.conftest import run_cli
from tests.server.service.site_helpers import build, make_keys


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceServer]:
    keys = make_keys(tmp_path_factory.mktemp("keys"))
    site = build(keys, tmp_path_factory.mktemp("site") / "site", filler=20)
    (site.parent / "secret.txt").write_text("outside the site")
    running = ServiceServer(make_config(site, keys.oprf(), keys.bucketing(), per_minute=6000, burst=10_000))
    running.start_in_thread()
    yield running
    running.close()


def request(server: ServiceServer, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.request(method, path, body=body, headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, dict(answer.getheaders()), data


def test_eval_answers_a_full_batch(server: ServiceServer) -> None:
    elements = [sodium.point_from_hash(os.urandom(64)) for _ in range(8)]
    status, headers, body = request(server, "POST", "/v2/eval", messages.encode_request(1, elements))
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    assert len(messages.parse_response(body, 1, 8).elements) == 8


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"\x00" * (messages.MAX_REQUEST_BYTES + 1), 413),
        (b"not a request", 400),
        (messages.encode_request(1, [b"\x01" * 32] * 3), 400),  # not the manifest's batch size
        (messages.encode_request(9, [b"\x01" * 32] * 8), 404),  # unknown epoch
        (messages.encode_request(1, [b"\xff" * 32] * 8), 400),  # not points
    ],
)
def test_eval_refuses_bad_requests(server: ServiceServer, body: bytes, status: int) -> None:
    assert request(server, "POST", "/v2/eval", body)[0] == status


def test_static_site_and_nothing_outside_it(server: ServiceServer) -> None:
    status, headers, _ = request(server, "GET", "/v2/manifest.json")
    assert (status, headers["Content-Type"], headers["Cache-Control"]) == (200, "application/json", "no-cache")
    status, headers, _ = request(server, "GET", "/v2/epochs/1/buckets/00.bin")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    for path in ("/../secret.txt", "/v2/../../secret.txt", "/v2/%2e%2e/%2e%2e/secret.txt", "/etc/passwd", "/"):
        assert request(server, "GET", path)[0] == 404


def test_serve_logs_no_requests(server: ServiceServer, capfd: pytest.CaptureFixture[str]) -> None:
    request(server, "GET", "/v2/epochs/1/buckets/a7.bin")
    request(server, "GET", "/v2/nothing-here")
    captured = capfd.readouterr()
    assert "a7" not in captured.err + captured.out


def test_rate_limiter_counts_elements_and_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=16, clock=lambda: now[0])
    assert limiter.take("a", 8) is None
    assert limiter.take("a", 8) is None
    assert limiter.take("a", 8) == 8  # 8 tokens short at one per second
    assert limiter.take("b", 8) is None  # clients are independent
    now[0] = 8.0
    assert limiter.take("a", 8) is None
    assert limiter.take("a", 100) == 3600  # more than the burst can ever hold


def test_rate_limiter_memory_stays_bounded() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=8, clock=lambda: now[0], max_clients=100)
    for i in range(1000):
        now[0] += 10  # each earlier client has fully refilled by the time the table is pruned
        limiter.take(f"10.0.{i // 256}.{i % 256}", 1)
    assert len(limiter._clients) <= 101


def test_behind_a_proxy_the_limit_follows_the_forwarded_address(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", filler=5)
    running = ServiceServer(
        make_config(site, keys.oprf(), keys.bucketing(), per_minute=1, burst=8, trust_forwarded_for=True)
    )
    running.start_in_thread()
    body = messages.encode_request(1, [sodium.point_from_hash(os.urandom(64)) for _ in range(8)])
    try:
        first = request(running, "POST", "/v2/eval", body, **{"X-Forwarded-For": "203.0.113.5"})
        other = request(running, "POST", "/v2/eval", body, **{"X-Forwarded-For": "203.0.113.6"})
        again = request(running, "POST", "/v2/eval", body, **{"X-Forwarded-For": "203.0.113.5"})
    finally:
        running.close()
    assert (first[0], other[0], again[0]) == (200, 200, 429)
    assert int(again[1]["Retry-After"]) > 60


def test_serve_on_a_busy_port_is_a_plain_error(server: ServiceServer, tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", filler=5)
    result = run_cli(
        "service", "serve", "--site", str(site), "--oprf-key", str(keys.oprf_key),
        "--bucketing-key", str(keys.bucketing_key), "--port", str(server.port), admin=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"127.0.0.1:{server.port}" in result.stderr
    assert "Traceback" not in result.stderr


def _raw_exchange(host: str, port: int, data: bytes) -> bytes:
    """Send raw bytes on one connection and read until the server closes it or stays quiet for a moment."""
    import socket

    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(data)
        connection.settimeout(1.5)
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


def _smuggled(body_request: bytes) -> bytes:
    """A first request whose body is itself a complete request, then an honest second request."""
    inner = b"GET /v2/nothing-smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
    return body_request % len(inner) + inner + b"GET /v2/manifest.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


@pytest.mark.parametrize(
    "first",
    [
        b"POST /v2/unknown HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n",
        b"GET /v2/manifest.json HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n",
        b"HEAD /v2/manifest.json HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n",
        b"PUT /v2/eval HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n",  # a method the server does not serve
        b"OPTIONS /v2/eval HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n",
    ],
)
def test_a_body_on_keep_alive_never_becomes_the_next_request(tmp_path: Path, first: bytes) -> None:
    # The attack (issue 19): the server answered a POST to an unknown path without reading its body, so on a
    # keep-alive connection the body was parsed as a second request (request desync / smuggling).
    from tests.server.service.site_helpers import serve_process

    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", filler=5)
    with serve_process(site, keys) as url:
        host, port = url.removeprefix("http://").split(":")
        answer = _raw_exchange(host, int(port), _smuggled(first))
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", answer)
    # Either the body was read and the honest request answered, or the connection closed after the first answer:
    # never an answer to the smuggled request (which would be a second 404 before the manifest).
    assert statuses in ([statuses[0], b"200"], [statuses[0]])
    assert statuses[0] in (b"404", b"200", b"501")
    if first.startswith(b"POST"):
        assert statuses == [b"404", b"200"]  # a small body on an unknown path is read and dropped
        assert b'"format":"exposurecheck.manifest-envelope"' in answer


def test_chunked_or_lengthless_posts_are_refused_and_the_connection_closed(server: ServiceServer) -> None:
    for request_head in (
        b"POST /v2/eval HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        b"POST /v2/eval HTTP/1.1\r\nHost: x\r\n\r\n",
    ):
        answer = _raw_exchange(server.host, server.port, request_head + b"GET /v2/manifest.json HTTP/1.1\r\n\r\n")
        assert re.findall(rb"HTTP/1\.1 (\d{3}) ", answer) == [b"411"]


def test_refused_requests_from_fresh_ipv6_networks_add_no_clients() -> None:
    # A spent /48 refuses every further /64 in it; those refusals must not each leave an entry behind (the table
    # is pruned only when a request is allowed, so a flood of refused ones would otherwise grow it without end).
    limiter = RateLimiter(per_minute=60, burst=8, clock=lambda: 0.0, max_clients=100)
    for n in range(NETWORK_FACTOR):
        assert limiter.take(f"2001:db8:7:{n:x}::1", 8) is None
    refused = [limiter.take(f"2001:db8:7:{n:x}::1", 8) for n in range(NETWORK_FACTOR, NETWORK_FACTOR + 1000)]
    assert all(wait is not None for wait in refused)
    assert len(limiter._clients) == NETWORK_FACTOR + 1  # the /64s that spent, and their /48


def test_a_flood_of_recent_clients_does_not_make_every_request_walk_the_table() -> None:
    # 5,000 distinct clients within one refill time, table limit 100: none can be dropped. Pruning at every request
    # past the limit would walk the table 4,900 times; it now waits until the table has doubled.
    class Counting(RateLimiter):
        walks = 0

        def _forget_full(self, now: float) -> None:
            self.walks += 1
            super()._forget_full(now)

    limiter = Counting(per_minute=60, burst=8, clock=lambda: 0.0, max_clients=100)
    for i in range(5000):
        assert limiter.take(f"10.1.{i // 256}.{i % 256}", 1) is None
    assert len(limiter._clients) == 5000
    assert limiter.walks <= 7  # at 101, 203, 407, ..., 3,263 clients: about log2(5000 / 100) times


def test_a_flood_s_clients_are_dropped_once_it_is_over() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=8, clock=lambda: now[0], max_clients=100)
    for i in range(5000):  # a flood within one refill time: the next prune waits for 6,000+ clients
        limiter.take(f"10.1.{i // 256}.{i % 256}", 1)
    now[0] += 60  # over: a few ordinary clients later, the flood's entries are gone
    for i in range(101):
        limiter.take(f"10.2.0.{i}", 1)
    assert len(limiter._clients) <= 101
