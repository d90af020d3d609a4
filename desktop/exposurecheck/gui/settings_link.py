"""The window's choices that say nothing about the person (language, offline only, phone country) are kept in
`core.settings` so the next start looks the same. Consent to go online is deliberately not kept: on a shared
help-desk computer each person is asked again.

A settings file found damaged or unreadable at start is said once, plainly and in the window's language, on the
welcome page (`SettingsNotice`), never with its path: the folder's name may name the person. It goes once the
person takes a way in; the next start says it again only if the file is still unreadable.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from exposurecheck.core.errors import UserError
from exposurecheck.core.settings import LoadedSettings, Settings, load_settings, save_settings
from exposurecheck.gui import accessibility
from exposurecheck.gui.main_window import MainWindow
from exposurecheck.gui.pages.base import Part
from exposurecheck.gui.style import SPACE_S
from exposurecheck.gui.text import pseudo_enabled, stretch
from exposurecheck.gui.widgets import IconLabel, SecureLabel

log = logging.getLogger(__name__)


class SettingsNotice(Part):
    """What was wrong with the settings file, in plain words (`LoadedSettings.problem_message`)."""

    def __init__(self, loaded: LoadedSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsNotice")
        self.loaded = loaded
        self.text = SecureLabel()
        self.text.setObjectName("settingsProblem")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_S)
        # The "i" of the plan's "suggested for everyone" tag: something to know, not an error; the words say it all.
        layout.addWidget(IconLabel("urgency-presumed", 22), 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        message = self.loaded.problem_message(lang)
        self.text.setText(stretch(message) if pseudo_enabled() else message)
        self.setAccessibleName(self.text.text())


def link_settings(window: MainWindow, loaded: LoadedSettings | None = None) -> None:
    """Apply saved settings to `window` and save changes as they happen (call once its pages are built).
    `loaded`: the settings as read at start; a problem with the file is then said on the welcome page."""
    from exposurecheck.gui.pages.details import REGIONS

    loaded = loaded or load_settings()
    settings = loaded.settings
    if loaded.problem:
        _say_problem(window, loaded)
    # An organisation's profile may make offline-only the default; a person's own saved choice cannot undo that.
    profile_offline = window.profile is not None and window.profile.offline_only
    window.welcome.set_offline(settings.offline_only or profile_offline)
    if settings.phone_region in REGIONS:
        window.details.region_box.setCurrentIndex(REGIONS.index(settings.phone_region))
    window.welcome.offline_changed.connect(lambda on: _update(lambda s: dataclasses.replace(s, offline_only=on)))
    window.details.region_box.currentIndexChanged.connect(
        lambda _i: _update(lambda s: dataclasses.replace(s, phone_region=window.details.region)))


def _say_problem(window: MainWindow, loaded: LoadedSettings) -> None:
    notice = SettingsNotice(loaded)
    welcome = window.welcome
    welcome.add_notice(notice)
    accessibility.announce(welcome, notice.text.text())
    # Said once: gone with the person's first step, as the welcome page's own status note is.
    for way_in in (welcome.start_requested, welcome.questions_requested, welcome.demo_requested,
                   welcome.open_saved_requested):  # fmt: skip
        way_in.connect(notice.hide)


def save_language(lang: str) -> None:
    _update(lambda s: dataclasses.replace(s, language=lang))


def _update(change: Callable[[Settings], Settings]) -> None:
    """Save the settings on disk with `change` applied (read again first: the file may have changed meanwhile)."""
    try:
        save_settings(change(load_settings().settings))
    except UserError as exc:
        # Settings are a convenience: failing to keep them must not interrupt the person.
        log.warning("settings not saved (%s)", exc.key)
