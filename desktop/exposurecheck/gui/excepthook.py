"""The last line of defence: an unexpected error shows a calm message, never a traceback.

The message says nothing was sent or saved because of it and offers to copy a diagnostic. The diagnostic holds
only the app version, the platform, the exception's type and where it happened (module and line): never the
exception's message or any local variable, because those could quote what the person typed.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from exposurecheck import __version__
from exposurecheck.gui.text import t

log = logging.getLogger(__name__)


def diagnostic(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """A few lines safe to paste into a support request."""
    import platform  # only needed when something went wrong; kept off the start-up path
    import traceback

    where = "?"
    frames = traceback.extract_tb(tb) if tb is not None else []
    if frames:
        frame = frames[-1]
        where = f"{_module_name(frame.filename)}:{frame.lineno}"
    return "\n".join(
        [
            f"Exposure Check {__version__}",
            f"Python {platform.python_version()} · PySide6 {pyside_version}",
            f"{platform.system()} {platform.release()} ({platform.machine()})",
            f"Error: {exc_type.__module__}.{exc_type.__qualname__}",
            f"At: {where}",
        ]
    )


def _module_name(filename: str) -> str:
    """`exposurecheck/gui/pages/results.py` → `exposurecheck.gui.pages.results`; outside the app: the file name.
    A path could name the person's home folder, so only the part from the package on is kept."""
    parts = filename.replace("\\", "/").split("/")
    if "exposurecheck" in parts:
        parts = parts[parts.index("exposurecheck"):]
        return ".".join(parts).removesuffix(".py")
    return parts[-1]


class _ToGuiThread(QObject):
    """Carries a call made on another thread to the thread this object was made in (the GUI thread)."""

    requested = Signal()

    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self._call = call
        self.requested.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def _run(self) -> None:
        self._call()


class ExceptionHook:
    """Installed as `sys.excepthook`; shows one dialog at a time (a burst of errors does not stack dialogs).
    Make it on the GUI thread: an error raised in a pool thread is shown there, where widgets may be made."""

    def __init__(self, parent: Callable[[], QWidget | None], lang: Callable[[], str],
                 copy: Callable[[str], None]) -> None:
        self._parent = parent
        self._lang = lang
        self._copy = copy
        self.dialog: QMessageBox | None = None
        self.last_diagnostic = ""
        self._relay = _ToGuiThread(self._show)

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.last_diagnostic = diagnostic(exc_type, tb)
        log.error("unexpected error: %s", self.last_diagnostic.replace("\n", " | "))
        app = QCoreApplication.instance()
        if app is None:
            return  # the app has shut down: nothing is left to show a message in (the log has it)
        if QThread.currentThread() is not app.thread():
            # Raised in a pool thread: a widget made there would abort the app. The GUI thread shows the message,
            # if its event loop still runs (not once the window has closed).
            with contextlib.suppress(RuntimeError):  # the relay may have gone with the application
                self._relay.requested.emit()
            return
        self._show()

    def _show(self) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            return
        lang = self._lang()
        dialog = QMessageBox(self._parent())
        dialog.setObjectName("errorDialog")
        dialog.setIcon(QMessageBox.Icon.Information)
        dialog.setWindowTitle(t("gui.error.title", lang))
        dialog.setTextFormat(Qt.TextFormat.PlainText)
        dialog.setText(t("gui.error.text", lang))
        dialog.setInformativeText(t("gui.error.informative", lang))
        copy_button = dialog.addButton(t("gui.error.copy", lang), QMessageBox.ButtonRole.ActionRole)
        copy_button.setObjectName("copyDiagnostic")
        dialog.addButton(QMessageBox.StandardButton.Ok)
        # Copying also closes the box: one press does what the person wanted.
        copy_button.clicked.connect(lambda: self._copy(self.last_diagnostic))
        self.dialog = dialog
        # open(), not exec(): a nested event loop inside an exception hook can re-enter the code that failed.
        dialog.open()
