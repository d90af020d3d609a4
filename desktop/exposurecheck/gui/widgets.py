"""Small building blocks shared by the pages: plain-text labels, headings, icons, the DEMO banner, and the scroll
area that centres each page in a column of limited width."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from exposurecheck.core.i18n import tr
from exposurecheck.gui.style import (
    HEADING_SCALE,
    SECTION_SCALE,
    SPACE_XS,
    TITLE_SCALE,
    column_width,
    icon_pixmap,
    scaled_font,
)
from exposurecheck.gui.text import plain, t


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
        # The whole text: a screen reader has no other way to read a label (a plan step cut at 200 characters was
        # lost to it). `plain` already bounds the length.
        self.setAccessibleName(self.text())


class Heading(SecureLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None, *, scale: float = HEADING_SCALE) -> None:
        super().__init__(text, parent)
        self.setFont(scaled_font(self, scale))
        self.setObjectName("heading")


class Title(Heading):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent, scale=TITLE_SCALE)
        self.setObjectName("title")


class Section(Heading):
    """A section of a page ("Act now", "What leaked"): between a page heading and a card title in size."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent, scale=SECTION_SCALE)
        self.setObjectName("section")


class IconLabel(QLabel):
    """A bundled icon at a fixed size. Decorative: the words next to it say the same (never an icon alone), so it
    has no accessible name of its own and a screen reader skips it."""

    def __init__(self, name: str = "", size: int = 24, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_size = size
        self.icon_name = ""
        self.setFixedSize(size, size)
        self.setObjectName("icon")
        self.set_icon(name)

    def set_icon(self, name: str) -> None:
        self.icon_name = name
        self.setPixmap(icon_pixmap(name, self.icon_size, self) if name else QPixmap())


class Details(QWidget):
    """A "Details" button that shows or hides a paragraph under it: where the technical words live (service names,
    SHA-1, fingerprints), so the main text can stay plain."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.button = QPushButton()
        self.button.setObjectName(f"{name}Button")
        self.button.setProperty("disclosure", True)
        self.button.setCheckable(True)
        self.button.setAutoDefault(True)
        self.text = SecureLabel()
        self.text.setObjectName("quiet")
        self.text.hide()
        self.button.toggled.connect(self.text.setVisible)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_XS)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text)

    def set_texts(self, lang: str, what_key: str, text: str) -> None:
        """`what_key`: the message saying what the details are about ("what is sent, and to whom"); the button says
        "Details: …", so each one says which details it opens, to the eye and to a screen reader alike. (Put in as
        it is translated: the stretch pseudolocale stretches the whole button text once.)"""
        button = t("gui.common.details_about", lang, what=tr(what_key, lang))
        self.button.setText(button)
        self.button.setAccessibleName(button)
        # A screen reader says the button's words, then the details themselves, without their having to be opened.
        self.button.setAccessibleDescription(text)
        self.text.setText(text)


class ChoiceBox(QComboBox):
    """A drop-down list never narrower than its longest choice. (QComboBox's own size hint falls a few pixels short
    under a stylesheet that pads the box, and the shown choice is then cut off with "…".)"""

    def sizeHint(self) -> QSize:  # Qt's name
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._needed_width(hint.height())), hint.height())

    def minimumSizeHint(self) -> QSize:  # Qt's name
        hint = super().minimumSizeHint()
        return QSize(max(hint.width(), self._needed_width(hint.height())), hint.height())

    def _needed_width(self, height: int) -> int:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.rect = QRect(0, 0, 1000, max(height, 1))
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        widest = max((self.fontMetrics().horizontalAdvance(self.itemText(i)) for i in range(self.count())), default=0)
        return widest + (1000 - field.width()) + 2


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
    """Pages scroll vertically instead of clipping at 1024×768 or 200% scaling; they never scroll sideways.

    The page is a centred column no wider than `style.column_width()`: on a wide window the lines of text stay
    short enough to read, and the page does not spread to the window's edges. (The scroll area itself bounds the
    page to its maximum width and centres it; a wrapper widget around the page would delay the page's height by a
    turn of the event loop, and a long page would be squeezed meanwhile.)"""
    area = QScrollArea()
    # Not a Tab stop of its own: an unnamed stop between the top bar and the page's first field tells a screen
    # reader user nothing. Page Up / Page Down still scroll: keys the focused control does not use reach the area.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setObjectName("pageScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
    content.setMaximumWidth(column_width())
    area.setWidget(content)
    return area
