"""Running sources side by side so that none can hold the check, the window or the process.

Each source runs in its own daemon thread under the check's time budget (see http_budget.py): its network work is
cut off at the check's deadline or when the person cancels. The caller waits for the sources only until then, plus
a short grace for them to wind down; a source still running after that is reported as given up and left behind.
It cannot keep the process alive (daemon thread), and its sockets are already shut, so it ends on its own soon.
A thread pool would not do: `concurrent.futures` joins its threads when the interpreter exits, so one hung source
kept the process (and the typed password in its memory) alive after the window closed.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from exposurecheck.core.http_budget import Budget, budget_scope

# The whole check, every source together. A source's own network budget (SOURCE_SECONDS) is shorter.
CHECK_SECONDS = 120.0
GRACE_SECONDS = 2.0  # after a cancel or the deadline: time for sources to notice their shut sockets and return
MAX_PARALLEL = 4

S = TypeVar("S")
T = TypeVar("T")


def run_sources(
    sources: Sequence[S],
    run: Callable[[S], T],
    gave_up: Callable[[S, str], T],
    *,
    on_done: Callable[[T], None] = lambda _outcome: None,
    is_cancelled: Callable[[], bool] = lambda: False,
    seconds: float = CHECK_SECONDS,
) -> list[T]:
    """`run(source)` for every source, in parallel; the outcomes in the order of `sources`.

    A source that has not finished when the person cancels or `seconds` have passed gets `gave_up(source, why)`,
    with `why` "cancelled" or "deadline". `on_done` is called once per source as its outcome is known.
    """
    budget = Budget(time.monotonic() + seconds, is_cancelled)
    finished: queue.Queue[tuple[int, T]] = queue.Queue()
    slots = threading.Semaphore(MAX_PARALLEL)

    def work(index: int, source: S) -> None:
        with slots:
            if budget.check() is not None:
                return  # given up before it started: the caller reports it
            with budget_scope(Budget(budget.deadline, is_cancelled)):
                outcome = run(source)
        finished.put((index, outcome))

    for index, source in enumerate(sources):
        threading.Thread(target=work, args=(index, source), name="source", daemon=True).start()

    outcomes: dict[int, T] = {}
    give_up_at: float | None = None
    while len(outcomes) < len(sources):
        if give_up_at is None and budget.check() is not None:
            give_up_at = time.monotonic() + GRACE_SECONDS
        if give_up_at is not None and time.monotonic() >= give_up_at:
            break
        try:
            index, outcome = finished.get(timeout=0.1)
        except queue.Empty:
            continue
        outcomes[index] = outcome
        on_done(outcome)
    why = budget.check() or "deadline"
    for index, source in enumerate(sources):
        if index not in outcomes:
            outcomes[index] = gave_up(source, why)
            on_done(outcomes[index])
    return [outcomes[index] for index in range(len(sources))]
