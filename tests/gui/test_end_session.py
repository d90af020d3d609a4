"""End session forgets everything about the person and is ready for the next one."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from exposurecheck.core.identifiers import IdentifierType
from tests.gui.conftest import PHONE_RAW, ListSource, all_texts


def test_end_session_clears_fields_results_clipboard_and_goes_home(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({"+8613800138000": ("shanghai_police_2022",)})])
    window.set_training(True)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.fields[IdentifierType.PASSWORD].edit.setText("hunter2-canary")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    window.session.done_items.add("x")
    QGuiApplication.clipboard().setText(PHONE_RAW)  # the person copied their number out of the field
    window.questions.rows[0].yes.setChecked(True)

    window.top.end_button.click()

    assert window.current_page() is window.welcome
    assert all(not f.edit.text() for f in window.details.fields.values())
    # Nothing to bring back with Ctrl+Z either.
    assert not any(f.edit.isUndoAvailable() for f in window.details.fields.values())
    assert window.session.report is None and window.session.plan is None and not window.session.done_items
    assert not window.session.training and not window.welcome.training_box.isChecked()
    assert not window.top.demo.isVisible()
    assert QGuiApplication.clipboard().text() == ""
    assert not any(row.yes.isChecked() for row in window.questions.rows)
    shown = all_texts(window)
    assert "8000" not in shown and "hunter2" not in shown
    assert not window.results.item_cards


def test_end_session_leaves_other_programs_clipboard_alone(qtbot, make_window):
    window = make_window()
    QGuiApplication.clipboard().setText("something from another program")
    window.end_session()
    assert QGuiApplication.clipboard().text() == "something from another program"


def test_end_session_during_a_check_stops_it(qtbot, make_window):
    from tests.gui.conftest import SlowSource

    slow = SlowSource()
    window = make_window(lambda _t: [slow])
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    assert slow.started.wait(10)
    window.end_session()
    assert not window.busy and window.current_page() is window.welcome
    assert slow.saw_cancel.wait(10)


def test_closing_the_window_ends_the_session(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({})])
    window.remember_clipboard("diagnostic text")
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.close()
    assert QGuiApplication.clipboard().text() == ""
    assert not window.details.fields[IdentifierType.EMAIL].edit.text()
