"""Each plan card says how urgent it is in words and an icon, not only by the colour of its edge (WCAG 1.4.1), in
both languages: the badge's words for the same level, and for a step that only large leaks put in the plan the
badge's "suggested for everyone after large leaks", never "Urgent" (nothing about this person was found)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel, QWidget

from exposurecheck.core.advice.content import bundled_entries
from exposurecheck.core.advice.model import SEVERITY_ORDER
from exposurecheck.core.advice.plan import select_items
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.gui.glance import URGENCY_LEVELS
from exposurecheck.gui.plan_cards import item_card
from exposurecheck.gui.text import t
from tests.gui.conftest import PHONE_CANONICAL
from tests.gui.test_accessibility import text_contrast
from tests.gui.test_at_a_glance import _check, _mixed

LANGS = ("en", "zh_CN")
CN_ID = "11010519491231002X"
ALARMS = ("Urgent", "Important", "紧急", "重要")


def _tag(card: QWidget) -> tuple[QWidget, QLabel, str]:
    """A card's urgency tag, its words and its icon's name."""
    tag = card.findChild(QWidget, "cardUrgency")
    assert tag is not None
    words = tag.findChild(QLabel, "cardUrgencyText")
    icon = next(label for label in tag.findChildren(QLabel) if label.objectName() == "icon")
    return tag, words, icon.icon_name


@pytest.mark.parametrize("lang", LANGS)
def test_the_card_words_are_the_badge_words_for_the_same_level(lang):
    """"Important" on a card, "Important: do it today" on the badge: the card keeps the level and leaves the timing
    to its group's heading ("This week"); "presumed" is the badge's sentence whole."""
    for level in URGENCY_LEVELS:
        badge = t(f"gui.glance.urgency.{level}", lang)
        card = t(f"gui.results.urgency.{level}", lang)
        assert card == re.split("[:：]", badge)[0].strip(), (level, card, badge)
    assert t("gui.results.urgency.presumed", lang) == t("gui.glance.urgency.presumed", lang)
    assert set(SEVERITY_ORDER) <= set(URGENCY_LEVELS)  # every item severity has badge words


@pytest.mark.parametrize("lang", LANGS)
def test_every_card_says_its_urgency_in_words_above_its_title(qtbot, lang):
    entries = bundled_entries(lang)
    items = select_items(entries, {c for entry in entries for c in entry.data_classes})
    assert len(items) > 30 and {item.severity for item in items} == set(SEVERITY_ORDER)
    for item in items:
        card = item_card(item, lang, False, lambda _id, _done: None)
        qtbot.addWidget(card)
        tag, words, icon = _tag(card)
        assert words.text() == t(f"gui.results.urgency.{item.severity}", lang), item.code
        assert icon == f"urgency-{item.severity}"
        assert card.property("urgency") == item.severity == tag.property("level")  # the edge's colour, the same level
        layout = card.layout()
        title = next(label for label in card.findChildren(QLabel) if label.objectName() == "title")
        assert layout.indexOf(tag) == 0 < layout.indexOf(title), "a tag above the title"
        assert card.accessibleName().startswith(item.code)  # the screen reader's group name is still the title
        box = next(w for w in card.findChildren(QWidget) if w.objectName() == "markDone")
        description = box.accessibleDescription()
        assert description.splitlines()[1] == words.text()  # heard right after the title, once
        assert description.count(words.text() + "\n") == 1


def _cards_shown(window) -> list[QWidget]:
    return [card for card in window.results.item_cards if card.isVisible()]


def _tag_contrast(card: QWidget) -> float:
    _tag_widget, words, _icon = _tag(card)
    image = card.grab().toImage()
    found = text_contrast(image, QRect(words.mapTo(card, QPoint(0, 0)), words.size()))
    assert found is not None, words.text()
    return found[0]


@pytest.mark.parametrize("lang", LANGS)
def test_the_results_page_shows_each_card_urgency_readably(qtbot, make_window, lang):
    """A real check with a match: every card on screen shows its level in words, legible (4.5:1), with its icon."""
    window = _check(qtbot, make_window, lang, {PHONE_CANONICAL: ("shanghai_police_2022",)},
                    {IdentifierType.PHONE: "138 0013 8000"})
    cards = _cards_shown(window)
    assert cards
    levels = set()
    for card in cards:
        tag, words, icon = _tag(card)
        assert tag.isVisible() and words.text() and words.font().bold()
        assert not next(lbl for lbl in tag.findChildren(QLabel) if lbl.objectName() == "icon").pixmap().isNull()
        assert icon == f"urgency-{card.property('urgency')}"
        assert _tag_contrast(card) >= 4.5, (card.property("code"), words.text())
        levels.add(card.property("urgency"))
    assert "urgent" in levels and len(levels) >= 2  # "never read out a code" is urgent, the rest less so
    assert "presumed" not in levels  # everything here rests on the match


@pytest.mark.parametrize("lang", LANGS)
def test_cards_of_presumed_steps_say_so_and_never_urgent(qtbot, make_window, lang):
    """Nothing could check the phone or ID number: each card says "suggested for everyone after large leaks" like
    the badge and the title's "(from large leaks, not a match)", in the badge's calm slate blue, edge included."""
    window = _check(qtbot, make_window, lang, None, {IdentifierType.PHONE: "138 0013 8000",
                                                    IdentifierType.CN_ID: CN_ID})
    presumed = {item.code for item in window.session.plan.items() if item.presumed}
    assert presumed
    badge = window.results.verdict.urgency_text.text()
    mark = t("outcome.item_presumed", lang, title="").strip()
    seen = 0
    for card in _cards_shown(window):
        if card.property("code") not in presumed:
            continue
        seen += 1
        _tag_widget, words, icon = _tag(card)
        assert words.text() == badge == t("gui.results.urgency.presumed", lang)
        assert not any(alarm in words.text() for alarm in ALARMS)
        assert icon == "urgency-presumed" and card.property("urgency") == "presumed"
        assert mark in card.accessibleName()  # the title says it too
        assert not words.font().bold()  # calm: normal weight, as the badge
        edge = card.grab().toImage().pixelColor(2, card.height() // 2)
        assert edge.blue() > edge.red() + 40, edge.name()  # slate blue, not the red or orange of a match
        assert _tag_contrast(card) >= 4.5
    assert seen >= 2


@pytest.mark.parametrize("lang", LANGS)
def test_beside_presumed_steps_a_match_card_keeps_its_own_level(qtbot, make_window, lang):
    window = _mixed(qtbot, make_window, lang, {"someone@example.org": ("netease_2015",)})
    plan = window.session.plan
    by_code = {item.code: item for item in plan.items()}
    levels = {}
    for card in window.results.item_cards:
        item = by_code[card.property("code")]
        _tag_widget, words, _icon = _tag(card)
        expected = "presumed" if item.presumed else item.severity
        assert words.text() == t(f"gui.results.urgency.{expected}", lang), item.code
        levels[item.presumed] = levels.get(item.presumed, set()) | {expected}
    assert levels[True] == {"presumed"} and "presumed" not in levels[False]


def test_the_card_words_follow_a_language_switch(qtbot, make_window):
    window = _check(qtbot, make_window, "en", {PHONE_CANONICAL: ("shanghai_police_2022",)},
                    {IdentifierType.PHONE: "138 0013 8000"})
    before = [(card.property("code"), _tag(card)[1].text()) for card in window.results.item_cards]
    window.set_language("zh_CN")
    after = [(card.property("code"), _tag(card)[1].text()) for card in window.results.item_cards]
    assert [code for code, _ in before] == [code for code, _ in after]
    zh_words = {t(f"gui.results.urgency.{level}", "zh_CN") for level in URGENCY_LEVELS}
    assert all(words in zh_words for _code, words in after)
    assert all(en != zh for (_c, en), (_d, zh) in zip(before, after, strict=True))
