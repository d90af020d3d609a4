"""Every way a source can fail ends in a calm message with ways forward, never a frozen or empty screen."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtWidgets import QFileDialog

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from tests.gui.conftest import PASSWORD, ListSource, pwned_factory
from tests.support.loopback import Reply


def _check_password(qtbot, window, email=False):
    window.session.online_consent = True
    window.show_page(window.details)
    window.details.fields[IdentifierType.PASSWORD].edit.setText(PASSWORD)
    if email:
        window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply(200, b"<!DOCTYPE html><html><body>Please log in</body></html>", {"Content-Type": "text/html"}),
         "web page"),
        (Reply(429, b"slow down", {"Retry-After": "3600"}), "busy"),
        (Reply(500, b"oops"), "code 500"),
        (Reply(200, b"not a range at all"), "could not be read"),
    ],
)
def test_bad_answers(qtbot, make_window, pwned, reply, expected):
    pwned.set("/range/", reply)
    window = make_window(pwned_factory(pwned))
    _check_password(qtbot, window)
    page = window.checking
    assert window.current_page() is page
    assert page.title.text() == "Not everything could be checked"
    assert expected in page.problem.text()
    assert page.way_forward.isVisible() and "data file" in page.way_forward.text()
    # Everything failed: no "see results" (it would say nothing), but try again / questions / change details.
    assert not page.results_button.isVisible()
    assert page.retry_button.isVisible() and page.questions_button.isVisible()


def test_unreachable_source_with_another_that_answered(qtbot, make_window):
    dead = PwnedPasswordsSource(f"http://127.0.0.1:{_free_port()}")
    window = make_window(lambda _t: [dead, ListSource({})])
    _check_password(qtbot, window, email=True)
    page = window.checking
    assert "could not be reached" in page.problem.text()
    assert page.results_button.isVisible()
    assert page.offline_button.isVisible(), "the offline pack is offered as the way forward"
    page.results_button.click()
    assert window.current_page() is window.results
    assert "Not everything could be checked" in window.results.problems.text()


def test_retry_after_a_failure_runs_again(qtbot, make_window, pwned):
    pwned.set("/range/", Reply(503, b"down"))
    window = make_window(pwned_factory(pwned))
    _check_password(qtbot, window)
    first = len(pwned.requests)
    window.checking.retry_button.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)
    assert len(pwned.requests) > first


def test_a_pack_that_cannot_be_opened_does_not_stop_the_others(qtbot, make_window):
    window = make_window(lambda _t: [UserError("source.unknown", name="broken"), ListSource({})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    assert 'Unknown source "broken"' in window.results.problems.text()


def test_offline_only_with_no_pack_says_not_checked_and_still_gives_the_steps(qtbot, make_window, pwned):
    """No dead end (issue 12.2): the only source that checks passwords is online, so the password is "not checked"
    because of offline only, said as such, and the password steps are in the plan, marked as not from a match."""
    window = make_window(pwned_factory(pwned))
    window.welcome.offline_box.setChecked(True)
    _check_password(qtbot, window)
    assert window.current_page() is window.results
    (line,) = [label.text() for label in window.results.statuses.lines]
    assert "not checked" in line and "offline only" in line and PASSWORD not in line
    assert not window.results.statuses.open_pack_button.isVisible()  # a data file never holds passwords
    plan = window.session.plan
    assert plan.unchecked == ("password",) and "could not check your password" in plan.summary
    assert {i.code for i in plan.items() if i.presumed} >= {"A-01"}
    assert "ask the organisation" in window.results.notes.text()
    assert "found" not in window.results.summary.text().replace("not found", "")
    assert pwned.requests == []


def test_use_offline_data_only_after_an_unreachable_service(qtbot, make_window):
    dead = PwnedPasswordsSource(f"http://127.0.0.1:{_free_port()}")
    window = make_window(lambda _t: [dead, ListSource({"someone@example.org": ("shanghai_police_2022",)})])
    _check_password(qtbot, window, email=True)
    window.checking.offline_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    assert window.session.offline_only and window.welcome.offline_box.isChecked()
    assert [s.name for s in window.session.report.sources] == ["pack"]
    assert window.session.report.exposures


def test_a_local_source_failing_does_not_offer_offline_only(qtbot, make_window):
    class Broken(ListSource):
        def lookup(self, identifiers, progress, cancel):
            raise UserError("check.source_crashed")

    window = make_window(lambda _t: [Broken({})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
    assert window.checking.problem.isVisible()
    assert not window.checking.offline_button.isVisible()


def test_a_service_that_answers_too_slowly(qtbot, make_window, pwned, monkeypatch):
    from exposurecheck.core import http

    # A real timeout on a real socket, shortened so the test does not wait the production 15 seconds.
    monkeypatch.setattr(http, "READ_TIMEOUT", 0.3)
    pwned.set("/range/", Reply(200, b"", delay=2.0))
    window = make_window(pwned_factory(pwned))
    _check_password(qtbot, window)
    assert "took too long" in window.checking.problem.text()
    assert window.checking.retry_button.isVisible()


def test_a_pack_opened_by_hand_is_used(qtbot, make_window, pwned, monkeypatch):
    """Offline only and no pack found: the person opens the pack file on their stick themselves (here the real
    bundled demo pack, a signed pack file like any other)."""
    from exposurecheck.core.sources.pack import demo_pack_path

    window = make_window(pwned_factory(pwned))
    window.welcome.offline_box.setChecked(True)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText("+8613800138000")
    window.details.check_button.click()
    assert window.current_page() is window.results
    assert "no leak data for phone numbers" in window.results.statuses.lines[0].text()
    assert window.results.statuses.open_pack_button.isVisible()
    # The file dialog is Qt's own; the person picks the pack file on their stick in it.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(demo_pack_path()), ""))
    window.results.statuses.open_pack_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=20_000)
    assert window.session.report.exposures and pwned.requests == []
    window.end_session()
    assert window.session.pack_files == []


def test_a_damaged_pack_opened_by_hand_is_reported(qtbot, make_window, tmp_path):
    bad = tmp_path / "broken.ecpack"
    bad.write_bytes(b"not a pack at all")
    window = make_window(lambda _t: [ListSource({})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.use_pack_file(str(bad))
    qtbot.waitUntil(lambda: not window.busy, timeout=20_000)
    shown = window.checking.problem.text() + window.results.problems.text()
    assert shown.strip(), "the broken pack is named, not silently skipped"


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_lookup_service_nobody_trusts_yet_is_said_without_a_command(qtbot, make_window, lang):
    """The lookup service's own message tells a command-line user to run `exposure-check trust add FILE.pub`; the
    window says the same in plain words (issue 12.4: never a command line) and, the network not being the cause,
    gives no network tips and no "offline data only" (issue 12.2). Nothing is sent: the refusal comes first."""
    from exposurecheck.core.sources.lookup_service import ServiceSource

    service = ServiceSource(f"http://127.0.0.1:{_free_port()}")  # nothing listens: a request would fail otherwise
    window = make_window(lambda _t: [service], lang=lang)
    window.session.online_consent = True
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText("13800138000")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)
    page = window.checking
    assert window.current_page() is page
    problem = page.problem.text()
    assert ("does not yet know who runs it" in problem) if lang == "en" else ("还不知道它是谁运营的" in problem)
    shown = " ".join([problem, page.way_forward.text() if page.way_forward.isVisible() else ""])
    assert "exposure-check" not in shown and ".pub" not in shown and "--trust" not in shown
    assert not any(word in shown for word in ("network", "网络", "try again in a moment", "过一会儿再试"))
    assert not page.offline_button.isVisible()
    assert page.questions_button.isVisible()
    assert page.pack_button.isVisible(), "the data file the message asks for can be opened from here"
