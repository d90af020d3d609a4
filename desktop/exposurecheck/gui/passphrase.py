"""The opt-in passphrase for saved checks, offered when the computer has no usable keyring (core.vault's
fallback): two masked fields when a vault is being created (typed twice, so a typo cannot lock the person out),
one when opening. The passphrase lives only in these fields and is cleared as soon as it has been used."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from exposurecheck.gui import accessibility
from exposurecheck.gui.pages.base import Part, button, label_button
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import SecureLabel


class PassphraseBox(Part):
    submitted = Signal(str)

    def __init__(self, *, confirm: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._return_to: QWidget | None = None  # where the focus was when the box asked (issue 18.3)
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
        focus = QApplication.focusWidget()
        if focus is not None and not self._holds(focus):
            self._return_to = focus
        self.show()
        self.first.setFocus()

    # The box is disabled while the key is derived and hidden once it is used. Either would leave the focus on a
    # field a keyboard or screen-reader user can no longer reach (Qt moves it wherever the focus chain leads, and
    # an AT-SPI client saw no focused control at all after "Keep this check"): it goes back to where it was when the
    # box asked, the button that asked, which is where the person's next Tab starts anyway.

    def setEnabled(self, enabled: bool) -> None:  # Qt's name; vault_link calls it from Python
        had_focus = self._holds(QApplication.focusWidget())
        super().setEnabled(enabled)
        if had_focus and not enabled:
            self._give_focus_back()

    def setVisible(self, visible: bool) -> None:  # Qt's virtual: hide() comes here too
        had_focus = self._holds(QApplication.focusWidget())
        super().setVisible(visible)
        if had_focus and not visible:
            self._give_focus_back()

    def _holds(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget is self or self.isAncestorOf(widget))

    def _give_focus_back(self) -> None:
        back = self._return_to
        if back is not None and shiboken6.isValid(back) and back.isVisible() and back.isEnabled():
            back.setFocus(Qt.FocusReason.OtherFocusReason)

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
