"""The app's own dialogs: trusting a new publisher (a data file's, or an NGO profile's) and confirming a step that
cannot be undone (wiping everything).

Both are opened window-modal with `open()`, never `exec()`: no nested event loop (the exception hook relies on
that), and the answer arrives as a signal. Escape closes either one with the safe answer ("Don't use it", "Keep
them"), which is also the button that has the focus when the dialog opens: pressing Enter by habit loses nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exposurecheck.gui.pages.base import button, label_button
from exposurecheck.gui.style import SPACE_L, SPACE_M, SPACE_XL, TITLE_SCALE, scaled_font
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import Details, Heading, IconLabel, SecureLabel

PUBLISHER_KINDS = ("data_file", "profile")


def fingerprint_groups(fingerprint: str) -> list[str]:
    """The fingerprint's groups of four ("1a2b 3c4d ..." → ["1a2b", "3c4d", ...])."""
    return [group for group in fingerprint.split() if group]


class _Dialog(QDialog):
    """The text in a scroll area (a dialog never grows past the screen: at 200% scaling, or with its details open,
    the text scrolls) and the buttons under it, always in view."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(SPACE_XL, SPACE_XL, SPACE_XL, SPACE_L)
        outer.setSpacing(SPACE_L)
        self.body = QWidget()
        self.body.setObjectName("dialogBody")
        self.layout_ = QVBoxLayout(self.body)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setSpacing(SPACE_M)
        self.text_area = QScrollArea()
        self.text_area.setObjectName("dialogScroll")
        self.text_area.setWidgetResizable(True)
        self.text_area.setFrameShape(QFrame.Shape.NoFrame)
        self.text_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text_area.setWidget(self.body)
        # Not a Tab stop of its own: to a screen reader it would be an unnamed one (the dialog's name and
        # description already say its text). Page Down / Page Up scroll the text from wherever the focus is.
        self.text_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bar = self.text_area.verticalScrollBar()
        for key, action in ((Qt.Key.Key_PageDown, QAbstractSlider.SliderAction.SliderPageStepAdd),
                            (Qt.Key.Key_PageUp, QAbstractSlider.SliderAction.SliderPageStepSub)):
            QShortcut(QKeySequence(key), self).activated.connect(lambda a=action: bar.triggerAction(a))
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        outer.addWidget(self.text_area, 1)
        outer.addLayout(self.button_row)

    def fit_height(self) -> None:
        """As tall as the wrapped text needs at the dialog's width (a top-level window does not follow its
        labels' height-for-width by itself, and would cut lines off), but never taller than the screen."""
        outer = self.layout()
        if outer is None:
            return
        margins = outer.contentsMargins()
        width = max(self.width(), self.minimumWidth())
        # Measured as if the scroll bar were showing: at the full width a height that only just fits could wrap
        # one more line once the bar appears (CJK text, which breaks anywhere, did), and then the text scrolls.
        bar = self.text_area.verticalScrollBar().sizeHint().width()
        text = self.layout_.totalHeightForWidth(width - margins.left() - margins.right() - 2 - bar)
        height = text + margins.top() + margins.bottom() + outer.spacing() + self.button_row.sizeHint().height()
        screen = self.screen()
        if screen is not None:
            height = min(height, screen.availableGeometry().height() - 48)
        self.resize(width, height)

    def showEvent(self, event: QShowEvent) -> None:  # Qt's name
        self.fit_height()
        super().showEvent(event)

    def _buttons(self, safe: QPushButton, risky: QPushButton) -> None:
        """The safe answer on the right and focused; the other on its left, never styled as the main action."""
        self.button_row.addWidget(risky)
        self.button_row.addWidget(safe)
        safe.setDefault(True)
        safe.setFocus(Qt.FocusReason.OtherFocusReason)


