"""A time budget for network work that a slow or hostile server cannot stretch, and that cancelling ends at once.

Per-read timeouts do not bound a request: a server that drips one byte every few seconds never trips them. So each
piece of network work runs under a `Budget` (an absolute deadline plus the person's cancel button), and one
watchdog thread shuts down the sockets of any budget that ran out or was cancelled. A blocked read then returns
at once, wherever it was (waiting for headers, in the middle of a body, in a retry), and the caller turns that into
"took too long" or "cancelled".

The budget travels with the thread (`budget_scope`), so sources need no extra parameter: `core.check` opens a
scope around each source's lookup, and `core.http` registers every connection it uses with the current budget.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# Work outside any scope (a tool that calls `fetch` directly) still gets a bound.
DEFAULT_SECONDS = 60.0
# One source's network work, all requests and retries together; `core.check` may give it less (the check's own
# deadline). Generous for a slow line (a lookup is a few dozen small requests), short next to "hours".
SOURCE_SECONDS = 90.0
_TICK = 0.1  # how often the watchdog looks: the delay between a deadline or a cancel and the sockets closing


class BudgetSpent(Exception):
    """Raised inside a connection that is about to be used after its budget ran out or was cancelled."""


@dataclass(eq=False)
class Budget:
    """An absolute deadline (`time.monotonic()` seconds) and a cancel check, for all network work of one source."""

    deadline: float
    is_cancelled: Callable[[], bool] = lambda: False
    spent: str | None = None  # "deadline" or "cancelled" once the watchdog has tripped it
    _connections: list[object] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def lasting(cls, seconds: float, is_cancelled: Callable[[], bool] = lambda: False) -> Budget:
        return cls(time.monotonic() + seconds, is_cancelled)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def check(self) -> str | None:
        """Why this budget is over ("cancelled" or "deadline"), or None while work may go on."""
        if self.spent is None:
            if self.is_cancelled():
                self.spent = "cancelled"
            elif time.monotonic() >= self.deadline:
                self.spent = "deadline"
        return self.spent

    def watch(self, connection: object) -> None:
        """Note a connection (anything with a `.sock`) whose socket must close when the budget is over."""
        if self.check() is not None:
            raise BudgetSpent(self.spent)
        with self._lock:
            if connection not in self._connections:
                self._connections.append(connection)
        _WATCHDOG.add(self)

    def trip(self) -> None:
        """Shut down every watched socket now: blocked reads and writes return at once."""
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            sock = getattr(connection, "sock", None)
            if sock is None:
                continue
            # The plain socket's shutdown, also for a TLS socket: it wakes a read blocked in another thread
            # without touching the TLS state that thread is using.
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def release(self) -> None:
        """The work is over: stop watching (sockets stay open for reuse if the budget was not spent)."""
        with self._lock:
            self._connections.clear()
        _WATCHDOG.discard(self)

    def sleep(self, seconds: float) -> str | None:
        """Wait up to `seconds`, waking early if the budget runs out or is cancelled; returns `check()`."""
        end = time.monotonic() + seconds
        while self.check() is None and time.monotonic() < end:
            time.sleep(min(_TICK, max(0.0, end - time.monotonic())))
        return self.check()


class _Watchdog:
    """One daemon thread for the whole process; it sleeps while no budget is being watched."""

    def __init__(self) -> None:
        self._budgets: set[Budget] = set()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, budget: Budget) -> None:
        with self._wake:
            self._budgets.add(budget)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="network-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()

    def discard(self, budget: Budget) -> None:
        with self._wake:
            self._budgets.discard(budget)

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._budgets:
                    self._wake.wait()
                budgets = list(self._budgets)
            for budget in budgets:
                if budget.check() is not None:
                    budget.trip()
                    self.discard(budget)
            time.sleep(_TICK)


_WATCHDOG = _Watchdog()
_CURRENT = threading.local()


def current_budget() -> Budget | None:
    """The budget of the network work running on this thread, if a scope is open."""
    return getattr(_CURRENT, "budget", None)


@contextmanager
def budget_scope(budget: Budget) -> Iterator[Budget]:
    """Run the block's network work under `budget`; inside another scope, the earlier deadline holds and either
    cancel button stops the work."""
    outer = current_budget()
    if outer is not None:
        budget = Budget(min(outer.deadline, budget.deadline), _either(outer.is_cancelled, budget.is_cancelled))
    _CURRENT.budget = budget
    try:
        yield budget
    finally:
        _CURRENT.budget = outer
        budget.release()


def source_scope(is_cancelled: Callable[[], bool], seconds: float | None = None) -> Any:
    """The scope a network source opens around its lookup: its cancel button ends the network work at once, and
    its requests share one deadline, `SOURCE_SECONDS` unless given (inside an outer scope, such as the check's, the
    earlier deadline wins)."""
    return budget_scope(Budget.lasting(SOURCE_SECONDS if seconds is None else seconds, is_cancelled))


def _either(first: Callable[[], bool], second: Callable[[], bool]) -> Callable[[], bool]:
    return lambda: first() or second()
