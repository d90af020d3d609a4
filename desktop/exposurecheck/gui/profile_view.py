"""The organisation profile in the window: the first-use fingerprint question and the contact block.

`load_startup_profile()` finds and checks the profile when the window opens. A profile that fails its check is not
used and the reason is returned for the window to show; a profile whose key was never confirmed is used only after
the person (or help-desk staff) compares its fingerprint and says it matches. Everything from a profile is plain
text: it came from a file on a stick.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QMessageBox, QPushButton, QVBoxLayout, QWidget

from exposurecheck.core import profile as prof
from exposurecheck.core.errors import UserError
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import SecureLabel

AskConfirm = Callable[[prof.Profile], bool]


class ContactBlock(QFrame):
    """The organisation's name, hotline, website and email, for the results page (plain text, no links)."""

    def __init__(self, profile: prof.Profile, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileContact")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.heading = SecureLabel(t("helpdesk.sheet.contact_heading", lang))
        layout.addWidget(self.heading)
        self.lines = [SecureLabel(line) for line in profile.contact_lines(lang)]
        for label in self.lines:
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        self.setAccessibleName(" · ".join(profile.contact_lines(lang)))

    def texts(self) -> list[str]:
        return [label.text() for label in self.lines]


def make_confirm_dialog(profile: prof.Profile, lang: str, parent: QWidget | None = None) -> QMessageBox:
    """The first-use question, with buttons that say what they do. The accept button is `dialog.use_button`."""
    dialog = QMessageBox(parent)
    dialog.setObjectName("profileConfirm")
    dialog.setIcon(QMessageBox.Icon.Question)
    dialog.setTextFormat(Qt.TextFormat.PlainText)
    dialog.setWindowTitle(t("helpdesk.gui.confirm_title", lang))
    dialog.setText(t("helpdesk.gui.confirm_text", lang, name=profile.name(lang), fingerprint=profile.fingerprint))
    dialog.setInformativeText(t("helpdesk.gui.confirm_hint", lang))
    use: QPushButton = dialog.addButton(t("helpdesk.gui.confirm_use", lang), QMessageBox.ButtonRole.AcceptRole)
    skip: QPushButton = dialog.addButton(t("helpdesk.gui.confirm_skip", lang), QMessageBox.ButtonRole.RejectRole)
    use.setObjectName("profileUse")
    skip.setObjectName("profileSkip")
    dialog.setDefaultButton(skip)  # Enter must not approve a key nobody compared
    dialog.setEscapeButton(skip)
    dialog.use_button = use  # type: ignore[attr-defined]
    return dialog


def ask_to_confirm(profile: prof.Profile, lang: str, parent: QWidget | None = None) -> bool:
    """Show the fingerprint and ask; True when the person says it matches."""
    dialog = make_confirm_dialog(profile, lang, parent)
    dialog.exec()
    return dialog.clickedButton() is dialog.use_button  # type: ignore[attr-defined]


def load_startup_profile(
    lang: str, parent: QWidget | None = None, *, ask: AskConfirm | None = None
) -> tuple[prof.Profile | None, str]:
    """The profile to use (or None) and a message for the window ("" when there is nothing to say).

    `ask` replaces the dialog (tests); by default the fingerprint question is shown when the key is new.
    """
    path = prof.discover_profile()
    if path is None:
        return None, ""
    try:
        loaded = prof.load_profile(path)
    except UserError as exc:
        return None, t(exc.key, lang, **exc.params)
    if prof.is_confirmed(loaded):
        return loaded, ""
    asker = ask or (lambda p: ask_to_confirm(p, lang, parent))
    if asker(loaded):
        prof.confirm(loaded)  # asked once per key, not on every start
        return loaded, ""
    return None, t("helpdesk.gui.profile_not_used", lang)
