"""The window's choices that say nothing about the person (language, offline only, phone country) are kept in
`core.settings` so the next start looks the same. Consent to go online is deliberately not kept: on a shared
help-desk computer each person is asked again."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from exposurecheck.core.errors import UserError
from exposurecheck.core.settings import Settings, load_settings, save_settings
from exposurecheck.gui.main_window import MainWindow

log = logging.getLogger(__name__)


def link_settings(window: MainWindow) -> None:
    """Apply saved settings to `window` and save changes as they happen (call once its pages are built)."""
    from exposurecheck.gui.pages.details import REGIONS

    settings = load_settings().settings
    # An organisation's profile may make offline-only the default; a person's own saved choice cannot undo that.
    profile_offline = window.profile is not None and window.profile.offline_only
    window.welcome.set_offline(settings.offline_only or profile_offline)
    if settings.phone_region in REGIONS:
        window.details.region_box.setCurrentIndex(REGIONS.index(settings.phone_region))
    window.welcome.offline_changed.connect(lambda on: _update(lambda s: dataclasses.replace(s, offline_only=on)))
    window.details.region_box.currentIndexChanged.connect(
        lambda _i: _update(lambda s: dataclasses.replace(s, phone_region=window.details.region)))


def save_language(lang: str) -> None:
    _update(lambda s: dataclasses.replace(s, language=lang))


def _update(change: Callable[[Settings], Settings]) -> None:
    """Save the settings on disk with `change` applied (read again first: the file may have changed meanwhile)."""
    try:
        save_settings(change(load_settings().settings))
    except UserError as exc:
        # Settings are a convenience: failing to keep them must not interrupt the person.
        log.warning("settings not saved (%s)", exc.key)