class PublisherDialog(_Dialog):
    """Who signed a data file (or an NGO profile), their key's fingerprint in groups to read aloud, what trusting
    them means, and "Trust this publisher" / "Don't use it". The caller stores the trust on `accepted`."""

    def __init__(self, lang: str, kind: str, name: str, fingerprint: str, *, file_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in PUBLISHER_KINDS:
            raise ValueError(kind)
        self.setObjectName("publisherDialog")
        self.kind, self.fingerprint = kind, fingerprint
        self.setWindowTitle(t(f"gui.publisher.{kind}.window_title", lang))
        heading_row = QHBoxLayout()
        heading_row.setSpacing(SPACE_M)
        heading_row.addWidget(IconLabel("publisher", 36), 0, Qt.AlignmentFlag.AlignTop)
        self.heading = Heading(t(f"gui.publisher.{kind}.heading", lang))
        heading_row.addWidget(self.heading, 1)
        self.layout_.addLayout(heading_row)
        claims = t("gui.publisher.claims", lang, name=name) if name else t("gui.publisher.claims_nothing", lang)
        if file_name:
            claims += "\n" + t("gui.publisher.file", lang, file=file_name)
        self.claims = SecureLabel(claims)
        self.claims.setObjectName("publisherClaims")
        self.layout_.addWidget(self.claims)

        self.code_intro = SecureLabel(t("gui.publisher.code_intro", lang))
        self.layout_.addWidget(self.code_intro)
        self.code = self._code_grid(lang, fingerprint)
        self.layout_.addWidget(self.code)
        self.how = SecureLabel(t(f"gui.publisher.{kind}.how_to_compare", lang))
        self.means = SecureLabel(t(f"gui.publisher.{kind}.means", lang))
        self.means.setObjectName("publisherMeans")
        self.unsure = SecureLabel(t(f"gui.publisher.{kind}.unsure", lang))
        self.unsure.setObjectName("quiet")
        for label in (self.how, self.means, self.unsure):
            self.layout_.addWidget(label)
        # The technical words live behind "Details" (issue 12.9: the main text has none of them).
        self.details = Details("publisherDetails")
        self.details.set_texts(lang, "gui.publisher.details_what",
                               t(f"gui.publisher.{kind}.details", lang, fingerprint=fingerprint))
        self.layout_.addWidget(self.details)
        self.details.button.toggled.connect(lambda opened: QTimer.singleShot(0, lambda: self._details_toggled(opened)))

        self.trust_button = button("trustPublisherButton")
        self.decline_button = button("declinePublisherButton")
        label_button(self.trust_button, t(f"gui.publisher.{kind}.trust", lang))
        label_button(self.decline_button, t(f"gui.publisher.{kind}.decline", lang))
        self.trust_button.clicked.connect(self.accept)
        self.decline_button.clicked.connect(self.reject)
        self._buttons(self.decline_button, self.trust_button)
        self.setAccessibleName(self.heading.text())
        self.setAccessibleDescription(claims)
        self.setMinimumWidth(600)

    def _details_toggled(self, opened: bool) -> None:
        """Grow to fit, and bring opened details into view: on a small screen (or in English, whose text is longer)
        they open below the dialog's fold, and pressing "Details" seemed to do nothing."""
        self.fit_height()
        if opened:
            self.layout_.activate()  # the body's new height, so the scroll bar's range includes the details
            bar = self.text_area.verticalScrollBar()
            bar.setValue(min(bar.maximum(), self.details.y()))

    @staticmethod
    def _code_grid(lang: str, fingerprint: str) -> QWidget:
        """Eight groups of four in two rows, each numbered, in a large fixed-width font: "group 3 is 5e6f" is easy
        to say and to check over the phone, and fixed-width digits line up for comparing with a printed code."""
        holder = QWidget()
        holder.setObjectName("publisherCode")
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(SPACE_L)
        grid.setVerticalSpacing(2)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(scaled_font(None, TITLE_SCALE * 1.25).pointSizeF())
        mono.setWeight(QFont.Weight.Bold)
        groups = fingerprint_groups(fingerprint)
        for index, group in enumerate(groups):
            row, column = divmod(index, 4)
            number = SecureLabel(str(index + 1), wrap=False)
            number.setObjectName("quiet")
            number.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            text = SecureLabel(group, wrap=False)
            text.setObjectName("publisherCodeGroup")
            text.setFont(mono)
            text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            text.setAccessibleName(t("gui.publisher.group", lang, n=index + 1, group=" ".join(group)))
            grid.addWidget(number, row * 2, column)
            grid.addWidget(text, row * 2 + 1, column)
        grid.setColumnStretch(4, 1)
        holder.setAccessibleName(t("gui.publisher.code_intro", lang) + " " + ", ".join(groups))
        return holder


class ConfirmDialog(_Dialog):
    """A plain question before something that cannot be undone: what will be lost, then "Keep" / "Delete"."""

    def __init__(self, title: str, heading: str, text: str, confirm: str, cancel: str, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmDialog")
        self.setWindowTitle(title)
        self.heading = Heading(heading)
        self.text = SecureLabel(text)
        self.text.setObjectName("confirmText")
        self.layout_.addWidget(self.heading)
        self.layout_.addWidget(self.text)
        self.confirm_button = button("confirmButton")
        self.confirm_button.setProperty("destructive", True)
        self.cancel_button = button("cancelButton")
        label_button(self.confirm_button, confirm)
        label_button(self.cancel_button, cancel)
        self.confirm_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        self._buttons(self.cancel_button, self.confirm_button)
        self.setAccessibleName(heading)
        self.setAccessibleDescription(text)
        self.setMinimumWidth(520)
