"""Per-client token buckets for `/v2/eval`: what the rate limit counts, and what it does and does not stop.

What is counted: evaluated elements. Every request to `/v2/eval` costs the manifest's `batch_size` tokens, charged
before the body is even parsed, whatever it holds (a padded batch, a malformed one, a wrong epoch), so a large or
broken request cannot cheat the limit and every request costs the same. Who is counted: the client's address (the
last X-Forwarded-For entry behind nginx with `--trust-forwarded-for`); an IPv6 client by its /64 network, since
one computer usually holds a whole /64 and could otherwise use a new address for every request.

What it buys: mapping the buckets back to phone numbers needs one evaluation per candidate, and an attacker fills
every slot of every batch with candidates. At the reference default (240 per minute, burst 64):
- one address tests 240 numbers a minute, 345,600 a day: every Chinese mobile number (about 1.6 billion) takes it
  about 12.7 years;
- a thousand addresses (a small botnet, or cloud machines with many IPv4 addresses) test 240,000 a minute: every
  Chinese mobile number in about 4.6 days, and any one number at once.
So the limit protects against casual scraping, not a determined, well-resourced attacker: the privacy promise of
the lookup service rests on the OPRF key staying on the server (docs/protocol.md, section 7), and operators should
watch for many addresses evaluating at the full rate.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 100_000,
    ) -> None:
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._max_clients = max_clients
        self._clients: dict[str, tuple[float, float]] = {}  # client -> (tokens, last update)
        self._lock = threading.Lock()

    def take(self, client: str, cost: int) -> int | None:
        """Spend `cost` tokens for `client`; None when allowed, else whole seconds until it would be."""
        client = client_key(client)
        with self._lock:
            now = self._clock()
            tokens, last = self._clients.get(client, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if cost > self._burst:
                return 3600  # can never be satisfied; a bounded, honest answer
            if tokens < cost:
                self._clients[client] = (tokens, now)
                return max(1, math.ceil((cost - tokens) / self._rate)) if self._rate > 0 else 3600
            self._clients[client] = (tokens - cost, now)
            if len(self._clients) > self._max_clients:
                self._forget_full(now)
            return None

    def _forget_full(self, now: float) -> None:
        # Clients whose bucket has refilled are indistinguishable from new ones: dropping them loses nothing.
        refill = self._burst / self._rate if self._rate > 0 else math.inf
        self._clients = {c: (t, last) for c, (t, last) in self._clients.items() if now - last < refill}


def client_key(address: str) -> str:
    """Who a request is charged to: an IPv4 address as it is, an IPv6 address by its /64 network."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
