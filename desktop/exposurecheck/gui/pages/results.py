"""Results: the one-sentence summary first, then the plan by when to act, then what was found and what leaked.

The page is rebuilt from the plan whenever the plan changes (a new check, or the language switched, which
recomputes the plan in the new language). "Mark as done" ticks survive the rebuild because they are kept by
item id in the session, not in the widgets.

Signals: one `*_requested` per action in the actions row, and `done_changed(item_id, done)` when a "Mark as done"
box is ticked. Slots for other features: `show_status` (the line under the actions, saying how an action went),
`add_prompt(part)` (under that line: e.g. the vault's passphrase prompt), `set_contact_lines` (an NGO profile's
"who can help"), `set_source_problems` (sources that could not even be opened).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from exposurecheck.core.advice import Plan
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Outcome, Report, SourceState
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.identifier_status import IdentifierStatusList
from exposurecheck.gui.pages.base import Page, Part, Slot, button, label_button
from exposurecheck.gui.pages.checking import source_label
from exposurecheck.gui.plan_cards import breach_card, item_card
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ErrorLabel, Heading, SecureLabel, Title, empty_layout


class ResultsPage(Page):
    # The actions row. Adding an action: a signal here, a button in __init__ (its place in the row is its place on
    # screen), its label in retranslate; then connect the signal in main_window._connect to what does the work.
    guided_requested = Signal()
    case_sheet_requested = Signal()
    keep_requested = Signal()
    sent_requested = Signal()
    new_check_requested = Signal()
    open_pack_requested = Signal()  # "Open a data file…" under a detail that could not be checked
    done_changed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = Title()
        self.summary.setObjectName("planSummary")
        self.notes = SecureLabel()
        self.notes.setObjectName("planNotes")
        self.problems = ErrorLabel()
        self.statuses = IdentifierStatusList()  # one answer per typed detail: found, not found, not checked
        self.statuses.open_pack_requested.connect(self.open_pack_requested)
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 0, 0)
        self.contact = SecureLabel()  # an NGO profile's "who can help" block, when there is one
        self.contact.setObjectName("resultsContact")
        self.contact.hide()
        self.contact_lines: Callable[[str], tuple[str, ...]] = lambda _lang: ()
        self.status = SecureLabel()  # outcome of saving a case sheet or keeping the check
        self.status.setObjectName("resultsStatus")
        self.prompts = Slot()
        self.sent_button = button("sentButton")
        self.guided_button = button("guidedButton")
        self.case_sheet_button = button("caseSheetButton")
        self.keep_button = button("keepButton")
        self.new_check_button = button("newCheckButton")
        self.body.addWidget(self.summary)
        self.body.addWidget(self.notes)
        self.body.addWidget(self.statuses)
        self.body.addWidget(self.problems)
        self.body.addWidget(self.contact)
        actions = FlowLayout()
        for widget in (
            self.guided_button, self.case_sheet_button, self.keep_button, self.sent_button, self.new_check_button
        ):
            actions.addWidget(widget)
        self.body.addLayout(actions)
        self.body.addWidget(self.status)
        self.body.addLayout(self.prompts)
        self.body.addWidget(self.content)
        self.body.addStretch(1)
        self.sent_button.clicked.connect(self.sent_requested)
        self.guided_button.clicked.connect(self.guided_requested)
        self.case_sheet_button.clicked.connect(self.case_sheet_requested)
        self.keep_button.clicked.connect(self.keep_requested)
        self.new_check_button.clicked.connect(self.new_check_requested)
        self.plan: Plan | None = None
        self.report: Report | None = None
        self.done: set[str] = set()
        self.source_problems: tuple[UserError, ...] = ()  # sources that could not even be opened (a damaged pack)
        self.item_cards: list[QWidget] = []
        self.breach_cards: list[QWidget] = []

    def show_plan(self, plan: Plan, report: Report | None, done: set[str]) -> None:
        self.plan, self.report, self.done = plan, report, done
        self.status.setText("")
        self.retranslate(plan.lang)

    # --- slots ------------------------------------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def add_prompt(self, part: Part) -> None:
        """Show `part` under the status line (hidden until its feature shows it); it is re-labelled with the page."""
        self.prompts.add(part)
        part.retranslate(self.lang)

    def set_contact_lines(self, contact_lines: Callable[[str], tuple[str, ...]]) -> None:
        """Where "who can help" comes from (an NGO profile's contact lines in a language)."""
        self.contact_lines = contact_lines

    def set_source_problems(self, problems: tuple[UserError, ...]) -> None:
        """Sources that could not even be opened for the coming check (said with its results)."""
        self.source_problems = problems

    def clear(self) -> None:
        self.plan, self.report, self.done = None, None, set()
        self.source_problems = ()
        self._clear_content()
        self.summary.setText("")
        self.notes.setText("")
        self.status.setText("")
        self.problems.show_message("")
        self.statuses.show_report(None, self.lang)

    def _clear_content(self) -> None:
        empty_layout(self.content_layout)
        self.item_cards, self.breach_cards = [], []

    def _add(self, widget: QWidget) -> None:
        self.content_layout.addWidget(widget)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        label_button(self.sent_button, t("gui.results.sent", lang))
        label_button(self.guided_button, t("gui.results.guided", lang))
        label_button(self.case_sheet_button, t("gui.results.case_sheet", lang))
        label_button(self.keep_button, t("gui.results.keep", lang))
        label_button(self.new_check_button, t("gui.results.new_check", lang))
        self.prompts.retranslate(lang)
        self.sent_button.setVisible(self.report is not None)
        self.keep_button.setVisible(self.report is not None)  # a questionnaire plan holds nothing to keep
        lines = self.contact_lines(lang)
        self.contact.setText(t("gui.results.contact", lang, contact="\n".join(lines)) if lines else "")
        self.contact.setVisible(bool(lines) and self.plan is not None)
        if self.plan is None:
            return
        plan = self.plan
        self._clear_content()
        self.summary.setText(plan.summary)
        notes = []
        if plan.demo or (self.report is not None and any(s.demo for s in self.report.sources)):
            notes.append(t("gui.results.demo_note", lang))
        if plan.estimate:
            notes.append(t("gui.results.estimate_note", lang))
        if plan.unchecked_note:  # the way to a real check for what could not be checked
            notes.append(plan.unchecked_note)
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self.statuses.show_report(self.report, lang)
        self._show_problems(lang)
        # The order people need: what to do (by when) first, then what was found and what leaked.
        for group in plan.groups:
            self._add(Heading(group.title))
            for item in group.items:
                card = item_card(item, lang, item.id in self.done, self.done_changed.emit)
                self.item_cards.append(card)
                self._add(card)
        self._show_findings(lang)
        if plan.breaches:
            self._add(Heading(t("gui.results.what_leaked", lang)))
            for breach in plan.breaches:
                card = breach_card(breach, lang)
                self.breach_cards.append(card)
                self._add(card)

    def _show_problems(self, lang: str) -> None:
        errors = [s for s in self.report.sources if s.state is SourceState.ERROR] if self.report else []
        lines = [t("gui.results.incomplete", lang)] if errors else []
        lines += [source_label(s.name, lang) for s in errors]
        if self.report is not None:
            lines += [t(p.key, lang, **p.params) for p in self.source_problems]
            lines += [notice.text(lang) for s in self.report.sources for notice in s.notices]
        self.problems.show_message("\n".join(lines))

    def _show_findings(self, lang: str) -> None:
        """What was found, identifier by identifier, always masked; "found nothing" is said as plainly."""
        if self.report is None:
            return
        self._add(Heading(t("gui.results.found_title", lang)))
        if not self.report.exposures:
            # "Nothing found" only where every detail was really checked (or for a check saved before each
            # detail had its own answer); otherwise the answers above say what was and was not checked.
            if all(s.outcome is Outcome.NOT_FOUND for s in self.report.identifiers):
                self._add(SecureLabel(t("gui.results.found_nothing", lang)))
            return
        grid = QGridLayout()
        holder = QWidget()
        holder.setLayout(grid)
        for row, exposure in enumerate(self.report.exposures):
            kind = t(f"identifier.type.{exposure.type.value}", lang)
            if exposure.type is IdentifierType.PASSWORD:
                text = t("gui.results.password_seen", lang, count=exposure.count)
            else:
                text = t("gui.results.found_in", lang, count=len(exposure.breaches), source=source_label(
                    exposure.source, lang))
            if exposure.demo:
                text = t("gui.results.demo_prefix", lang, text=text)
            # The masked hint stays on one line: "+86 138 **** 8000" broken in two is hard to recognise.
            grid.addWidget(SecureLabel(t("gui.results.found_hint", lang, type=kind, hint=exposure.hint), wrap=False),
                           row, 0)
            grid.addWidget(SecureLabel(text), row, 1)
        grid.setColumnStretch(1, 1)
        self._add(holder)
