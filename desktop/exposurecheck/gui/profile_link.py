"""An NGO's signed profile (core.profile), when one sits next to the app or on the stick: its name and contact
details on the welcome page, its advice in the plan, its sources and offline default, its keys for its packs,
and its contact block on the case sheet.

Anyone can sign a profile, so the welcome page shows the signing key's fingerprint until someone confirms it
(as the CLI does); an unconfirmed profile is still used, the way a printed leaflet would be.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from exposurecheck.core.errors import UserError
from exposurecheck.gui.pages.base import button, label_button
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ErrorLabel, SecureLabel

if TYPE_CHECKING:
    from exposurecheck.core.trust.profile import Profile
    from exposurecheck.gui.main_window import MainWindow

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


class ProfileBox(QWidget):
    """"Provided by <organisation>" with its contact lines once the profile is in use; before that, on first use
    of its key, the fingerprint to compare and a button to say it matches."""

    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileBox")
        self.profile: Profile | None = None
        self.problem: UserError | None = None
        self.unconfirmed = False
        self.text = SecureLabel()
        self.text.setObjectName("profileText")
        self.fingerprint = SecureLabel()
        self.error = ErrorLabel()
        self.confirm_button = button("confirmProfileButton")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.text, self.fingerprint, self.confirm_button, self.error):
            layout.addWidget(widget)
        self.confirm_button.clicked.connect(self._confirm)
        self.hide()

    def set_profile(self, profile: Profile | None, problem: UserError | None, unconfirmed: bool) -> None:
        self.profile, self.problem, self.unconfirmed = profile, problem, unconfirmed
        self.setVisible(profile is not None or problem is not None)

    def _confirm(self) -> None:
        from exposurecheck.core.trust import profile as prof

        if self.profile is None:
            return
        prof.confirm(self.profile)  # asked once per key on this computer, not on every start
        self.unconfirmed = False
        self.confirmed.emit()

    def retranslate(self, lang: str) -> None:
        profile = self.profile
        self.text.setVisible(profile is not None)
        self.fingerprint.setVisible(profile is not None and self.unconfirmed)
        self.confirm_button.setVisible(profile is not None and self.unconfirmed)
        if profile is not None and self.unconfirmed:
            self.text.setText(t("gui.profile.found", lang, name=profile.name(lang)))
            self.fingerprint.setText(t("gui.profile.fingerprint", lang, fingerprint=profile.fingerprint))
            label_button(self.confirm_button, t("gui.profile.confirm", lang))
        elif profile is not None:
            contact = "\n".join(profile.contact_lines(lang)[1:])
            self.text.setText(t("gui.profile.provided_by", lang, name=profile.name(lang), contact=contact).strip())
        self.error.show_message(t(self.problem.key, lang, **self.problem.params) if self.problem else "")


def attach_profile(window: MainWindow) -> ProfileBox:
    """Find the profile (called once the pages are built) and return its box. A profile whose key was confirmed
    on this computer is used at once; a new key's profile is used only after someone compares the fingerprint
    and says it matches: until then its hotline, advice and sources could be anyone's (docs/helpdesk.md)."""
    from exposurecheck.core.trust import profile as prof

    profile, problem = find_profile()
    box = ProfileBox()
    window.welcome.body.insertWidget(2, box)
    unconfirmed = profile is not None and not prof.is_confirmed(profile)
    box.set_profile(profile, problem, unconfirmed)
    box.retranslate(window.session.lang)

    def use() -> None:
        if profile is not None:
            _apply(window, profile)
        box.retranslate(window.session.lang)

    box.confirmed.connect(use)
    if profile is not None and not unconfirmed:
        _apply(window, profile)
    return box


def _apply(window: MainWindow, profile: Profile) -> None:
    """Put a trusted profile to use: its contacts on the results page, its sources, keys, advice and defaults."""
    from functools import partial

    from exposurecheck.core.sources.choice import default_factory

    window.profile = profile
    window.results.contact_lines = profile.contact_lines
    if window.source_factory is default_factory:
        window.source_factory = partial(default_factory, profile=profile)
    if profile.offline_only:
        window.welcome.offline_box.setChecked(True)
