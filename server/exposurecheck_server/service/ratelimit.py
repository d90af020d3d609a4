"""Per-client token buckets for `/v2/eval`.

The rate limit is what keeps the buckets from being reversed: mapping the whole phone-number space back needs about
one evaluation per candidate, so a scraper that can only get a few hundred a minute needs millennia. Costs are
counted in evaluated elements, not requests, so a large batch cannot cheat the limit.
"""

from __future__ import annotations

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
