"""The cards on the results page: one per plan item (with "mark as done") and one per leaked breach.

Every text on a card comes from advice data or the breach catalog, both of which may have been extended by an NGO
or a pack publisher, so all of it goes through plain-text labels.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from exposurecheck.core.advice import LeakedBreach, PlanItem
from exposurecheck.core.advice import step_text as advice_step_text
from exposurecheck.core.advice.plan import distinct_class_labels
from exposurecheck.gui import accessibility
from exposurecheck.gui.style import SPACE_L, SPACE_M, SPACE_S
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import IconLabel, SecureLabel, Title


def card_urgency(item: PlanItem) -> str:
    """How urgent one plan item is: its severity, or "presumed" when only large leaks put it in the plan (then never
    "urgent": nothing about this person was found), the same level names as the badge at the top of the page."""
    return "presumed" if item.presumed else item.severity


def _urgency_row(level: str, lang: str) -> QWidget:
    """How urgent, in words and an icon beside the card's coloured edge (WCAG 1.4.1: never colour alone). The words
    are the badge's for the same level, shortened to the level ("Important", not "Important: do it today": the
    group the card is in says when)."""
    row = QWidget()
    row.setObjectName("cardUrgency")
    row.setProperty("level", level)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(SPACE_S)
    layout.addWidget(IconLabel(f"urgency-{level}", 20), 0, Qt.AlignmentFlag.AlignVCenter)
    words = SecureLabel(t(f"gui.results.urgency.{level}", lang))
    words.setObjectName("cardUrgencyText")
    layout.addWidget(words, 1)
    return row


def _card(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setSpacing(SPACE_S)
    layout.setContentsMargins(SPACE_L + 4, SPACE_M, SPACE_L, SPACE_M)  # + the coloured edge on the left
    return frame, layout


def _line(layout: QVBoxLayout, text: str, name: str = "") -> SecureLabel:
    label = SecureLabel(text)
    if name:
        label.setObjectName(name)
    layout.addWidget(label)
    return label


def item_card(item: PlanItem, lang: str, done: bool, on_done: Callable[[str, bool], None]) -> QFrame:
    """A plan item: reference code and title, what and why, numbered steps, time needed, how to tell it worked."""
    frame, layout = _card("planItem")
    level = card_urgency(item)
    frame.setProperty("severity", item.severity)
    frame.setProperty("urgency", level)  # the coloured edge
    frame.setProperty("code", item.code)
    title_text = t("outcome.item_presumed", lang, title=item.title) if item.presumed else item.title
    title = Title(t("gui.results.item_title", lang, code=item.code, title=title_text))
    layout.addWidget(title)  # first: a screen reader names the card by it
    urgency = _urgency_row(level, lang)
    layout.insertWidget(0, urgency)  # on screen above the title, as a tag
    _line(layout, item.summary)
    _line(layout, t("gui.results.why", lang, why=item.why))
    steps = "\n".join(f"{n}. {advice_step_text(step, lang)}" for n, step in enumerate(item.steps, start=1))
    _line(layout, steps, "steps")
    _line(layout, t("gui.results.time_needed", lang, count=item.time_needed_min))
    if item.done_check:
        _line(layout, t("gui.results.done_check", lang, check=item.done_check))
    for contact in item.help:
        parts = [contact.label, contact.phone or "", contact.url or ""]
        official = t("gui.results.official", lang) if contact.official else ""
        _line(layout, t("gui.results.help", lang, contact=" · ".join(p for p in parts if p), official=official))
    box = QCheckBox(t("gui.results.mark_done", lang))
    box.setObjectName("markDone")
    box.setAccessibleName(t("gui.results.mark_done_for", lang, code=item.code))
    box.setChecked(done)
    box.toggled.connect(lambda checked, item_id=item.id: on_done(item_id, checked))
    layout.addWidget(box)
    # One unit for a screen reader: the card is a group named by its code and title, and "Mark as done" carries
    # the item's text, so it is heard with its item, starting with how urgent it is (the words of the tag).
    accessibility.read_as_one(frame, box, said_first=t(f"gui.results.urgency.{level}", lang))
    return frame


def breach_card(breach: LeakedBreach, lang: str) -> QFrame:
    """One breach in plain words: name and date, what happened, what kinds of data were in it."""
    frame, layout = _card("breachCard")
    heading = t("gui.results.breach_title", lang, title=breach.title, date=breach.date or "?")
    if breach.demo:
        heading = t("gui.results.demo_prefix", lang, text=heading)
    layout.addWidget(Title(heading))
    if breach.description:
        _line(layout, breach.description)
    if breach.data_classes:
        sep = "、" if lang == "zh_CN" else ", "
        # Each piece of data once: an HIBP class and its cn_* counterpart for the same thing are one.
        classes = sep.join(distinct_class_labels(breach.data_classes, lang))
        _line(layout, t("gui.results.breach_classes", lang, classes=classes), "breachClasses")
    accessibility.read_as_one(frame)
    return frame
