"""Per-client token buckets for `/v2/eval`: what the rate limit counts, and what it does and does not stop.

What is counted: evaluated elements. Every request to `/v2/eval` costs the manifest's `batch_size` tokens, charged
before the body is even parsed, whatever it holds (a padded batch, a malformed one, a wrong epoch), so a large or
broken request cannot cheat the limit and every request costs the same. Who is counted: the client's address (the
last X-Forwarded-For entry behind nginx with `--trust-forwarded-for`); an IPv6 client by its /64 network, since
one computer usually holds a whole /64 and could otherwise use a new address for every request, and also by its
/48, which gets 16 times one client's allowance: a home connection's /56 or a free tunnel's /48 holds 256 or 65,536
networks of /64, which alone would have tested every Chinese mobile number in about 18 days or 1.7 hours.

What it buys: mapping the buckets back to phone numbers needs one evaluation per candidate, and an attacker fills
every slot of every batch with candidates. At the reference default (240 per minute, burst 64):
- one address tests 240 numbers a minute, 345,600 a day: every Chinese mobile number (about 1.6 billion) takes it
  about 12.7 years;
- one IPv6 /48 (a site's or a hosting account's allocation, or a free tunnel) tests at most 3,840 a minute: every
  Chinese mobile number in about 290 days;
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
        self._prune_at = max_clients  # table size at which refilled clients are next dropped
        self._pruned = -math.inf  # when they last were
        self._clients: dict[str, tuple[float, float]] = {}  # client -> (tokens, last update)
        self._lock = threading.Lock()

    def take(self, client: str, cost: int) -> int | None:
        """Spend `cost` tokens for `client`; None when allowed, else whole seconds until it would be.

        An IPv6 client pays at its /64 and at its /48 (NETWORK_FACTOR times the allowance): one site or hosting
        account usually holds a whole /48, 65,536 networks of /64 that would otherwise each get a full allowance.
        """
        charges = [(client_key(client), 1)]
        network = network_key(client)
        if network is not None:
            charges.append((network, NETWORK_FACTOR))
        with self._lock:
            now = self._clock()
            if cost > self._burst:
                return 3600  # can never be satisfied; a bounded, honest answer
            balances = []
            waits = []
            for key, scale in charges:
                burst, rate = self._burst * scale, self._rate * scale
                tokens, last = self._clients.get(key, (burst, now))
                tokens = min(burst, tokens + (now - last) * rate)
                balances.append((key, tokens, burst))
                if tokens < cost:
                    waits.append(max(1, math.ceil((cost - tokens) / rate)) if rate > 0 else 3600)
            if waits:
                # A refused request spends nothing, so it adds no client: a full bucket is the same as none. (Else a
                # flood from fresh /64s of a spent /48, all refused, would grow the table without ever pruning it.)
                for key, tokens, burst in balances:
                    if tokens < burst:
                        self._clients[key] = (tokens, now)
                    else:
                        self._clients.pop(key, None)
                return max(waits)
            for key, tokens, _burst in balances:
                self._clients[key] = (tokens - cost, now)
            size = len(self._clients)
            if size > self._prune_at or (size > self._max_clients and now - self._pruned >= self._refill()):
                self._forget_full(now)
            return None

    def _forget_full(self, now: float) -> None:
        # Clients whose bucket has refilled are indistinguishable from new ones: dropping them loses nothing.
        refill = self._refill()
        self._clients = {c: (t, last) for c, (t, last) in self._clients.items() if now - last < refill}
        # When most clients are recent (a flood of many addresses), pruning again at the next request would walk the
        # whole table under the lock for every request; waiting until it has doubled (or one refill time has passed,
        # so a flood's clients are dropped once it is over) keeps the cost per request constant, and the table
        # within twice the clients seen in one refill time.
        self._prune_at = max(self._max_clients, 2 * len(self._clients))
        self._pruned = now

    def _refill(self) -> float:
        """Seconds in which any bucket refills from empty (the same for a /48, whose rate and burst scale alike)."""
        return self._burst / self._rate if self._rate > 0 else math.inf


# How many /64 clients' allowance one IPv6 /48 gets in all (see RateLimiter.take).
NETWORK_FACTOR = 16


def network_key(address: str) -> str | None:
    """The IPv6 /48 an address belongs to (None for IPv4): the second, wider account an IPv6 client pays from."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if not isinstance(parsed, ipaddress.IPv6Address) or parsed.ipv4_mapped is not None:
        return None
    return str(ipaddress.IPv6Network((parsed, 48), strict=False))


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
