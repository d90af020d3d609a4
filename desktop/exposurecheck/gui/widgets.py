"""Small building blocks shared by the pages: plain-text labels, headings, the DEMO banner, scrollable pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QLayout, QScrollArea, QWidget

from exposurecheck.gui.style import HEADING_SCALE, TITLE_SCALE, scaled_font
from exposurecheck.gui.text import plain


class SecureLabel(QLabel):
    """A label that can only show plain text: markup in catalog descriptions or server messages is shown as
    written, never interpreted. Every label in the app is one of these (our own strings included), so no code
    path can accidentally turn on rich text."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, wrap: bool = True) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(wrap)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(plain(text))
        self.setAccessibleName(plain(text)[:200])


class Heading(SecureLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None, *, scale: float = HEADING_SCALE) -> None:
        super().__init__(text, parent)
        self.setFont(scaled_font(self, scale))
        self.setObjectName("heading")


class Title(Heading):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent, scale=TITLE_SCALE)
        self.setObjectName("title")


class DemoBanner(SecureLabel):
    """A strip saying that what is shown is practice data; visible on every screen in training mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("demoBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)


class ErrorLabel(SecureLabel):
    """The plain-language message under an input field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setObjectName("fieldError")
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def empty_layout(layout: QLayout) -> None:
    """Remove every widget from `layout`. Each is detached at once, not only deleted later: after "End session"
    no widget may still hold a result, even for the rest of this turn of the event loop."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()


def scrollable(content: QWidget) -> QScrollArea:
    """Pages scroll vertically instead of clipping at 1024×768 or 200% scaling; they never scroll sideways."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area
