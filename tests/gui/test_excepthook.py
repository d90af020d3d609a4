"""An unexpected error shows a calm dialog: no traceback, no personal data, a diagnostic safe to copy."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton

from exposurecheck.gui.excepthook import ExceptionHook, diagnostic
from tests.gui.conftest import PHONE_CANONICAL


def _raise_with_canary():
    # The kind of bug that quotes input in its message: exactly what must never reach the screen.
    raise ValueError(f"could not handle {PHONE_CANONICAL}")


def _caught():
    try:
        _raise_with_canary()
    except ValueError:
        return sys.exc_info()
    raise AssertionError("unreachable")


def test_dialog_and_diagnostic_hold_no_message_text(qtbot, make_window):
    window = make_window()
    hook = ExceptionHook(lambda: window, lambda: window.session.lang, window.remember_clipboard)
    hook(*_caught())
    dialog = hook.dialog
    assert dialog is not None and dialog.isVisible()
    shown = " ".join([dialog.text(), dialog.informativeText(), dialog.detailedText(), dialog.windowTitle()])
    assert PHONE_CANONICAL not in shown
    assert "Traceback" not in shown and "ValueError" not in shown
    assert "None of your details were sent or saved" in shown

    diag = hook.last_diagnostic
    assert PHONE_CANONICAL not in diag
    assert "builtins.ValueError" in diag
    assert "At: test_excepthook.py:" in diag  # where: file name and line only
    assert "/" not in diag.split("At: ")[1]  # a file name, never a path that could name a person

    copy = dialog.findChild(QPushButton, "copyDiagnostic")
    copy.click()
    assert QGuiApplication.clipboard().text() == diag
    # End session takes off the clipboard what the app put there.
    window.end_session()
    assert QGuiApplication.clipboard().text() == ""


def test_hook_is_installed_and_speaks_the_current_language(qtbot, make_window, monkeypatch):
    window = make_window(lang="zh_CN")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    hook = ExceptionHook(lambda: window, lambda: window.session.lang, window.remember_clipboard)
    hook.install()
    assert sys.excepthook is hook
    hook(*_caught())
    assert "出了点问题" in hook.dialog.windowTitle()
    hook.dialog.close()


def test_a_burst_of_errors_shows_one_dialog(qtbot, make_window):
    window = make_window()
    hook = ExceptionHook(lambda: window, lambda: "en", window.remember_clipboard)
    hook(*_caught())
    first = hook.dialog
    hook(*_caught())
    assert hook.dialog is first
    first.close()


def test_diagnostic_without_traceback():
    assert "At: ?" in diagnostic(RuntimeError, None)


@pytest.mark.qt_no_exception_capture
def test_an_error_inside_a_qt_slot_reaches_the_hook(qtbot, make_window, monkeypatch):
    """The real path: a bug in a button's slot, raised inside Qt's event loop, ends in the calm dialog."""
    window = make_window()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    hook = ExceptionHook(lambda: window, lambda: window.session.lang, window.remember_clipboard)
    hook.install()
    window.welcome.start_button.clicked.connect(lambda: _raise_with_canary())
    window.welcome.start_button.click()
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible())
    assert PHONE_CANONICAL not in hook.dialog.text() + hook.last_diagnostic
    assert "builtins.ValueError" in hook.last_diagnostic
    hook.dialog.close()


def test_an_error_in_a_pool_thread_is_shown_on_the_gui_thread(qtbot, make_window):
    """A bug in a lookup thread reaches the hook on that thread; a widget made there would abort the whole app, so
    the dialog is made on the GUI thread instead."""
    import threading

    window = make_window()
    hook = ExceptionHook(lambda: window, lambda: "en", window.remember_clipboard)
    worker = threading.Thread(target=lambda: hook(*_caught()))
    worker.start()
    worker.join()
    assert hook.dialog is None  # nothing was made on the worker thread
    qtbot.waitUntil(lambda: hook.dialog is not None and hook.dialog.isVisible())
    assert hook.dialog.thread() is QGuiApplication.instance().thread()
    assert "builtins.ValueError" in hook.last_diagnostic
    hook.dialog.close()
