"""Results: at a glance first, then the full plan, then what was found and what leaked (issue 12.3).

What fits on a 1024×768 screen without scrolling, in both languages: the verdict in one sentence (the largest text
in the window), how urgent it is (words, icon, colour), one answer per typed detail (found / not found / not
checked and why), each leak that matched with the kinds of the person's data it held, and "Do these N things
today" with the way into guided mode. Under it the other actions, then the full plan: the groups due today open,
later ones collapsed behind a button that says how many steps they hold (when nothing is due today, the first
group is open).

The page is rebuilt from the plan whenever the plan changes (a new check, or the language switched, which
recomputes the plan in the new language). "Mark as done" ticks survive the rebuild because they are kept by
item id in the session, not in the widgets.

Signals: one `*_requested` per action, and `done_changed(item_id, done)` when a "Mark as done" box is ticked.
Slots for other features: `show_status` (the line under the actions, saying how an action went),
`add_prompt(part)` (under that line: e.g. the vault's passphrase prompt), `set_contact_lines` (an NGO profile's
"who can help"), `set_source_problems` (sources that could not even be opened).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from exposurecheck.core.advice import Plan, PlanGroup
from exposurecheck.core.advice.model import TODAY_WHENS
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Outcome, Report, SourceState
from exposurecheck.gui import accessibility
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.glance import LeakList, TodayBox, Verdict
from exposurecheck.gui.identifier_status import IdentifierStatusList
from exposurecheck.gui.pages.base import Page, Part, Slot, button, label_button
from exposurecheck.gui.pages.checking import source_label
from exposurecheck.gui.plan_cards import breach_card, item_card
from exposurecheck.gui.style import SPACE_S, icon
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import ErrorLabel, Section, SecureLabel, empty_layout


class PlanSection(QWidget):
    """One group of the plan ("This week"): a button that opens and closes it, saying how many steps it holds,
    and its cards. Groups due today start open; later ones start closed, so the page stays short."""

    def __init__(self, group: PlanGroup, lang: str, cards: list[QWidget], *, open_: bool) -> None:
        super().__init__()
        self.setObjectName(f"planSection_{group.when}")
        self.group, self.lang = group, lang
        self.toggle = button(f"planSectionToggle_{group.when}")
        self.toggle.setProperty("disclosure", True)
        self.toggle.setCheckable(True)
        # The cards sit in this widget's own layout (no inner container): one level less of nesting for the
        # page's height to settle through when it is rebuilt.
        self.cards = cards
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_S)
        layout.addWidget(self.toggle)
        for card in cards:
            layout.addWidget(card)
        self.toggle.toggled.connect(self._set_open)
        self.toggle.setChecked(open_)
        self._set_open(open_)

    def _set_open(self, open_: bool) -> None:
        for card in self.cards:
            card.setVisible(open_)
        self.toggle.setIcon(icon("chevron-open" if open_ else "chevron-right"))
        text = t("gui.results.section", self.lang, title=self.group.title, count=len(self.group.items))
        label_button(self.toggle, text)
        state = t("gui.results.section_open" if open_ else "gui.results.section_closed", self.lang)
        self.toggle.setAccessibleDescription(state)

    @property
    def is_open(self) -> bool:
        return self.toggle.isChecked()


class ResultsPage(Page):
    # The actions. Adding one: a signal here, a button in __init__ (its place in the row is its place on screen),
    # its label in retranslate; then connect the signal in main_window._connect to what does the work.
    guided_requested = Signal()
    case_sheet_requested = Signal()
    print_requested = Signal()
    keep_requested = Signal()
    sent_requested = Signal()
    new_check_requested = Signal()
    open_pack_requested = Signal()  # "Open a data file…" under a detail that could not be checked
    confirm_publisher_requested = Signal()  # a data file turned down: ask about its publisher again, then check
    done_changed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # At a glance.
        self.verdict = Verdict()
        self.summary = self.verdict.text  # the verdict sentence (the name other code and tests know it by)
        self.notes = SecureLabel()
        self.notes.setObjectName("planNotes")
        self.statuses = IdentifierStatusList()  # one answer per typed detail: found, not found, not checked
        self.statuses.open_pack_requested.connect(self.open_pack_requested)
        self.statuses.confirm_publisher_requested.connect(self.confirm_publisher_requested)
        self.problems = ErrorLabel()
        self.leaks = LeakList()
        self.today = TodayBox()
        self.guided_button = self.today.guided_button
        # The other actions, then how they went.
        self.case_sheet_button = button("caseSheetButton")
        self.print_button = button("printButton")
        self.keep_button = button("keepButton")
        self.sent_button = button("sentButton")
        self.new_check_button = button("newCheckButton")
        self.status = SecureLabel()  # outcome of saving a case sheet or keeping the check
        self.status.setObjectName("resultsStatus")
        self.status.hide()
        self.prompts = Slot()
        self.contact = SecureLabel()  # an NGO profile's "who can help" block, when there is one
        self.contact.setObjectName("resultsContact")
        self.contact.hide()
        self.contact_lines: Callable[[str], tuple[str, ...]] = lambda _lang: ()
        # The full plan, what was found, what leaked.
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 0, 0)

        for widget in (self.verdict, self.notes, self.statuses, self.problems, self.leaks, self.today):
            self.body.addWidget(widget)
        actions = FlowLayout()
        for action in (self.case_sheet_button, self.print_button, self.keep_button, self.sent_button,
                       self.new_check_button):
            actions.addWidget(action)
        self.body.addLayout(actions)
        self.body.addWidget(self.status)
        self.body.addLayout(self.prompts)
        self.body.addWidget(self.contact)
        self.body.addWidget(self.content)
        self.body.addStretch(1)
        self.today.guided_requested.connect(self.guided_requested)
        self.case_sheet_button.clicked.connect(self.case_sheet_requested)
        self.print_button.clicked.connect(self.print_requested)
        self.keep_button.clicked.connect(self.keep_requested)
        self.sent_button.clicked.connect(self.sent_requested)
        self.new_check_button.clicked.connect(self.new_check_requested)
        self.plan: Plan | None = None
        self.report: Report | None = None
        self.sent_known = True  # False for a re-opened check: what was sent is not kept with it
        self.done: set[str] = set()
        self.source_problems: tuple[UserError, ...] = ()  # sources that could not even be opened (a damaged pack)
        self.item_cards: list[QWidget] = []
        self.breach_cards: list[QWidget] = []
        self.sections: list[PlanSection] = []
        self.leaks.hide()
        self.today.hide()

    def show_plan(self, plan: Plan, report: Report | None, done: set[str], *, sent_known: bool | None = None) -> None:
        """`sent_known`: False for a check re-opened from the vault, which does not keep what was sent; the page
        that says what left this computer would then claim "nothing" for online sources too, so it is not offered.
        None keeps what was said for the same report (a language switch re-shows it) and means True for a new one."""
        if sent_known is None:
            sent_known = self.sent_known if report is self.report else True
        self.plan, self.report, self.done = plan, report, done
        self.sent_known = sent_known
        self.show_status("")
        self.retranslate(plan.lang)

    # --- slots ------------------------------------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        accessibility.announce(self, text)  # "Kept", "Saved to …": heard without the focus moving

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
        self.show_status("")
        self.problems.show_message("")
        self.statuses.show_report(None, self.lang)
        self.leaks.show_leaks((), None, self.lang, False)
        empty_layout(self.today.list)
        self.today.lines = []
        self.today.hide()

    def _clear_content(self) -> None:
        empty_layout(self.content_layout)
        self.item_cards, self.breach_cards, self.sections = [], [], []

    def _add(self, widget: QWidget) -> None:
        self.content_layout.addWidget(widget)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        label_button(self.case_sheet_button, t("gui.results.case_sheet", lang))
        label_button(self.print_button, t("gui.results.print", lang))
        label_button(self.keep_button, t("gui.results.keep", lang))
        label_button(self.sent_button, t("gui.results.sent", lang))
        label_button(self.new_check_button, t("gui.results.new_check", lang))
        label_button(self.guided_button, t("gui.results.guided", lang))
        self.prompts.retranslate(lang)
        self.sent_button.setVisible(self.report is not None and self.sent_known)
        self.keep_button.setVisible(self.report is not None)  # a questionnaire plan holds nothing to keep
        lines = self.contact_lines(lang)
        self.contact.setText(t("gui.results.contact", lang, contact="\n".join(lines)) if lines else "")
        self.contact.setVisible(bool(lines) and self.plan is not None)
        if self.plan is None:
            return
        plan = self.plan
        self._clear_content()
        moved = self.verdict.show_plan(plan)
        notes = [moved] if moved else []
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
        self.leaks.show_leaks(plan.breaches, self.report, lang, plan.estimate)
        self.today.show_plan(plan, self.done)
        self.today.setVisible(True)
        # The full plan: groups due today open, later ones closed.
        if plan.groups:
            self._add(Section(t("gui.results.full_plan", lang)))
        # Open: the groups due today, or the first group when nothing is due today.
        opened = {g.when for g in plan.groups if g.when in TODAY_WHENS} or {g.when for g in plan.groups[:1]}
        for group in plan.groups:
            cards: list[QWidget] = []
            for item in group.items:
                card = item_card(item, lang, item.id in self.done, self.done_changed.emit)
                self.item_cards.append(card)
                cards.append(card)
            section = PlanSection(group, lang, cards, open_=group.when in opened)
            self.sections.append(section)
            self._add(section)
        self._show_findings(lang)
        if plan.breaches:
            self._add(Section(t("gui.results.what_leaked", lang)))
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
        self._add(Section(t("gui.results.found_title", lang)))
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
            # The masked hint stays on one line ("+86 138 **** 8000" broken in two is hard to recognise): its spaces
            # do not break, while the line may still wrap before it, so a long translation never widens the page.
            hint = exposure.hint.replace(" ", "\u00a0")
            grid.addWidget(SecureLabel(t("gui.results.found_hint", lang, type=kind, hint=hint)), row, 0)
            grid.addWidget(SecureLabel(text), row, 1)
        grid.setColumnStretch(1, 1)
        self._add(holder)
