"""The opt-in passphrase for saved checks, offered when the computer has no usable keyring (core.vault's
fallback): two masked fields when a vault is being created (typed twice, so a typo cannot lock the person out),
one when opening. The passphrase lives only in these fields and is cleared as soon as it has been used."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from exposurecheck.gui import accessibility
from exposurecheck.gui.pages.base import Part, button, label_button
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import SecureLabel


class PassphraseBox(Part):
    submitted = Signal(str)

    def __init__(self, *, confirm: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passphraseBox")
        self.confirm = confirm
        self.note = SecureLabel()
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.second = QLineEdit()
        self.second.setObjectName("passphraseAgain")
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setVisible(confirm)
        self.error = SecureLabel()
        self.error.setObjectName("fieldError")
        self.error.hide()
        self.submit_button = button("passphraseButton")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.note, self.first, self.second, self.error, self.submit_button):
            layout.addWidget(widget)
        self.submit_button.clicked.connect(self._submit)
        self.first.returnPressed.connect(lambda: self.second.setFocus() if self.confirm else self._submit())
        self.second.returnPressed.connect(self._submit)
        self.hide()

    def ask(self, *, confirm: bool) -> None:
        """Show the box: `confirm` (type it twice) when a new vault would be created with it."""
        self.confirm = confirm
        self.second.setVisible(confirm)
        self.retranslate(self.lang)
        self.clear()
        self.show()
        self.first.setFocus()

    def clear(self) -> None:
        for edit in (self.first, self.second):
            edit.setText("")  # not clear(): that would leave the passphrase in the undo history
        self.show_error("")

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        accessibility.announce(self, text, assertive=True)  # the focus stays in the field

    def _submit(self) -> None:
        first = self.first.text()
        if not first:
            self.show_error(t("vault.passphrase_empty", self.lang))
            return
        if self.confirm and first != self.second.text():
            self.show_error(t("vault.passphrase_mismatch", self.lang))
            return
        self.clear()
        self.submitted.emit(first)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        kind = "create" if self.confirm else "open"
        self.note.setText(t(f"gui.passphrase.{kind}_note", lang))
        self.first.setAccessibleName(t("gui.passphrase.field", lang))
        self.first.setPlaceholderText(t("gui.passphrase.field", lang))
        self.second.setAccessibleName(t("gui.passphrase.again", lang))
        self.second.setPlaceholderText(t("gui.passphrase.again", lang))
        label_button(self.submit_button, t(f"gui.passphrase.{kind}", lang))
