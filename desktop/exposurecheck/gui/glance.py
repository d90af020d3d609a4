"""The top of the results page, what a person takes in during the first minute (issue 12.3): the verdict in one
sentence, how urgent it is (words, an icon and a colour), each leak that matched with the kinds of their data it
held, and "do these N things today" with the way into guided mode.

N is `Plan.today_items()`: the count in the plan's summary and the one guided mode counts down. Everything comes
from the plan and the report, both already in the person's language; none of it is an identifier.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from exposurecheck.core.advice import LeakedBreach, Plan, PlanItem
from exposurecheck.core.advice.plan import distinct_class_labels, item_words, join_words, todo_sentence
from exposurecheck.core.advice.unchecked import KIND_CLASSES, unchecked_sentence
from exposurecheck.core.catalog import label_for_class
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Report
from exposurecheck.gui.pages.base import button, label_button, primary
from exposurecheck.gui.style import SPACE_M, SPACE_S, VERDICT_SCALE, column_width, scaled_font
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import IconLabel, SecureLabel, Title, empty_layout

# "presumed": the only steps due rest on what is known about large leaks, not on a match (a kind of detail nothing
# here could check). Said in words ("Suggested for everyone after large leaks") and in a calm style, never as
# "Urgent": nothing was found about this person, and the page must not say more than we know.
URGENCY_LEVELS = ("urgent", "high", "medium", "low", "presumed")
# When the first thing to do is due says how urgent the whole plan is: "now" items are the urgent ones (a caller
# may be on the line), "today" ones important, "this week" ones soon, and everyday habits not urgent at all.
_URGENCY_BY_WHEN = {"now": "urgent", "today": "high", "this_week": "medium", "ongoing": "low"}
MAX_LEAK_ROWS = 3  # more leaks than this: the first ones here, all of them in "What leaked" further down
MAX_TODAY_ROWS = 6
MAX_CLASSES = 5  # kinds of data named per leak, besides the person's own


def urgency_of(plan: Plan) -> str:
    """How urgent the plan is, one of URGENCY_LEVELS, from when its first item is due.

    Steps that only presumed exposure put in the plan (`PlanItem.presumed`: a detail that could not be checked)
    never make it urgent: then it is as urgent as the first step a match (or the person's own answers) put there,
    and "presumed" when there is none. Everyday steps that nothing in particular triggered do not count as a
    match either, so a plan of presumed steps and everyday habits is "presumed", not "nothing urgent"."""
    if not any(item.presumed for item in plan.items()):
        for group in plan.groups:
            if group.items:
                return _URGENCY_BY_WHEN.get(group.when, "low")
        return "low"
    for group in plan.groups:
        if any(not item.presumed and item.triggered_by for item in group.items):
            return _URGENCY_BY_WHEN.get(group.when, "low")
    return "presumed"


def verdict_of(plan: Plan) -> tuple[str, str]:
    """The verdict, in one sentence where the summary has more, and the sentence moved out of it ("" if none).

    Left out, because the page says it right under the verdict: the closing "Do these N things today." (the box
    below, with the list), for an estimate "This is an estimate, not a check." (the note), and, when something was
    found, "We could not check your phone number, so …" (returned, for the note; the answers per detail say it
    too). With nothing found, that sentence is the verdict itself."""
    summary = plan.summary.strip()
    endings = [todo_sentence(plan.groups, plan.lang)]
    if plan.estimate:
        endings.append(tr("advice.summary.estimate", plan.lang))
    for ending in endings:
        if ending and summary.endswith(ending) and summary != ending:
            summary = summary[: -len(ending)].rstrip()
    moved = ""
    if plan.unchecked:
        sentence = unchecked_sentence([IdentifierType(kind) for kind in plan.unchecked], plan.lang)
        rest = summary.replace(sentence, "").strip()
        if sentence in summary and rest:
            summary, moved = rest, sentence
    return summary, moved


def item_title(item: PlanItem, lang: str) -> str:
    """An item's title as every screen shows it: marked when it rests on large leaks rather than on a match."""
    return t("outcome.item_presumed", lang, title=item.title) if item.presumed else item.title


def _in_sentence(label: str, lang: str) -> str:
    """A catalog label ("Physical addresses") inside an English sentence: lower case, acronyms ("IP") kept."""
    if lang == "en" and len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _year(date: str) -> str:
    return date[:4] if len(date) >= 4 and date[:4].isdigit() else ""


def leak_line(breach: LeakedBreach, report: Report | None, lang: str) -> tuple[str, str]:
    """The leak's name and year, and the kinds of the person's data it held, in words."""
    year = _year(breach.date)
    with_year = year and year not in breach.title  # "Shanghai police database (2022)" says it already
    name = t("gui.glance.leak_name", lang, title=breach.title, year=year) if with_year else breach.title
    if breach.demo:
        name = t("gui.results.demo_prefix", lang, text=name)
    kinds = [e.type for e in (report.exposures if report else ()) if breach.id in e.breaches]
    words, named = item_words([k.value for k in kinds], lang)
    # The leak's other kinds of data (the plan already gives them as labels in its language), each once, leaving
    # out those just named as the person's.
    own = {label_for_class(c, lang) for kind in kinds for c in KIND_CLASSES[kind]}
    labels = [_in_sentence(label, lang) for label in distinct_class_labels(breach.data_classes, lang)
              if label not in own]
    if len(labels) > MAX_CLASSES:  # the full list is under "What leaked"; here the first few, "and more"
        listed = tr("advice.join.sep", lang).join(labels[:MAX_CLASSES])
        classes = t("gui.glance.classes_more", lang, classes=listed)
    else:
        classes = join_words(labels, lang)
    if named and labels:
        held = t("gui.glance.held_yours_and", lang, items=words, classes=classes)
    elif named:
        held = t("gui.glance.held_yours", lang, items=words)
    elif labels:
        held = t("gui.glance.held", lang, classes=classes)
    else:
        held = ""
    return name, held


class Verdict(QWidget):
    """The verdict sentence, the largest text on the page, and under it how urgent the plan is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("glanceVerdict")
        self.text = SecureLabel()
        self.text.setObjectName("verdict")
        self.text.setFont(scaled_font(self.text, VERDICT_SCALE))
        self.urgency = QFrame()
        self.urgency.setObjectName("urgency")
        self.urgency_icon = IconLabel(size=28)
        self.urgency_text = SecureLabel()
        self.urgency_text.setObjectName("urgencyText")
        row = QHBoxLayout(self.urgency)
        row.setContentsMargins(SPACE_M, SPACE_S, SPACE_M, SPACE_S)
        row.setSpacing(SPACE_S)
        row.addWidget(self.urgency_icon, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.urgency_text, 1)
        urgency_row = QHBoxLayout()
        urgency_row.addWidget(self.urgency)
        urgency_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_M)
        layout.addWidget(self.text)
        layout.addLayout(urgency_row)
        self.level = "low"

    def show_plan(self, plan: Plan) -> str:
        """Show the verdict and urgency of `plan`; returns the sentence moved out of the verdict, for the notes."""
        verdict, moved = verdict_of(plan)
        self.text.setText(verdict)
        self.level = urgency_of(plan)
        self.urgency.setProperty("level", self.level)
        self.urgency.style().unpolish(self.urgency)
        self.urgency.style().polish(self.urgency)
        for child in self.urgency.findChildren(QWidget):  # the label's colour follows its frame's level
            child.style().unpolish(child)
            child.style().polish(child)
        self.urgency_icon.set_icon(f"urgency-{self.level}")
        words = t(f"gui.glance.urgency.{self.level}", plan.lang)
        self.urgency_text.setText(words)
        # On one line when it fits in a good part of the column: a word-wrapping label asks for a narrow box of its
        # own accord, which broke "Suggested for everyone after large leaks" into three short lines.
        one_line = self.urgency_text.fontMetrics().horizontalAdvance(words) + SPACE_S
        self.urgency_text.setMinimumWidth(min(one_line, column_width() * 3 // 5))
        self.urgency.setAccessibleName(words)
        return moved


class LeakList(QFrame):
    """Each leak that matched: its plain name and year, and what of the person's it held."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("glanceLeaks")
        self.heading = Title()
        self.heading.setObjectName("glanceLeaksHeading")
        self.rows = QGridLayout()
        self.rows.setHorizontalSpacing(SPACE_M)
        self.rows.setVerticalSpacing(SPACE_S)
        self.rows.setColumnStretch(1, 1)
        self.more = SecureLabel()
        self.more.setObjectName("quiet")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_M + 4, SPACE_M, SPACE_M + 4, SPACE_M)
        layout.setSpacing(SPACE_S)
        layout.addWidget(self.heading)
        layout.addLayout(self.rows)
        layout.addWidget(self.more)
        self.names: list[SecureLabel] = []
        self.helds: list[SecureLabel] = []

    def show_leaks(self, breaches: Iterable[LeakedBreach], report: Report | None, lang: str,
                   estimate: bool) -> None:
        empty_layout(self.rows)
        self.names, self.helds = [], []
        breaches = tuple(breaches)
        key = "gui.glance.leaks_estimate" if estimate else "gui.glance.leaks"
        self.heading.setText(t(key, lang, count=len(breaches)))
        for row, breach in enumerate(breaches[:MAX_LEAK_ROWS]):
            name, held = leak_line(breach, report, lang)
            if estimate:  # nothing matched: the leaks by name only; what each held is under "What leaked"
                held = ""
            icon = IconLabel("leak", 24)
            title = SecureLabel(name)
            title.setObjectName("glanceLeakName")
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            classes = SecureLabel(held)
            classes.setObjectName("glanceLeakClasses")
            holder = QWidget()  # first, so nothing below is ever a window of its own, not even for a moment
            text = QVBoxLayout(holder)
            text.setContentsMargins(0, 0, 0, 0)
            text.setSpacing(0)
            text.addWidget(title)
            text.addWidget(classes)
            classes.setVisible(bool(held))
            holder.setAccessibleName(f"{name}. {held}".strip())
            self.rows.addWidget(icon, row, 0, Qt.AlignmentFlag.AlignTop)
            self.rows.addWidget(holder, row, 1)
            self.names.append(title)
            self.helds.append(classes)
        hidden = len(breaches) - MAX_LEAK_ROWS
        self.more.setText(t("gui.glance.more_leaks", lang, count=hidden) if hidden > 0 else "")
        self.more.setVisible(hidden > 0)
        self.setVisible(bool(breaches))


