"""A "Details" button says which details it opens ("Details: what is sent, and to whom"), on screen and to a screen
reader, in both languages: a bare "Details" told a person moving by Tab nothing about what was behind it."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QPushButton

from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.gui.dialogs import PublisherDialog
from tests.gui.test_plain_words import JARGON

LANGS = ("en", "zh_CN")
PREFIX = {"en": "Details: ", "zh_CN": "详细信息："}
HAN = re.compile(r"[\u3400-\u9fff]")
FINGERPRINT = "0123456789abcdef0123456789abcdef"


def _buttons(qtbot, window, lang: str) -> dict[str, QPushButton]:
    """Every "Details" button the app has: the password's, the consent's, and the two publisher questions'."""
    window.consent.ask((PwnedPasswordsSource("http://127.0.0.1:9"),))
    found = {"password": window.details.password_details.button, "consent": window.consent.details.button}
    for kind in ("data_file", "profile"):
        dialog = PublisherDialog(lang, kind, "Sample NGO", FINGERPRINT)
        qtbot.addWidget(dialog)
        found[kind] = dialog.details.button
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_each_details_button_names_its_details(qtbot, make_window, lang):
    window = make_window(lang=lang)
    buttons = _buttons(qtbot, window, lang)
    for name, button in buttons.items():
        text = button.text()
        assert text.startswith(PREFIX[lang]) and len(text) > len(PREFIX[lang]) + 3, (name, text)
        assert button.accessibleName() == text  # what is heard is what is seen (WCAG 2.5.3)
        assert bool(HAN.search(text)) == (lang == "zh_CN"), text
        assert not JARGON.search(text), text  # plain words: the technical ones stay behind the button
        assert len(button.accessibleDescription()) > 40  # and the details themselves follow it
    # Each says something different, except the two publisher questions, which open the same kind of details.
    assert len({buttons[name].text() for name in ("password", "consent", "data_file")}) == 3
    assert buttons["data_file"].text() == buttons["profile"].text()


def test_the_details_buttons_follow_a_language_switch(qtbot, make_window):
    window = make_window(lang="en")
    buttons = _buttons(qtbot, window, "en")
    window.set_language("zh_CN")
    for name in ("password", "consent"):
        assert buttons[name].text().startswith(PREFIX["zh_CN"]), buttons[name].text()
        assert buttons[name].accessibleName() == buttons[name].text()
        assert HAN.search(buttons[name].accessibleDescription())


def test_the_details_button_is_wide_enough_for_its_words(qtbot, make_window):
    """The longer words are never cut off: the button is as wide as its text needs, in both languages."""
    for lang in LANGS:
        window = make_window(lang=lang)
        window.show_page(window.consent)
        button = _buttons(qtbot, window, lang)["consent"]
        qtbot.waitUntil(button.isVisible, timeout=5_000)
        assert button.width() >= button.sizeHint().width()
        assert button.fontMetrics().horizontalAdvance(button.text()) < button.width()
