"""Language, offline only and phone country are remembered through core.settings; consent is not."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool

from exposurecheck.core.settings import load_settings
from exposurecheck.gui.app import create_window, initial_language


def test_choices_are_saved_and_restored(qtbot):
    first = create_window("en", pool=QThreadPool(), install_hook=False)
    qtbot.addWidget(first.window)
    first.window.set_language("zh_CN")
    first.window.welcome.offline_box.setChecked(True)
    first.window.details.region_box.setCurrentIndex(1)  # Hong Kong
    first.window.session.online_consent = True
    saved = load_settings().settings
    assert (saved.language, saved.offline_only, saved.phone_region) == ("zh_CN", True, "HK")
    assert not saved.consent_given
    assert initial_language(None) == "zh_CN"
    assert initial_language("en") == "en"

    second = create_window(initial_language(None), pool=QThreadPool(), install_hook=False)
    qtbot.addWidget(second.window)
    try:
        assert second.window.session.lang == "zh_CN"
        assert second.window.session.offline_only and second.window.welcome.offline_box.isChecked()
        assert second.window.details.region == "HK"
        assert not second.window.session.online_consent
    finally:
        # Each window installed Qt's Chinese catalog in the one QApplication: take both away, or a later test
        # would see Qt's own words in Chinese (test_language.py did, when run after this file).
        first.translations.apply("en")
        second.translations.apply("en")


def test_a_first_start_that_changes_nothing_writes_nothing(qtbot, app_dirs):
    from pathlib import Path

    running = create_window("en", pool=QThreadPool(), install_hook=False, defer_pages=True)
    qtbot.addWidget(running.window)
    qtbot.waitUntil(lambda: running.window.pages_built)
    written = [p for folder in app_dirs.values() if Path(folder).exists() for p in Path(folder).rglob("*")]
    assert written == []
