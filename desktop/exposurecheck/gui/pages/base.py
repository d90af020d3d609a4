"""The common shape of a page: a vertical layout inside a scroll area, re-translatable; and of a part that another
feature puts into one of a page's slots (a notice on the welcome page, a passphrase prompt under a status line)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QPushButton, QVBoxLayout, QWidget

from exposurecheck.core.i18n import DEFAULT_LANGUAGE
from exposurecheck.gui.style import SPACE_L, SPACE_M, SPACE_XL, column_width

SPACING = SPACE_M  # between the widgets of a page, and of the parts in one of its slots


class Part(QWidget):
    """A widget a feature hands to a page's slot. The page places it and re-labels it with the page, so the feature
    never needs to know the page's layout. Subclasses call `super().retranslate(lang)` first; `self.lang` is then
    the language to use for anything shown later (a background check's answer)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = DEFAULT_LANGUAGE

    def retranslate(self, lang: str) -> None:
        self.lang = lang


class Page(QWidget):
    """Subclasses add their own widgets to `self.body` (nobody else does: other features use the page's slots,
    the `add_*` methods) and implement `retranslate`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = DEFAULT_LANGUAGE
        self.body = QVBoxLayout(self)
        self.body.setSpacing(SPACING)
        self.body.setContentsMargins(SPACE_XL, SPACE_L, SPACE_XL, SPACE_L)

    def retranslate(self, lang: str) -> None:
        self.lang = lang

    def focus_target(self) -> QWidget | None:
        """Where the focus goes when the page is shown, if not its first control (accessibility.page_shown): a
        page whose first control is a setting, not what a person came to type, names its main field here."""
        return None

    def event(self, event: QEvent) -> bool:  # Qt's name
        # The page is a centred column (widgets.scrollable), never narrower than what its content needs: a page
        # squeezed below its minimum width would cut its text off.
        if event.type() == QEvent.Type.LayoutRequest:
            wanted = max(column_width(), self.body.minimumSize().width())
            if self.maximumWidth() != wanted:
                self.setMaximumWidth(wanted)
                # The scroll area sizes the page when it sees the page's layout request, before this handler
                # runs: one more request has it size the page again, with the new maximum.
                QApplication.postEvent(self, QEvent(QEvent.Type.LayoutRequest))
        return super().event(event)


class Slot(QVBoxLayout):
    """A place on a page for parts from other features, shown in the order they were added."""

    def __init__(self) -> None:
        super().__init__()
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(SPACING)
        self.parts: list[Part] = []

    def add(self, part: Part) -> None:
        self.parts.append(part)
        self.addWidget(part)

    def retranslate(self, lang: str) -> None:
        for part in self.parts:
            part.retranslate(lang)


def button(name: str) -> QPushButton:
    """A push button with a stable object name (tests and the stretch check find buttons by it)."""
    widget = QPushButton()
    widget.setObjectName(name)
    widget.setAutoDefault(True)  # Enter on a focused button presses it, as Space does
    return widget


def primary(widget: QPushButton) -> QPushButton:
    """Mark `widget` as its page's main action (filled; the stylesheet keys on the property, see app.qss)."""
    widget.setProperty("primary", True)
    return widget


def label_button(widget: QPushButton, text: str) -> None:
    widget.setText(text)
    widget.setAccessibleName(text)
