"""The USB kit the app was started from, checked in the background at start (core.trust.kit_startup) before its
packs are relied on, with the outcome shown on the welcome page (its notices slot) in plain words.

The kit may be signed by a key the app ships with, one added with `trust add`, or the key of the organisation
profile in use (a profile is only in use once its fingerprint was compared and confirmed), since an NGO signs its
kit and its profile with the same publisher key.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QVBoxLayout, QWidget

from exposurecheck.gui.pages.base import Part
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ErrorLabel, SecureLabel
from exposurecheck.gui.workers import Task

if TYPE_CHECKING:
    from exposurecheck.core.trust.kit_startup import StartedKit
    from exposurecheck.core.trust.profile import Profile


class KitNotice(Part):
    """Nothing while the app was not started from a kit; otherwise whether the kit passed its check."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kitNotice")
        self.started: StartedKit | None = None
        self.task: Task | None = None
        self.ok_text = SecureLabel()
        self.ok_text.setObjectName("kitVerified")
        self.error = ErrorLabel()
        self.error.setObjectName("kitFailed")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ok_text)
        layout.addWidget(self.error)
        self.hide()

    def check(self, pool: QThreadPool, profile: Profile | None, executable: Path | None = None) -> None:
        """Check the kit in `pool` against the app's trusted keys and those of the profile in use (an NGO signs its
        kit and its profile with one key); the notice shows the outcome when the check reports.

        `executable` is where the app runs from; by default the frozen app's own path (a source checkout is never a
        kit, so nothing runs there).
        """
        from exposurecheck.core.trust.kit import default_trusted_keys
        from exposurecheck.core.trust.kit_startup import check_started_kit

        trusted = default_trusted_keys((profile.signer, *profile.trusted_keys) if profile is not None else ())
        task = Task(lambda: check_started_kit(trusted, executable=executable))
        task.signals.done.connect(self.show_result)
        task.signals.failed.connect(lambda _error: self.show_result(None))
        self.task = task  # kept until it reports: the task's signals must outlive its run
        pool.start(task)

    def show_result(self, started: StartedKit | None) -> None:
        self.started = started
        self.retranslate(self.lang)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        started = self.started
        self.setVisible(started is not None)
        if started is None:
            return
        if started.error is not None:
            self.ok_text.hide()
            # A kit signed by an unknown key: said without the command line the CLI's message gives.
            untrusted = started.error.key == "kit.untrusted"
            reason = t("gui.kit.untrusted", lang) if untrusted else started.error.message(lang)
            self.error.show_message(t("gui.kit.failed", lang, reason=reason))
            self.setAccessibleName(t("gui.kit.failed_short", lang))
        else:
            self.error.show_message("")
            self.ok_text.setText(t("gui.kit.verified", lang))
            self.ok_text.show()
            self.setAccessibleName(t("gui.kit.verified", lang))
