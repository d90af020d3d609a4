"""The whole flow by keyboard alone: Tab to move, Space or Enter to press."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from exposurecheck.core.identifiers import IdentifierType
from tests.gui.conftest import ListSource


def tab_to(qtbot, window, widget, limit=60):
    """Press Tab until `widget` has the focus; fails if Tab never reaches it."""
    for _ in range(limit):
        if QApplication.focusWidget() is widget:
            return
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget.objectName()}")


def test_check_by_keyboard_only(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({"someone@example.org": ("shanghai_police_2022",)})])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    tab_to(qtbot, window, window.welcome.start_button)
    qtbot.keyClick(window.welcome.start_button, Qt.Key.Key_Space)
    assert window.current_page() is window.details
    email = window.details.fields[IdentifierType.EMAIL].edit
    tab_to(qtbot, window, email)
    qtbot.keyClicks(email, "someone@example.org")
    tab_to(qtbot, window, window.details.check_button)
    qtbot.keyClick(window.details.check_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    done = window.results.item_cards[0].findChild(type(window.welcome.offline_box), "markDone")
    tab_to(qtbot, window, done)
    qtbot.keyClick(done, Qt.Key.Key_Space)
    assert done.isChecked()
    tab_to(qtbot, window, window.top.end_button)
    qtbot.keyClick(window.top.end_button, Qt.Key.Key_Space)
    assert window.current_page() is window.welcome


def test_questionnaire_by_keyboard_only(qtbot, make_window):
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    tab_to(qtbot, window, window.welcome.questions_button)
    qtbot.keyClick(window.welcome.questions_button, Qt.Key.Key_Space)
    first = window.questions.rows[0]
    tab_to(qtbot, window, first.yes)
    qtbot.keyClick(first.yes, Qt.Key.Key_Space)
    assert first.yes.isChecked()
    tab_to(qtbot, window, window.questions.show_button)
    qtbot.keyClick(window.questions.show_button, Qt.Key.Key_Return)
    assert window.current_page() is window.results
    assert window.session.plan.estimate


def test_language_switch_by_keyboard(qtbot, make_window):
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    tab_to(qtbot, window, window.top.zh_button)
    qtbot.keyClick(window.top.zh_button, Qt.Key.Key_Space)
    assert window.session.lang == "zh_CN"


def test_escape_stops_a_running_check(qtbot, make_window):
    from tests.gui.conftest import SlowSource

    slow = SlowSource()
    window = make_window(lambda _t: [slow])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    assert slow.started.wait(10)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert window.current_page() is window.details
    assert not window.busy
    assert slow.saw_cancel.wait(10)


def test_typing_right_after_start_lands_in_the_phone_field(qtbot, make_window):
    """A newcomer presses "Start a check" and types their number: it must go into the phone field, not into the
    country box in front of it (found by running the real window under Xvfb)."""
    window = make_window(lambda _t: [])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    tab_to(qtbot, window, window.welcome.start_button)
    qtbot.keyClick(window.welcome.start_button, Qt.Key.Key_Space)
    phone = window.details.fields[IdentifierType.PHONE].edit
    assert QApplication.focusWidget() is phone
    qtbot.keyClicks(QApplication.focusWidget(), "13800138000")
    assert phone.text() == "13800138000"
    # Shift+Tab still reaches the country box in front of it.
    qtbot.keyClick(phone, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is window.details.region_box
