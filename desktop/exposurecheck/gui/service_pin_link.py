"""A lookup service refused for its pinned keys ("changed its keys without announcing", "history does not
continue"): the window's way out, for a help-desk worker who heard from the organisation that runs the service.

The checking page shows "Reset the service's keys…" when a check was refused that way; the window hands this link
the addresses of the refused services (`core.sources.lookup_service_reset.refused_services`). `ask` opens the app's
confirm dialog, which says in plain words what the refusal protects against and what a reset means: this computer
then trusts whatever keys the service shows next (signed by a publisher it trusts). "Don't reset" is the focused,
safe answer, and Escape. On "Reset and check again" the pins are forgotten (as `exposure-check service forget URL`
does) and `reset_done` fires, for the window to check again; `reset_failed(text)` says why nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from exposurecheck.core.sources.lookup_service_reset import forget_pins
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck.gui.dialogs import ConfirmDialog
from exposurecheck.gui.text import t


class ServicePinLink(QObject):
    reset_done = Signal()  # the pins are forgotten: check again
    reset_failed = Signal(str)  # nothing changed, and why, in the session's language

    def __init__(self, store: Callable[[], PinStore] = PinStore) -> None:
        super().__init__()
        self.store = store
        self.dialog: ConfirmDialog | None = None

    def ask(self, urls: Sequence[str], lang: str, parent: QWidget | None) -> ConfirmDialog | None:
        """Ask before forgetting the pins of `urls` (window-modal; the answer comes back through the signals)."""
        if not urls:
            return None
        if self.dialog is not None:
            self.dialog.close()
        addresses = "\n".join(urls)  # the worker can read them against what the organisation told them
        dialog = ConfirmDialog(t("gui.service_reset.title", lang), t("gui.service_reset.heading", lang),
                               t("gui.service_reset.text", lang, count=len(urls), addresses=addresses),
                               t("gui.service_reset.confirm", lang), t("gui.service_reset.cancel", lang),
                               parent=parent)
        dialog.setObjectName("serviceResetDialog")
        dialog.accepted.connect(lambda: self._reset(tuple(urls), lang))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def end_session(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = None

    def _reset(self, urls: tuple[str, ...], lang: str) -> None:
        if forget_pins(urls, self.store()):
            self.reset_done.emit()
        else:
            self.reset_failed.emit(t("gui.service_reset.failed", lang))
