"""Guided mode: the plan one step at a time, in large type, for help-desk staff and the person they are helping.

Both sides see the same thing: "Step 2 of 7 · P-03 · Set a SIM PIN". Staff can say "open step P-03" and type the
code into the small "go to code" field. Steps are filtered for the person's phone (iPhone, Android or any).

Keyboard: Tab moves between controls, Space/Enter presses a button, Alt+Right / Alt+Left go to the next / previous
step, Ctrl+G jumps to the "go to code" field. Everything shown comes from advice data, which an NGO may extend, so
it is plain text only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposurecheck.core.advice import Plan, PlanItem, Step
from exposurecheck.core.advice import step_text as advice_step_text
from exposurecheck.gui.style import HEADING_SCALE, scaled_font
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ChoiceBox, SecureLabel

PHONE_TYPES = ("any", "ios", "android")
# Steps for one phone platform are hidden for the other; steps for apps (WeChat, Alipay) and carriers stay.
_HIDDEN_FOR = {"ios": frozenset({"android"}), "android": frozenset({"ios"}), "any": frozenset()}
_CODE_RE = re.compile(r"^([A-Z]{1,3})\s*[-‐‑–—－]?\s*([0-9]{1,3})$")

DONE, SKIPPED = "done", "skipped"


def steps_for_phone(steps: Iterable[Step], phone: str) -> tuple[Step, ...]:
    """The steps that apply to `phone` ("any", "ios" or "android")."""
    hidden = _HIDDEN_FOR.get(phone, frozenset())
    return tuple(step for step in steps if step.platform not in hidden)


def find_code(plan: Plan, spoken: str) -> PlanItem | None:
    """The item for a code as staff might type it: "P-03", "p03", "P 3" and "P－03" all find P-03."""
    exact = plan.find(spoken)
    if exact is not None:
        return exact
    match = _CODE_RE.match(spoken.strip().upper())
    if not match:
        return None
    prefix, number = match.group(1), int(match.group(2))
    for item in plan.items():
        item_prefix, _, item_number = item.code.upper().partition("-")
        if item_prefix == prefix and item_number.isdigit() and int(item_number) == number:
            return item
    return None


class GuidedView(QWidget):
    """One plan item at a time with back / next, done / skip for now, a phone-type selector and "go to code".

    Signals: `doneChanged(item_id, done)` when an item is marked done or not done (the same ids the results page
    keeps in `Session.done_items`), `skipped(item_id)` when one is skipped for now, and `currentChanged(index,
    code)` when another step is shown.
    """

    doneChanged = Signal(str, bool)
    skipped = Signal(str)
    currentChanged = Signal(int, str)

    def __init__(self, plan: Plan, lang: str, parent: QWidget | None = None, *, done_items: Iterable[str] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("guidedView")
        self.plan = plan
        self.lang = lang
        self._items = plan.items()
        self._when_titles = {item.id: group.title for group in plan.groups for item in group.items}
        done = set(done_items)
        self._state: dict[str, str] = {item.id: DONE for item in self._items if item.id in done or item.code in done}
        self._index = 0
        self._phone = "any"
        self._build()
        self._add_shortcuts()
        self._show()

    # --- public API -------------------------------------------------------------------------------------------

    @property
    def index(self) -> int:
        return self._index

    def current_item(self) -> PlanItem | None:
        return self._items[self._index] if self._items else None

    def state(self, item_id: str) -> str | None:
        """ "done", "skipped" or None for an item not dealt with yet."""
        return self._state.get(item_id)

    def done_items(self) -> frozenset[str]:
        """Ids of the items marked done (pass them to the case sheet to tick their boxes)."""
        return frozenset(item_id for item_id, state in self._state.items() if state == DONE)

    def skipped_items(self) -> frozenset[str]:
        return frozenset(item_id for item_id, state in self._state.items() if state == SKIPPED)

    def open_code(self, code: str) -> bool:
        """Show the item with reference code `code` ("P-03"); False, with a message, when the plan has none."""
        item = find_code(self.plan, code)
        if item is None:
            shown = code.strip()[:12]
            self.goto_error.setText(t("helpdesk.guided.goto_unknown", self.lang, code=shown))
            self.goto_error.setVisible(True)
            return False
        self.goto_error.setVisible(False)
        self.go_to(self._items.index(item))
        return True

    def go_to(self, index: int) -> None:
        if not self._items:
            return
        index = max(0, min(index, len(self._items) - 1))
        changed = index != self._index
        self._index = index
        self._show()
        if changed:
            item = self._items[index]
            self.currentChanged.emit(index, item.code)

    def next(self) -> None:
        self.go_to(self._index + 1)

    def back(self) -> None:
        self.go_to(self._index - 1)

    def set_phone(self, phone: str) -> None:
        """Show the steps for "any", "ios" (iPhone) or "android"."""
        if phone not in PHONE_TYPES:
            raise ValueError(phone)
        self.phone_box.setCurrentIndex(PHONE_TYPES.index(phone))

    def mark_done(self) -> None:
        """Toggle "done" for the current item; marking it done moves on to the next one."""
        item = self.current_item()
        if item is None:
            return
        if self._state.get(item.id) == DONE:
            del self._state[item.id]
            self.doneChanged.emit(item.id, False)
            self._show()
            return
        self._state[item.id] = DONE
        self.doneChanged.emit(item.id, True)
        self._advance()

    def skip(self) -> None:
        """Leave the current item for later and move on."""
        item = self.current_item()
        if item is None:
            return
        was_done = self._state.get(item.id) == DONE
        self._state[item.id] = SKIPPED
        if was_done:
            self.doneChanged.emit(item.id, False)
        self.skipped.emit(item.id)
        self._advance()

    # --- building -------------------------------------------------------------------------------------------

    def _build(self) -> None:
        lang = self.lang
        outer = QVBoxLayout(self)
        outer.setSpacing(12)

        # No DEMO banner of its own: the top bar above this page already says it for a practice plan, and one
        # screen should say it once.

        # Two short rows rather than one long one, so a longer translation wraps the layout instead of clipping it.
        phone_row, goto_row = QHBoxLayout(), QHBoxLayout()
        phone_label = QLabel(t("helpdesk.guided.phone_label", lang))
        phone_label.setTextFormat(Qt.TextFormat.PlainText)
        self.phone_box = ChoiceBox()
        self.phone_box.setObjectName("phoneType")
        for phone in PHONE_TYPES:
            self.phone_box.addItem(t(f"helpdesk.guided.phone.{phone}", lang), phone)
        self.phone_box.setAccessibleName(t("helpdesk.guided.phone_label", lang))
        # As wide as its longest choice, in any language: "Any phone (show all steps)" must never be cut off.
        self.phone_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        phone_label.setBuddy(self.phone_box)
        self.phone_box.currentIndexChanged.connect(self._phone_changed)
        phone_row.addWidget(phone_label)
        phone_row.addWidget(self.phone_box)
        phone_row.addStretch(1)
        goto_label = QLabel(t("helpdesk.guided.goto_label", lang))
        goto_label.setTextFormat(Qt.TextFormat.PlainText)
        self.goto_field = QLineEdit()
        self.goto_field.setObjectName("gotoCode")
        self.goto_field.setMaxLength(12)
        self.goto_field.setPlaceholderText(t("helpdesk.guided.goto_placeholder", lang))
        self.goto_field.setAccessibleName(t("helpdesk.guided.goto_label", lang))
        self.goto_field.returnPressed.connect(self._goto_from_field)
        goto_label.setBuddy(self.goto_field)
        self.goto_button = self._button("gotoButton", t("helpdesk.guided.goto_button", lang), self._goto_from_field)
        goto_row.addWidget(goto_label)
        goto_row.addWidget(self.goto_field)
        goto_row.addWidget(self.goto_button)
        goto_row.addStretch(1)
        outer.addLayout(phone_row)
        outer.addLayout(goto_row)
        self.goto_error = SecureLabel("")
        self.goto_error.setObjectName("fieldError")
        self.goto_error.setVisible(False)
        outer.addWidget(self.goto_error)

        self.position_label = SecureLabel("")
        self.position_label.setObjectName("guidedPosition")
        self.position_label.setFont(scaled_font(self.position_label, HEADING_SCALE))
        outer.addWidget(self.position_label)
        # Right under the step's title, so it is in view on every step: how far today's things have come.
        self.progress_label = SecureLabel("")
        self.progress_label.setObjectName("guidedProgress")
        outer.addWidget(self.progress_label)
        self.state_label = SecureLabel("")
        self.state_label.setObjectName("guidedState")
        outer.addWidget(self.state_label)
        big = scaled_font(self, 1.2, bold=False)
        # On a step that only a detail that could not be checked put in the plan: not from a match, and the one
        # plain way to a real check (the person hears it on that step, not only on the results page).
        self.presumed_label = self._text_label("guidedPresumed")
        self.when_label = self._text_label("guidedWhen", big)
        self.summary_label = self._text_label("guidedSummary", big)
        self.steps_label = self._text_label("guidedSteps", big)
        self.why_label = self._text_label("guidedWhy")
        self.time_label = self._text_label("guidedTime")
        self.check_label = self._text_label("guidedCheck")
        self.help_label = self._text_label("guidedHelp")
        for label in self._content_labels():
            outer.addWidget(label)
        outer.addStretch(1)

        actions, buttons = QHBoxLayout(), QHBoxLayout()
        self.back_button = self._button("guidedBack", t("helpdesk.guided.back", lang), self.back)
        self.skip_button = self._button("guidedSkip", t("helpdesk.guided.skip", lang), self.skip)
        self.done_button = self._button("guidedDone", t("helpdesk.guided.done", lang), self.mark_done)
        self.next_button = self._button("guidedNext", t("helpdesk.guided.next", lang), self.next)
        actions.addWidget(self.done_button)
        actions.addWidget(self.skip_button)
        actions.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        outer.addLayout(actions)
        outer.addLayout(buttons)
        # Tab order follows reading order: phone type, go to code, done / skip, then back / next.
        QWidget.setTabOrder(self.phone_box, self.goto_field)
        QWidget.setTabOrder(self.goto_field, self.goto_button)
        QWidget.setTabOrder(self.goto_button, self.done_button)
        QWidget.setTabOrder(self.done_button, self.skip_button)
        QWidget.setTabOrder(self.skip_button, self.back_button)
        QWidget.setTabOrder(self.back_button, self.next_button)

    def _add_shortcuts(self) -> None:
        for keys, slot in (
            (QKeySequence("Alt+Right"), self.next),
            (QKeySequence("Alt+Left"), self.back),
            (QKeySequence("Ctrl+G"), self._focus_goto),
        ):
            action = QAction(self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def _button(self, name: str, text: str, slot: Callable[[], None]) -> QPushButton:
        widget = QPushButton(text)
        widget.setObjectName(name)
        widget.setAccessibleName(text)
        widget.setAutoDefault(True)  # Enter on a focused button presses it, as Space does
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.clicked.connect(slot)
        return widget

    def _text_label(self, name: str, font: QFont | None = None) -> SecureLabel:
        label = SecureLabel("")
        label.setObjectName(name)
        if font is not None:
            label.setFont(font)
        return label

    # --- showing --------------------------------------------------------------------------------------------

    def _show(self) -> None:
        lang = self.lang
        item = self.current_item()
        has_items = item is not None
        for widget in (self.back_button, self.skip_button, self.done_button, self.next_button):
            widget.setEnabled(has_items)
        if item is None:
            self.position_label.setText(t("helpdesk.guided.empty", lang))
            for label in self._content_labels():
                label.setVisible(False)
            self.state_label.setVisible(False)
            self.progress_label.setVisible(False)
            return
        total = len(self._items)
        title = t("outcome.item_presumed", lang, title=item.title) if item.presumed else item.title
        self.position_label.setText(
            t("helpdesk.guided.position", lang, n=self._index + 1, total=total, code=item.code, title=title)
        )
        presumed = [t("helpdesk.guided.presumed", lang), self.plan.unchecked_note] if item.presumed else []
        self.presumed_label.setText("\n".join(line for line in presumed if line))
        state = self._state.get(item.id)
        self.state_label.setText(t(f"helpdesk.guided.state.{state}", lang) if state else "")
        self.state_label.setVisible(bool(state))
        self.when_label.setText(self._when_titles.get(item.id, ""))
        self.summary_label.setText(item.summary)
        self.steps_label.setText(self._steps_text(item))
        self.steps_label.setAccessibleName(t("helpdesk.guided.steps_for", lang, code=item.code))
        self.why_label.setText(t("helpdesk.guided.why", lang, why=item.why))
        self.time_label.setText(t("helpdesk.guided.time", lang, count=item.time_needed_min))
        self.check_label.setText(
            t("helpdesk.guided.done_check", lang, check=item.done_check) if item.done_check else ""
        )
        self.help_label.setText(self._help_text(item))
        for label in self._content_labels():
            label.setVisible(bool(label.text()))
        done_count = sum(1 for s in self._state.values() if s == DONE)
        # "Today" counts the same items as the results page's "Do these N things today" (Plan.today_items).
        today = self.plan.today_items()
        done_today = sum(1 for i in today if self._state.get(i.id) == DONE)
        self.progress_label.setText(t("helpdesk.guided.progress", lang, done=done_count, total=total, today=len(today),
                                      done_today=done_today))
        self.progress_label.setVisible(True)
        self.back_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index < total - 1)
        done_text = t("helpdesk.guided.undone" if state == DONE else "helpdesk.guided.done", lang)
        self.done_button.setText(done_text)
        self.done_button.setAccessibleName(done_text)

    def _content_labels(self) -> tuple[SecureLabel, ...]:
        return (
            self.presumed_label,
            self.when_label,
            self.summary_label,
            self.steps_label,
            self.why_label,
            self.time_label,
            self.check_label,
            self.help_label,
        )

    def _steps_text(self, item: PlanItem) -> str:
        steps = steps_for_phone(item.steps, self._phone)
        if not steps:
            return t("helpdesk.guided.no_steps_for_phone", self.lang)
        return "\n".join(f"{n}. {advice_step_text(step, self.lang)}" for n, step in enumerate(steps, start=1))

    def _help_text(self, item: PlanItem) -> str:
        lines = []
        for contact in item.help:
            parts = [contact.label, contact.phone or "", contact.url or ""]
            official = t("helpdesk.guided.official", self.lang) if contact.official else ""
            lines.append(
                t("helpdesk.guided.help", self.lang, contact=" · ".join(p for p in parts if p), official=official)
            )
        return "\n".join(lines)

    def _advance(self) -> None:
        if self._index < len(self._items) - 1:
            self.next()
        else:
            self._show()

    def _phone_changed(self, position: int) -> None:
        self._phone = PHONE_TYPES[position] if 0 <= position < len(PHONE_TYPES) else "any"
        self._show()

    def _goto_from_field(self) -> None:
        if self.open_code(self.goto_field.text()):
            self.goto_field.clear()

    def _focus_goto(self) -> None:
        self.goto_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.goto_field.selectAll()
