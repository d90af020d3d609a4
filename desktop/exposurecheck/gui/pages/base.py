"""The common shape of a page: a vertical layout inside a scroll area, re-translatable."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from exposurecheck.core.i18n import DEFAULT_LANGUAGE


class Page(QWidget):
    """Subclasses add widgets to `self.body` and implement `retranslate`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = DEFAULT_LANGUAGE
        self.body = QVBoxLayout(self)
        self.body.setSpacing(12)

    def retranslate(self, lang: str) -> None:
        self.lang = lang


def button(name: str) -> QPushButton:
    """A push button with a stable object name (tests and the stretch check find buttons by it)."""
    widget = QPushButton()
    widget.setObjectName(name)
    widget.setAutoDefault(True)  # Enter on a focused button presses it, as Space does
    return widget


def label_button(widget: QPushButton, text: str) -> None:
    widget.setText(text)
    widget.setAccessibleName(text)
