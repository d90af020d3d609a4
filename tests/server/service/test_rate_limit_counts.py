"""What the rate limit counts, against the real server on 127.0.0.1, as docs/protocol.md and the limiter's docstring
say: a whole batch per request, malformed requests included, and an IPv6 client by its /64 network (one computer
rotating through the addresses of its /64 is still one client)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from exposurecheck.core.crypto import sodium
from exposurecheck.core.protocol import messages
from exposurecheck_server.service import ratelimit
from exposurecheck_server.service.ratelimit import RateLimiter, client_key
from exposurecheck_server.service.server import ServiceServer, make_config
from tests.conftest import REPO
from tests.server.service.site_helpers import build, make_keys
from tests.server.service.test_server_http import request


def _running(tmp_path: Path) -> ServiceServer:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", filler=5)
    server = ServiceServer(
        make_config(site, keys.oprf(), keys.bucketing(), per_minute=1, burst=8, trust_forwarded_for=True)
    )
    server.start_in_thread()
    return server


def test_rotating_through_one_ipv6_64_is_still_one_client(tmp_path: Path) -> None:
    server = _running(tmp_path)
    body = messages.encode_request(1, [sodium.point_from_hash(os.urandom(64)) for _ in range(8)])
    try:
        answers = [
            request(server, "POST", "/v2/eval", body, **{"X-Forwarded-For": f"2001:db8:1:2::{n:x}"})[0]
            for n in range(1, 4)
        ]
        elsewhere = request(server, "POST", "/v2/eval", body, **{"X-Forwarded-For": "2001:db8:1:3::1"})[0]
    finally:
        server.close()
    assert answers == [200, 429, 429]  # a fresh address per request used to get a fresh allowance each time
    assert elsewhere == 200  # another /64 is another client


def test_many_64s_of_one_ipv6_48_share_a_bounded_allowance(tmp_path: Path) -> None:
    # The attack: one /48 (a free tunnel gives anyone one) holds 65,536 networks of /64, each a fresh client with a
    # full allowance: every Chinese mobile number in under two hours at the defaults. Now the /48 pays too, and gets
    # NETWORK_FACTOR clients' allowance in all (here 16 requests of 8 elements at burst 8).
    server = _running(tmp_path)
    body = messages.encode_request(1, [sodium.point_from_hash(os.urandom(64)) for _ in range(8)])
    try:
        answers = [
            request(server, "POST", "/v2/eval", body, **{"X-Forwarded-For": f"2001:db8:7:{n:x}::1"})[0]
            for n in range(ratelimit.NETWORK_FACTOR + 2)
        ]
        elsewhere = request(server, "POST", "/v2/eval", body, **{"X-Forwarded-For": "2001:db8:8::1"})[0]
        ipv4 = [request(server, "POST", "/v2/eval", body, **{"X-Forwarded-For": f"198.51.100.{n}"})[0] for n in (1, 2)]
    finally:
        server.close()
    assert answers == [200] * ratelimit.NETWORK_FACTOR + [429, 429]
    assert elsewhere == 200  # another /48 is another network
    assert ipv4 == [200, 200]  # IPv4 addresses are not grouped


def test_a_malformed_request_costs_a_whole_batch(tmp_path: Path) -> None:
    server = _running(tmp_path)
    good = messages.encode_request(1, [sodium.point_from_hash(os.urandom(64)) for _ in range(8)])
    try:
        junk = request(server, "POST", "/v2/eval", b"\x00" * 40, **{"X-Forwarded-For": "198.51.100.7"})[0]
        after = request(server, "POST", "/v2/eval", good, **{"X-Forwarded-For": "198.51.100.7"})[0]
    finally:
        server.close()
    assert (junk, after) == (400, 429)


def test_client_keys() -> None:
    assert client_key("203.0.113.5") == "203.0.113.5"
    assert client_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"
    assert client_key("::ffff:203.0.113.5") == "203.0.113.5"
    limiter = RateLimiter(per_minute=60, burst=8, clock=lambda: 0.0)
    assert limiter.take("2001:db8::1", 8) is None
    assert limiter.take("2001:db8::2", 8) is not None


def test_the_docstring_figures_follow_from_the_defaults() -> None:
    serve = (REPO / "server" / "exposurecheck_server" / "service" / "commands.py").read_text(encoding="utf-8")
    rate = float(re.search(r'"--rate", type=float, default=(\d+)', serve).group(1))
    doc = ratelimit.__doc__ or ""
    assert f"{rate:.0f} per minute" in doc
    years = 1.6e9 / rate / 60 / 24 / 365.25
    days_for_a_thousand = 1.6e9 / (rate * 1000) / 60 / 24
    assert f"about {years:.1f} years" in doc and f"about {days_for_a_thousand:.1f} days" in doc
    protocol = (REPO / "docs" / "protocol.md").read_text(encoding="utf-8")
    assert "evaluated elements" in protocol and "/64" in protocol
