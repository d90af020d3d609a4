"""Driving the window the way a person would, for the self-test and the screenshot command: fill the fields with
a demo identity, press Check, wait (with the event loop running) until the check is over."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from exposurecheck.core.training import DemoIdentity, available_identities
from exposurecheck.gui.main_window import MainWindow

CHECK_TIMEOUT_MS = 60_000  # a demo-pack check takes milliseconds; this only stops a broken build from hanging


def wait_until(condition: Callable[[], bool], timeout_ms: int = CHECK_TIMEOUT_MS) -> bool:
    """Process events until `condition()` is true; False if it never became true in time."""
    deadline = QDeadlineTimer(timeout_ms)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(loop.quit)
    timer.start()
    while not condition():
        if deadline.hasExpired():
            return False
        loop.exec()
    timer.stop()
    QApplication.processEvents()
    return True


def fill_demo_identity(window: MainWindow, index: int = 0) -> DemoIdentity | None:
    """Switch on training mode and fill the details page from demo identity `index` (as picking it would)."""
    window.set_training(True)
    identities = available_identities()
    if not identities:
        return None
    window.show_page(window.details)
    window.details.demo_box.setCurrentIndex(index + 1)
    window.details.demo_box.activated.emit(index + 1)
    return identities[index]


def run_check(window: MainWindow) -> bool:
    """Press Check and wait until the job has ended; True when it ended in time."""
    window.details.check_button.click()
    return wait_until(lambda: not window.busy)
