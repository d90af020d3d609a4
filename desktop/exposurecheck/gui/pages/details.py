"""Your details: every field optional, validated live with the core normalizers' own translated messages.

An error appears once the person has left a field (not while they are still typing the first digits) and
disappears as soon as the value becomes valid. The password field is masked and never validated beyond "empty".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLineEdit, QWidget

from exposurecheck.core.identifiers import Identifier, IdentifierType, InvalidIdentifier, normalize
from exposurecheck.core.identifiers.phone import DEFAULT_REGION
from exposurecheck.core.training import DemoIdentity
from exposurecheck.gui import accessibility
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.pages.base import Page, button, label_button, primary
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ChoiceBox, Details, ErrorLabel, Heading, SecureLabel

# Countries offered first in the phone box; the default is China. Names come from gui.region.<code>.
REGIONS = ("CN", "HK", "MO", "TW", "SG", "MY", "US", "CA", "GB", "AU", "JP", "KR", "DE", "FR")
# People separate several usernames with commas (either width), semicolons or new lines.
_USERNAME_SPLIT = re.compile(r"[,，;；\n]+")

FIELD_ORDER = (
    IdentifierType.PHONE,
    IdentifierType.EMAIL,
    IdentifierType.CN_ID,
    IdentifierType.USERNAME,
    IdentifierType.PASSWORD,
)


@dataclass
class _Field:
    kind: IdentifierType
    label: SecureLabel
    edit: QLineEdit
    error: ErrorLabel
    touched: bool = False


class DetailsPage(Page):
    check_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = Heading()
        self.intro = SecureLabel()
        self.body.addWidget(self.title)
        self.body.addWidget(self.intro)

        self.demo_label = SecureLabel()
        self.demo_box = ChoiceBox()
        self.demo_box.setObjectName("demoIdentity")
        self.demo_identities: tuple[DemoIdentity, ...] = ()
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo_label, 1)
        demo_row.addWidget(self.demo_box, 2)
        self.demo_label.setBuddy(self.demo_box)  # how a screen reader on Linux learns the box's name (issue 18)
        self.body.addLayout(demo_row)
        self.demo_box.activated.connect(self._fill_demo)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.region_box = ChoiceBox()
        self.region_box.setObjectName("regionBox")
        # Sized for "China mainland (+86)", not for the longest translation, so the number field keeps its room.
        self.region_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.region_box.setMinimumContentsLength(18)
        for code in REGIONS:
            self.region_box.addItem(code, code)
        self.fields: dict[IdentifierType, _Field] = {}
        row = 0
        for kind in FIELD_ORDER:
            label = SecureLabel()
            edit = QLineEdit()
            edit.setObjectName(f"field_{kind.value}")
            label.setBuddy(edit)
            error = ErrorLabel()
            field = _Field(kind, label, edit, error)
            self.fields[kind] = field
            grid.addWidget(label, row, 0, 1, 2)
            row += 1
            if kind is IdentifierType.PHONE:
                line = QHBoxLayout()
                line.addWidget(self.region_box)
                line.addWidget(edit, 1)
                grid.addLayout(line, row, 0, 1, 2)
            else:
                grid.addWidget(edit, row, 0, 1, 2)
            row += 1
            grid.addWidget(error, row, 0, 1, 2)
            row += 1
            edit.textChanged.connect(lambda _text, f=field: self._validate(f, live=True))
            edit.editingFinished.connect(lambda f=field: self._touch(f))
            # Enter in any field runs the check, as in a web form (a page is not a dialog, so Qt does not do it).
            edit.returnPressed.connect(self._on_check)
        self.fields[IdentifierType.PASSWORD].edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_note = SecureLabel()
        self.password_note.setObjectName("passwordNote")
        grid.addWidget(self.password_note, row, 0, 1, 2)
        self.password_details = Details("passwordDetails")  # the service's name and SHA-1, behind "Details"
        grid.addWidget(self.password_details, row + 1, 0, 1, 2)
        self.body.addLayout(grid)
        self.region_label = accessibility.screen_reader_label(self.region_box)  # "Country of the phone number"
        self.region_box.currentIndexChanged.connect(lambda _i: self._validate(self.fields[IdentifierType.PHONE]))

        self.nothing_label = ErrorLabel()
        self.body.addWidget(self.nothing_label)
        buttons = FlowLayout()
        self.back_button = button("backButton")
        self.check_button = primary(button("checkButton"))
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.check_button)
        self.body.addLayout(buttons)
        self.body.addStretch(1)
        self.back_button.clicked.connect(self.back_requested)
        self.check_button.clicked.connect(self._on_check)
        self.set_demo_identities(())

    # --- translation ---------------------------------------------------------------------------------------

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.title.setText(t("gui.details.title", lang))
        self.intro.setText(t("gui.details.intro", lang))
        self.demo_label.setText(t("gui.details.demo_identity", lang))
        self.demo_box.setAccessibleName(t("gui.details.demo_identity", lang))
        self._fill_demo_names()
        for index, code in enumerate(REGIONS):
            calling = phonenumbers.country_code_for_region(code)
            self.region_box.setItemText(index, t("gui.details.region_item", lang, name=t(f"gui.region.{code}", lang),
                                                 code=calling))
        self.region_box.setAccessibleName(t("gui.details.region", lang))
        self.region_label.setText(t("gui.details.region", lang))
        for field in self.fields.values():
            name = t(f"gui.details.field.{field.kind.value}", lang)
            field.label.setText(name)
            field.edit.setAccessibleName(name)
            field.edit.setPlaceholderText(t(f"gui.details.placeholder.{field.kind.value}", lang))
            self._validate(field)
        self.password_note.setText(t("gui.details.password_note", lang))
        self.password_details.set_texts(lang, "gui.details.password_details_what",
                                        t("gui.details.password_details", lang))
        label_button(self.back_button, t("gui.common.back", lang))
        label_button(self.check_button, t("gui.details.check", lang))
        if self.nothing_label.isVisible():
            self.nothing_label.show_message(t("check.no_identifiers", lang))

    def focus_target(self) -> QWidget | None:
        """The phone number field, not the country box before it: typing right after "Start a check" must land in a
        field (the country is a setting of the computer). In training mode the demo-person box comes first."""
        if self.demo_box.isVisibleTo(self):
            return None
        return self.fields[IdentifierType.PHONE].edit

    # --- demo identities (training mode) ---------------------------------------------------------------------

    def set_demo_identities(self, identities: tuple[DemoIdentity, ...]) -> None:
        self.demo_identities = identities
        self._fill_demo_names()
        for widget in (self.demo_label, self.demo_box):
            widget.setVisible(bool(identities))

    def _fill_demo_names(self) -> None:
        self.demo_box.clear()
        self.demo_box.addItem(t("gui.details.demo_choose", self.lang))
        for identity in self.demo_identities:
            self.demo_box.addItem(identity.label(self.lang))

    def _fill_demo(self, index: int) -> None:
        if index <= 0 or index > len(self.demo_identities):
            return
        identity = self.demo_identities[index - 1]
        for kind, field in self.fields.items():
            field.edit.setText(identity.value(kind) or "")
            field.touched = bool(field.edit.text())
            self._validate(field)

    # --- validation ---------------------------------------------------------------------------------------------

    @property
    def region(self) -> str:
        return str(self.region_box.currentData() or DEFAULT_REGION)

    def _touch(self, field: _Field) -> None:
        field.touched = True
        self._validate(field)

    def _values(self, field: _Field) -> list[str]:
        text = field.edit.text()
        if field.kind is IdentifierType.PASSWORD:
            return [text] if text else []
        if field.kind is IdentifierType.USERNAME:
            return [part.strip() for part in _USERNAME_SPLIT.split(text) if part.strip()]
        return [text] if text.strip() else []

    def _parse(self, field: _Field) -> tuple[list[Identifier], str]:
        """The field's identifiers, and the first error message in the current language ("" when all valid)."""
        found: list[Identifier] = []
        for raw in self._values(field):
            try:
                found.append(normalize(field.kind, raw, region=self.region))
            except InvalidIdentifier as exc:
                return found, t(exc.key, self.lang, **exc.params)
        return found, ""

    def _validate(self, field: _Field, *, live: bool = False) -> bool:
        _found, message = self._parse(field)
        if live:
            self.nothing_label.show_message("")
        shown = message if field.touched else ""
        field.error.show_message(shown)
        # Screen readers announce the description with the field, so the reason travels with the focus.
        field.edit.setAccessibleDescription(shown)
        return not message

    def identifiers(self) -> list[Identifier]:
        """Every valid identifier entered, duplicates removed (the same value typed twice is checked once)."""
        found: list[Identifier] = []
        for field in self.fields.values():
            found.extend(self._parse(field)[0])
        return list(dict.fromkeys(found))

    def _on_check(self) -> None:
        first_bad: _Field | None = None
        for field in self.fields.values():
            field.touched = field.touched or bool(field.edit.text())
            if not self._validate(field) and first_bad is None:
                first_bad = field
        if first_bad is not None:
            first_bad.edit.setFocus()
            return
        if not self.identifiers():
            self.nothing_label.show_message(t("check.no_identifiers", self.lang))
            accessibility.announce(self, self.nothing_label.text())
            self.fields[IdentifierType.PHONE].edit.setFocus()
            return
        self.check_requested.emit()

    def show_note(self, text: str) -> None:
        """A short message above the buttons (for example "The check was stopped")."""
        self.nothing_label.show_message(text)
        accessibility.announce(self, text)

    def clear(self) -> None:
        """Forget everything typed (End session)."""
        for field in self.fields.values():
            # setText, not clear(): clear() is undoable, and Ctrl+Z must not bring back the last person's number.
            field.edit.setText("")
            field.touched = False
            field.error.show_message("")
        self.nothing_label.show_message("")
        # The phone country stays: it is a setting of the computer (kept in settings), like the language.
        self.demo_box.setCurrentIndex(0)
