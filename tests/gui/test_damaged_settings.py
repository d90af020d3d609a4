"""A damaged or unreadable settings file is said in the window once, plainly, in the window's language, on the
welcome page, without its path (the folder's name may name the person); the usual settings are used. The real
start-up path (`gui.app.start`, what a double-click runs) and real settings files in the test's config folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exposurecheck.core.i18n import tr
from exposurecheck.core.settings import settings_path
from exposurecheck.gui.app import Running, start

STARTED: list[Running] = []


@pytest.fixture(autouse=True)
def english_qt_afterwards():
    """Qt's own translations belong to the application: take each window's out again for the tests that follow."""
    yield
    while STARTED:
        STARTED.pop().translations.apply("en")


def _start(qtbot, lang: str | None) -> Running:
    running = start(lang, offscreen=True, install_hook=False)
    STARTED.append(running)
    qtbot.addWidget(running.window)
    running.window.show()
    qtbot.waitUntil(lambda: running.window.pages_built)
    return running


def _notice(running: Running) -> str:
    notices = [part for part in running.window.welcome.notices.parts if part.objectName() == "settingsNotice"]
    assert len(notices) <= 1
    return notices[0].text.text() if notices and notices[0].isVisibleTo(running.window) else ""


def _damaged() -> Path:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"format": "exposurecheck.settings", "language": "zh_CN", ')  # cut off mid-write
    return path


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_damaged_settings_file_is_said_once_in_the_windows_language(qtbot, lang):
    path = _damaged()
    running = _start(qtbot, lang)
    assert _notice(running) == tr("settings.problem.damaged", lang)
    assert str(path.parent) not in _notice(running) and "settings.json" not in _notice(running)
    assert running.window.current_page() is running.window.welcome
    assert not path.exists(), "set aside; the usual settings are used"
    assert running.window.session.lang == lang and not running.window.welcome.offline_box.isChecked()

    # The person's first step ends the note; the next start has nothing to say (the file was set aside).
    running.window.welcome.start_button.click()
    running.window.show_page(running.window.welcome)
    assert _notice(running) == ""
    again = _start(qtbot, lang)
    assert _notice(again) == ""


def test_the_notice_follows_the_language_the_person_picks(qtbot):
    _damaged()
    running = _start(qtbot, "en")
    running.window.set_language("zh_CN")
    assert _notice(running) == tr("settings.problem.damaged", "zh_CN")


def test_without_lang_the_system_language_is_used_and_the_damaged_file_still_said(qtbot, monkeypatch):
    """With no --lang the settings are read to find the language: that read is the one that sets the file aside,
    so it is the one whose problem the window says (a second read would find nothing wrong)."""
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    _damaged()
    running = _start(qtbot, None)
    assert running.window.session.lang == "zh_CN"
    assert _notice(running) == tr("settings.problem.damaged", "zh_CN")


@pytest.mark.skipif(os.name == "nt", reason="a folder in the file's place is how this test makes it unreadable")
def test_an_unreadable_settings_file_is_said_at_each_start_while_it_stays_unreadable(qtbot):
    path = settings_path()
    path.mkdir(parents=True)  # a folder where the file should be: reading it fails
    for _ in range(2):
        running = _start(qtbot, "en")
        assert _notice(running) == tr("settings.problem.unreadable", "en")
        assert path.is_dir(), "nothing of the person's is moved or deleted"


def test_a_good_settings_file_says_nothing(qtbot):
    running = _start(qtbot, "en")
    assert _notice(running) == ""
    assert [p.objectName() for p in running.window.welcome.notices.parts if p.isVisibleTo(running.window)] == []
