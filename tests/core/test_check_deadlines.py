"""A check ends on time whatever its sources do: a dripping server fails its own source within that source's
budget while the others answer, the whole check has a deadline, and cancelling returns at once, even with a
source stuck where no cancel button reaches."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Sequence

import pytest

from exposurecheck.core.check import check
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.report import SourceResult, SourceState
from exposurecheck.core.sources.base import CancelToken, ProgressCallback, Source
from exposurecheck.core.sources.pack import demo_pack_source
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from tests.support.drip import drip_server
from tests.support.loopback import Reply, loopback_server

PASSWORD = "correct horse battery"
IDENTIFIERS = [Identifier(IdentifierType.PASSWORD, PASSWORD), Identifier(IdentifierType.PHONE, "+8613800138000")]


def _honest_range() -> Reply:
    digest = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    return Reply(200, f"{digest[5:]}:7\r\n".encode())


class Stuck(Source):
    """A source blocked where no cancel reaches (a hung disk read, say): only the check's own waiting can end."""

    name = "stuck"
    accepts = frozenset({IdentifierType.PHONE})

    def __init__(self) -> None:
        self.release = threading.Event()

    def lookup(
        self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
    ) -> SourceResult:
        self.release.wait(60)
        return SourceResult()


def test_a_dripping_source_fails_within_its_budget_and_the_others_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("exposurecheck.core.http_budget.SOURCE_SECONDS", 2.0)
    with drip_server(every=0.5) as drip, loopback_server() as honest:
        honest.set("/range/", _honest_range())
        started = time.monotonic()
        report = check(
            IDENTIFIERS,
            [PwnedPasswordsSource(drip.url), PwnedPasswordsSource(honest.url), demo_pack_source()],
            seconds=30,
        )
        elapsed = time.monotonic() - started
        assert drip.wait_closed(1, timeout=3)
    states = [(s.state, s.error_key) for s in report.sources]
    assert states[0] == (SourceState.ERROR, "http.deadline")
    assert states[1:] == [(SourceState.OK, None), (SourceState.OK, None)]
    assert [e.count for e in report.exposures if e.type is IdentifierType.PASSWORD] == [7]
    assert any(e.type is IdentifierType.PHONE for e in report.exposures)  # the demo pack answered
    assert elapsed < 6


def test_the_whole_check_has_a_deadline_even_for_a_source_no_cancel_reaches() -> None:
    stuck = Stuck()
    started = time.monotonic()
    report = check(IDENTIFIERS, [stuck, demo_pack_source()], seconds=1.5)
    elapsed = time.monotonic() - started
    stuck.release.set()
    assert [(s.name, s.state) for s in report.sources] == [("stuck", SourceState.ERROR), ("demo", SourceState.OK)]
    assert report.sources[0].error_key == "deadline.source"
    assert "did not finish in time" in report.sources[0].error_message("en")
    assert elapsed < 1.5 + 2.5  # the deadline, the grace for sources to wind down, and a little slack


def test_cancelling_returns_at_once_and_ends_the_network_work() -> None:
    pressed = threading.Event()
    stuck = Stuck()
    with drip_server(every=1.0) as drip:
        threading.Timer(1.0, pressed.set).start()
        started = time.monotonic()
        report = check(IDENTIFIERS, [PwnedPasswordsSource(drip.url), stuck], cancel=CancelToken(pressed.is_set))
        elapsed = time.monotonic() - started
        assert drip.wait_closed(1, timeout=2)  # the dripping connection was shut, not just abandoned
    stuck.release.set()
    assert [s.state for s in report.sources] == [SourceState.CANCELLED, SourceState.CANCELLED]
    assert elapsed < 1.0 + 2.5
