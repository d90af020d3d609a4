"""Plain-text labels and the stretch pseudolocale."""

from __future__ import annotations

from PySide6.QtCore import Qt

from exposurecheck.gui.text import plain, stretch, t
from exposurecheck.gui.widgets import SecureLabel


def test_secure_label_shows_markup_as_written_and_drops_control_characters(qtbot):
    label = SecureLabel()
    qtbot.addWidget(label)
    label.setText("<b>bold</b> <a href='https://evil.example'>link</a>\u202egnp.exe\x07")
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == "<b>bold</b> <a href='https://evil.example'>link</a>gnp.exe"
    assert not label.openExternalLinks()
    assert plain("line one\nline two") == "line one\nline two"


def test_stretch_pseudolocale_doubles_every_message(monkeypatch):
    monkeypatch.delenv("EXPOSURECHECK_PSEUDO", raising=False)
    normal = t("gui.welcome.start", "en")
    monkeypatch.setenv("EXPOSURECHECK_PSEUDO", "1")
    stretched = t("gui.welcome.start", "en")
    assert stretched == stretch(normal) and len(stretched) > 2 * len(normal)
    assert t("gui.welcome.start", "zh_CN").count("开始查询") == 2
