"""Lookups never block the window, and cancel works."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from exposurecheck.core.identifiers import IdentifierType
from tests.gui.conftest import SlowSource


def _start(window, value="someone@example.org"):
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText(value)
    window.details.check_button.click()


def test_event_loop_keeps_turning_while_a_slow_source_answers(qtbot, make_window):
    slow = SlowSource()
    window = make_window(lambda _t: [slow])
    _start(window)
    assert window.current_page() is window.checking
    assert slow.started.wait(10)
    # While the source is stuck, timers fire and the progress signal reaches the bar: the GUI thread is free.
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    qtbot.waitUntil(lambda: len(ticks) >= 5 and window.checking.rows["slow"].bar.value() == 50, timeout=10_000)
    timer.stop()
    assert window.busy
    assert window.current_page() is window.checking
    slow.release.set()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    assert not window.busy


def test_cancel_returns_to_details_and_ignores_the_late_answer(qtbot, make_window):
    slow = SlowSource()
    window = make_window(lambda _t: [slow])
    _start(window)
    assert slow.started.wait(10)
    window.checking.cancel_button.click()
    assert window.current_page() is window.details
    assert "stopped" in window.details.nothing_label.text()
    assert not window.busy
    assert slow.saw_cancel.wait(10), "the source was told to stop"
    qtbot.waitUntil(lambda: window.runner.abandoned == 0, timeout=10_000)
    assert window.session.report is None
    assert window.current_page() is window.details
    # What was typed is still there: stopping is not ending the session.
    assert window.details.fields[IdentifierType.EMAIL].edit.text() == "someone@example.org"
