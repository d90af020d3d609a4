"""The USB kit the app was started from, checked in the background at start (core.kit_startup) before its packs
are relied on, with the outcome shown on the welcome page in plain words.

The kit may be signed by a key the app ships with, one added with `trust add`, or the key of the organisation
profile in use (a profile is only in use once its fingerprint was compared and confirmed), since an NGO signs its
kit and its profile with the same publisher key.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ErrorLabel, SecureLabel
from exposurecheck.gui.workers import Task

if TYPE_CHECKING:
    from exposurecheck.core.trust.kit_startup import StartedKit
    from exposurecheck.gui.main_window import MainWindow


class KitNotice(QWidget):
    """Nothing while the app was not started from a kit; otherwise whether the kit passed its check."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kitNotice")
        self.started: StartedKit | None = None
        self.ok_text = SecureLabel()
        self.ok_text.setObjectName("kitVerified")
        self.error = ErrorLabel()
        self.error.setObjectName("kitFailed")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ok_text)
        layout.addWidget(self.error)
        self.hide()

    def show_result(self, started: StartedKit | None, lang: str) -> None:
        self.started = started
        self.retranslate(lang)

    def retranslate(self, lang: str) -> None:
        started = self.started
        self.setVisible(started is not None)
        if started is None:
            return
        if started.error is not None:
            self.ok_text.hide()
            self.error.show_message(t("gui.kit.failed", lang, reason=started.error.message(lang)))
            self.setAccessibleName(t("gui.kit.failed_short", lang))
        else:
            self.error.show_message("")
            self.ok_text.setText(t("gui.kit.verified", lang))
            self.ok_text.show()
            self.setAccessibleName(t("gui.kit.verified", lang))


def attach_kit_check(window: MainWindow, executable: Path | None = None) -> KitNotice:
    """Add the notice to the welcome page and start the check in the window's pool.

    `executable` is where the app runs from; by default the frozen app's own path (a source checkout is never a
    kit, so nothing runs there).
    """
    from exposurecheck.core.trust.kit import default_trusted_keys
    from exposurecheck.core.trust.kit_startup import check_started_kit

    notice = KitNotice()
    window.welcome.body.insertWidget(2, notice)
    profile = getattr(window, "profile", None)
    extra: tuple[bytes, ...] = ()
    if profile is not None:
        extra = (profile.signer, *profile.trusted_keys)
    trusted = default_trusted_keys(extra)
    task = Task(lambda: check_started_kit(trusted, executable=executable))
    task.signals.done.connect(lambda started: notice.show_result(started, window.session.lang))
    task.signals.failed.connect(lambda _error: notice.show_result(None, window.session.lang))
    window.kit_task = task  # kept until it reports: the task's signals must outlive its run
    window.pool.start(task)
    return notice
