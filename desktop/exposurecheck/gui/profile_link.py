"""An NGO's signed profile (core.trust.profile), when one sits next to the app or on the stick: its name and contact
details in the welcome page's notices slot, and once it is in use its advice in the plan, its sources and offline
default, its keys for its packs, and its contact block on the results page and the case sheet.

Anyone can sign a profile, so on first use of its key the box offers to check who made it: the same dialog as for
a data file from a new publisher (`gui/dialogs.PublisherDialog`: the key's fingerprint in groups to read aloud,
what trusting means, "Trust this organisation" / "Don't use it"). Until then the profile is not used at all (its
hotline, advice and sources could be anyone's: docs/helpdesk.md). The box says when a profile is in use with its
`in_use` signal; the window puts it to use.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from exposurecheck.core.errors import UserError
from exposurecheck.gui.dialogs import PublisherDialog
from exposurecheck.gui.pages.base import Part, button, label_button
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ErrorLabel, SecureLabel

if TYPE_CHECKING:
    from exposurecheck.core.trust.profile import Profile

log = logging.getLogger(__name__)


def find_profile() -> tuple[Profile | None, UserError | None]:
    """The profile to use and, when a profile file is there but failed its check, why it is not used."""
    from exposurecheck.core.trust import profile as prof

    path = prof.discover_profile()
    if path is None:
        return None, None
    try:
        return prof.load_profile(path), None
    except UserError as exc:
        log.warning("organisation profile not used (%s)", exc.key)
        return None, exc


class ProfileBox(Part):
    """"Provided by <organisation>" with its contact lines once the profile is in use; before that, on first use
    of its key, the fingerprint to compare and a button to say it matches.

    Signal: `in_use(profile)` once the profile may be used: at once for a key confirmed on this computer before,
    otherwise when someone presses "It matches"."""

    in_use = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileBox")
        self.profile: Profile | None = None
        self.problem: UserError | None = None
        self.unconfirmed = False
        self.text = SecureLabel()
        self.text.setObjectName("profileText")
        self.error = ErrorLabel()
        self.confirm_button = button("confirmProfileButton")  # opens the dialog that asks
        self.dialog: PublisherDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.error)
        self.confirm_button.clicked.connect(self.ask)
        self.hide()

    def set_profile(self, profile: Profile | None, problem: UserError | None) -> None:
        """Show the profile found (or why the one there is not used); say `in_use` when its key was confirmed."""
        from exposurecheck.core.trust import profile as prof

        self.profile, self.problem = profile, problem
        self.unconfirmed = profile is not None and not prof.is_confirmed(profile)
        self.setVisible(profile is not None or problem is not None)
        self.retranslate(self.lang)
        if profile is not None and not self.unconfirmed:
            self.in_use.emit(profile)

    def show_problem(self, problem: UserError) -> None:
        """A problem found while using the profile (e.g. its advice could not be read), said in the box."""
        self.problem = problem
        self.retranslate(self.lang)

    def ask(self) -> PublisherDialog | None:
        """Open the dialog: who signed the profile, the fingerprint to compare, "Trust this organisation"."""
        if self.profile is None:
            return None
        if self.dialog is not None:
            self.dialog.close()
        dialog = PublisherDialog(self.lang, "profile", self.profile.name(self.lang), self.profile.fingerprint,
                                 parent=self.window())
        dialog.accepted.connect(self._confirm)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _confirm(self) -> None:
        from exposurecheck.core.trust import profile as prof

        if self.profile is None:
            return
        prof.confirm(self.profile)  # asked once per key on this computer, not on every start
        self.unconfirmed = False
        self.in_use.emit(self.profile)
        self.retranslate(self.lang)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        profile = self.profile
        self.text.setVisible(profile is not None)
        self.confirm_button.setVisible(profile is not None and self.unconfirmed)
        if profile is not None and self.unconfirmed:
            self.text.setText(t("gui.profile.found", lang, name=profile.name(lang)))
            label_button(self.confirm_button, t("gui.profile.confirm", lang))
        elif profile is not None:
            contact = "\n".join(profile.contact_lines(lang)[1:])
            self.text.setText(t("gui.profile.provided_by", lang, name=profile.name(lang), contact=contact).strip())
        self.error.show_message(t(self.problem.key, lang, **self.problem.params) if self.problem else "")