class TodayBox(QFrame):
    """ "Do these N things today", the things by code and title, and the button into guided mode."""

    guided_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("glanceToday")
        self.heading = Title()
        self.heading.setObjectName("glanceTodayHeading")
        self.list = QVBoxLayout()
        self.list.setSpacing(2)
        self.more = SecureLabel()
        self.more.setObjectName("quiet")
        self.guided_button = primary(button("guidedButton"))
        self.guided_button.clicked.connect(self.guided_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.guided_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_M + 4, SPACE_M, SPACE_M + 4, SPACE_M)
        layout.setSpacing(SPACE_S)
        layout.addWidget(self.heading)
        layout.addLayout(self.list)
        layout.addWidget(self.more)
        layout.addLayout(buttons)
        self.count = 0
        self.lines: list[SecureLabel] = []

    def show_plan(self, plan: Plan, done: set[str]) -> None:
        lang = plan.lang
        empty_layout(self.list)
        today = plan.today_items()
        self.count = len(today)
        self.lines = []
        if today:
            self.heading.setText(t("gui.glance.today", lang, count=len(today)))
        else:
            self.heading.setText(t("gui.glance.today_none", lang))
        # Items resting on large leaks rather than a match are marked, unless all of them are: the verdict right
        # above says so then, once, instead of on every line.
        mark_presumed = not all(item.presumed for item in today)
        for number, item in enumerate(today[:MAX_TODAY_ROWS], start=1):
            mark = "✓" if item.id in done else f"{number}."
            title = item_title(item, lang) if mark_presumed else item.title
            line = SecureLabel(t("gui.glance.today_item", lang, n=mark, code=item.code, title=title))
            line.setObjectName("glanceTodayItem")
            self.lines.append(line)
            self.list.addWidget(line)
        hidden = len(today) - MAX_TODAY_ROWS
        self.more.setText(t("gui.glance.more_today", lang, count=hidden) if hidden > 0 else "")
        self.more.setVisible(hidden > 0)
        label_button(self.guided_button, t("gui.results.guided", lang))
        self.guided_button.setVisible(bool(plan.items()))
