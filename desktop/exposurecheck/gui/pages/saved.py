"""Saved checks: the checks kept in the encrypted vault, newest first, to re-open one; and "Wipe everything".

Slots for other features: `show_checks`, `show_status` and `add_prompt(part)` (under the status line: the vault's
passphrase prompt).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QDateTime, QLocale, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from exposurecheck.core.vault.store import SavedCheckSummary
from exposurecheck.gui import accessibility
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.pages.base import Page, Part, Slot, button, label_button
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ErrorLabel, Heading, SecureLabel


class SavedChecksPage(Page):
    open_requested = Signal(str)
    wipe_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = Heading()
        self.intro = SecureLabel()
        self.list = QListWidget()
        self.list.setObjectName("savedList")
        self.list.setWordWrap(True)  # a long line wraps rather than hiding its end behind a sideways scroll bar
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = SecureLabel()  # said in words when nothing is saved, instead of an empty box
        self.empty.setObjectName("savedEmpty")
        self.status = ErrorLabel()
        self.back_button = button("savedBackButton")
        self.open_button = button("savedOpenButton")
        self.wipe_button = button("wipeButton")
        self.wipe_note = SecureLabel()
        self.prompts = Slot()
        for widget in (self.title, self.intro, self.empty, self.list, self.status):
            self.body.addWidget(widget)
        self.body.addLayout(self.prompts)
        row = FlowLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.open_button)
        self.body.addLayout(row)
        self.body.addSpacing(16)
        self.body.addWidget(self.wipe_note)
        self.body.addWidget(self.wipe_button)
        self.body.addStretch(1)
        self.checks: list[SavedCheckSummary] = []
        self.back_button.clicked.connect(self.back_requested)
        self.wipe_button.clicked.connect(self.wipe_requested)
        self.open_button.clicked.connect(self._open_current)
        self.list.itemActivated.connect(lambda _item: self._open_current())

    def show_checks(self, checks: Sequence[SavedCheckSummary], problem: str) -> None:
        self.checks = list(checks)
        self.status.show_message(problem)
        self.retranslate(self.lang)
        if self.checks:
            self.list.setCurrentRow(0)

    def show_status(self, text: str) -> None:
        self.status.show_message(text)
        accessibility.announce(self, text)

    def add_prompt(self, part: Part) -> None:
        """Show `part` under the status line (hidden until its feature shows it); it is re-labelled with the page."""
        self.prompts.add(part)
        part.retranslate(self.lang)

    def _open_current(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.checks):
            self.open_requested.emit(self.checks[row].id)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.title.setText(t("gui.saved.title", lang))
        self.intro.setText(t("gui.saved.intro", lang))
        self.list.setAccessibleName(t("gui.saved.title", lang))
        row = self.list.currentRow()
        self.list.clear()
        for check in self.checks:
            text = t("gui.saved.item", lang, when=saved_when(check.saved_at, lang),
                     findings=t("gui.saved.findings", lang, count=check.exposure_count),
                     steps=t("gui.saved.steps_done", lang, count=check.done_count), id=check.id)
            if check.demo:  # practice checks say so, as everything from demo data does
                text = t("gui.saved.demo_item", lang, text=text)
            self.list.addItem(QListWidgetItem(text))
        self.empty.setText(t("gui.saved.empty", lang))
        self.empty.setVisible(not self.checks)
        self.list.setVisible(bool(self.checks))
        if self.checks:
            self.list.setCurrentRow(max(0, row))
        self.open_button.setEnabled(bool(self.checks))
        label_button(self.back_button, t("gui.common.back", lang))
        label_button(self.open_button, t("gui.saved.open", lang))
        label_button(self.wipe_button, t("gui.saved.wipe", lang))
        self.wipe_note.setText(t("gui.saved.wipe_note", lang))
        self.prompts.retranslate(lang)


def saved_when(saved_at: str, lang: str) -> str:
    """When a check was saved, as a date and time in this computer's time zone, written the language's way
    ("4 December 2026, 14:05" / "2026年12月4日 14:05"). The vault keeps UTC in ISO 8601."""
    moment = QDateTime.fromString(saved_at, Qt.DateFormat.ISODate)
    if not moment.isValid():
        return saved_at  # shown as stored rather than not at all
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh_CN" else QLocale(
        QLocale.Language.English, QLocale.Country.UnitedKingdom)
    return locale.toString(moment.toLocalTime(), t("gui.saved.date_format", lang))
