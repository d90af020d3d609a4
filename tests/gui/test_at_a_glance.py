"""Issue 12.3: the results at a glance, at 1024×768 with the app's real fonts, without scrolling, in both languages:
the verdict as the largest text, each leak that matched (plain name and year) with the kinds of the person's data it
held in words, how urgent in words + icon + colour, and "Do these N things today" with N what guided mode counts.
The full plan follows; groups due later start closed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.gui.glance import urgency_of
from exposurecheck.gui.style import MIN_BODY_POINTS, apply_base_font
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource
from tests.gui.test_accessibility import text_contrast

EMAIL = "someone@example.org"
PHONE_WORDS = {"en": "phone number", "zh_CN": "手机号"}
EMAIL_WORDS = {"en": "email address", "zh_CN": "邮箱"}


@pytest.fixture
def app_font() -> Iterator[None]:
    """The font the app itself starts with (at least 14 pt), not the test runner's smaller default."""
    app = QApplication.instance()
    original = app.font()
    apply_base_font(app)
    assert app.font().pointSizeF() >= MIN_BODY_POINTS
    yield
    app.setFont(original)


def _check(qtbot, make_window, lang: str, known: dict[str, tuple[str, ...]] | None,
           typed: dict[IdentifierType, str]):
    """Check `typed` against an offline source knowing `known` (None: no data source at all)."""
    window = make_window(lambda _t: [] if known is None else [ListSource(known)], lang=lang)
    window.show_page(window.details)
    for kind, value in typed.items():
        window.details.fields[kind].edit.setText(value)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    QApplication.processEvents()
    return window


def _in_view(window, widget: QWidget) -> bool:
    """The whole widget is inside the visible part of the page, with the page scrolled to its top."""
    area = window._wrappers[window.results]
    viewport = area.viewport()
    assert area.verticalScrollBar().value() == 0
    rect = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
    return widget.isVisible() and viewport.rect().contains(rect)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_everything_that_matters_fits_without_scrolling(qtbot, make_window, app_font, lang):
    window = _check(qtbot, make_window, lang,
                    {PHONE_CANONICAL: ("shanghai_police_2022",), EMAIL: ("huazhu_2018",)},
                    {IdentifierType.PHONE: PHONE_RAW, IdentifierType.EMAIL: EMAIL})
    assert (window.width(), window.height()) == (1024, 768)
    results, plan = window.results, window.session.plan

    # The verdict: one sentence, and the largest text in the window.
    verdict = results.verdict.text
    assert _in_view(window, verdict) and verdict.text()
    assert verdict.text().count("." if lang == "en" else "。") == 1
    sizes = [label.font().pointSizeF() for label in window.findChildren(QLabel)
             if label.isVisible() and label.text() and label is not verdict]
    assert verdict.font().pointSizeF() > max(sizes)

    # How urgent: words, an icon and a colour, all three.
    level = urgency_of(plan)
    assert level == "urgent"  # a phone number in a police leak: "never read out a code" is due now
    assert _in_view(window, results.verdict.urgency)
    assert results.verdict.urgency_text.text() in {"Urgent: start now", "紧急：现在就开始"}
    assert results.verdict.urgency_icon.icon_name == "urgency-urgent"
    assert not results.verdict.urgency_icon.pixmap().isNull()
    frame = results.verdict.urgency
    background = frame.grab().toImage().pixelColor(frame.width() // 2, 2)
    assert background != QColor("#ffffff") and background.red() > background.green(), "a red-tinted box"

    # Each leak that matched: its plain name and year, and what of the person's it held, in words.
    assert [label.text() for label in results.leaks.names] == [
        {"en": "Shanghai police database (2022)", "zh_CN": "上海警方数据库泄露（2022年）"}[lang],
        {"en": "Huazhu hotels (2018)", "zh_CN": "华住酒店数据泄露（2018年）"}[lang],
    ]
    held_police, held_hotels = (label.text() for label in results.leaks.helds)
    assert PHONE_WORDS[lang] in held_police and EMAIL_WORDS[lang] not in held_police
    assert EMAIL_WORDS[lang] in held_hotels
    for label in (*results.leaks.names, *results.leaks.helds):
        assert _in_view(window, label), label.text()

    # "Do these N things today": N is the summary's count and guided mode's, and the way in is right there.
    today = plan.today_items()
    assert today and results.today.count == len(today)
    assert str(len(today)) in results.today.heading.text()
    assert len(results.today.lines) == len(today)
    for widget in (results.today.heading, *results.today.lines, results.guided_button):
        assert _in_view(window, widget), getattr(widget, "text", lambda: "")()
    results.guided_button.click()
    progress = window.guided.view.progress_label.text()
    assert f"0 of {len(today)}" in progress or f"{len(today)}件事已完成0件" in progress

    # The full plan follows: today's groups open, later ones closed behind a button that says how many.
    sections = {s.group.when: s for s in results.sections}
    assert sections["now"].is_open and sections["today"].is_open
    assert not sections["this_week"].is_open and not sections["this_week"].cards[0].isVisible()
    assert str(len(sections["this_week"].group.items)) in sections["this_week"].toggle.text()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_no_data_path_fits_too(qtbot, make_window, app_font, lang):
    """Nothing here holds phone or ID numbers: each detail says so, and today's steps are still there."""
    window = _check(qtbot, make_window, lang, None, {IdentifierType.PHONE: PHONE_RAW,
                                                    IdentifierType.CN_ID: "11010519491231002X"})
    results = window.results
    assert all(s.outcome.value == "not_checked" for s in window.session.report.identifiers)
    for widget in (results.verdict.text, results.verdict.urgency, *results.statuses.lines, results.today.heading,
                   results.guided_button):
        assert _in_view(window, widget)
    assert not results.leaks.isVisible(), "no leak is named when nothing matched"


PRESUMED_WORDS = {"en": "Suggested for everyone after large leaks", "zh_CN": "大型泄露之后，建议每个人都这样做"}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_presumed_steps_alone_are_never_called_urgent(qtbot, make_window, app_font, lang):
    """Nothing could check what was typed, so nothing was found: the steps due now rest on large leaks, not on a
    match. The badge says exactly that, in words, a calm colour and its own icon, never "Urgent: start now"."""
    window = _check(qtbot, make_window, lang, None, {IdentifierType.PHONE: PHONE_RAW,
                                                    IdentifierType.CN_ID: "11010519491231002X"})
    results, plan = window.results, window.session.plan
    assert plan.groups[0].when == "now" and all(item.presumed for item in plan.groups[0].items)
    assert urgency_of(plan) == "presumed"
    words = results.verdict.urgency_text.text()
    assert words == PRESUMED_WORDS[lang]
    assert not any(alarm in words for alarm in ("Urgent", "Important", "紧急", "重要"))
    assert results.verdict.urgency_icon.icon_name == "urgency-presumed"
    assert not results.verdict.urgency_icon.pixmap().isNull()
    assert words in results.accessibleName(), "a screen reader hears the same words after the verdict"
    frame = results.verdict.urgency
    image = frame.grab().toImage()
    background = image.pixelColor(frame.width() // 2, 2)
    assert background.blue() > background.red(), "a calm blue-grey box, not the red of an urgent one"
    label = results.verdict.urgency_text
    ratio = text_contrast(image, QRect(label.mapTo(frame, QPoint(0, 0)), label.size()))
    assert ratio is not None and ratio[0] >= 4.5, ratio


class EmailOnly(ListSource):
    """An offline source that holds email addresses only: a phone number typed beside one cannot be checked."""

    accepts = frozenset({IdentifierType.EMAIL})


def _mixed(qtbot, make_window, lang: str, known: dict[str, tuple[str, ...]]):
    window = make_window(lambda _t: [EmailOnly(known)], lang=lang)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.fields[IdentifierType.EMAIL].edit.setText(EMAIL)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    return window


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_match_keeps_its_own_urgency_beside_presumed_steps(qtbot, make_window, lang):
    """The email address was in a leak of emails and passwords ("today"); the phone number could not be checked,
    and its presumed "now" step comes first. How urgent is the match's own level, not the presumed step's."""
    window = _mixed(qtbot, make_window, lang, {EMAIL: ("netease_2015",)})
    plan = window.session.plan
    first = plan.groups[0]
    assert first.when == "now" and all(item.presumed for item in first.items)
    assert urgency_of(plan) == "high"
    assert window.results.verdict.urgency_text.text() in {"Important: do it today", "重要：今天就做"}
    assert window.results.verdict.urgency_icon.icon_name == "urgency-high"


def test_a_match_that_is_urgent_stays_urgent_beside_presumed_steps(qtbot, make_window):
    window = _mixed(qtbot, make_window, "en", {EMAIL: ("huazhu_2018",)})  # the hotel leak held phone numbers too
    assert window.session.plan.unchecked == ("phone",)
    assert window.results.verdict.urgency_text.text() == "Urgent: start now"


def test_not_found_beside_an_unchecked_detail_is_presumed_not_nothing_urgent(qtbot, make_window):
    """The email address was checked and not found, the phone number could not be checked: its steps are the
    presumed ones, so neither "Urgent" (nothing matched) nor "Not urgent" (the phone was never checked)."""
    window = _mixed(qtbot, make_window, "en", {})
    assert urgency_of(window.session.plan) == "presumed"
    assert window.results.verdict.urgency_text.text() == PRESUMED_WORDS["en"]


def test_nothing_found_is_not_urgent(qtbot, make_window, app_font):
    window = _check(qtbot, make_window, "en", {}, {IdentifierType.EMAIL: EMAIL})
    assert window.results.verdict.urgency_text.text() in {"Not urgent", "Soon: within this week"}
    assert not window.results.leaks.isVisible()


def test_building_the_results_never_flashes_a_window(qtbot, make_window):
    """Every widget of the results is placed before it is shown: none becomes a window of its own, not even for a
    moment (a stray label shown without a parent once took the keyboard focus away from the page)."""
    window = _check(qtbot, make_window, "en", {PHONE_CANONICAL: ("shanghai_police_2022",)},
                    {IdentifierType.PHONE: PHONE_RAW})
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
    assert shown == []
    assert QApplication.activeWindow() is window


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_verdict_stays_one_sentence_when_part_could_not_be_checked(qtbot, make_window, lang):
    window = make_window(lambda _t: [EmailOnly({EMAIL: ("huazhu_2018",)})], lang=lang)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.fields[IdentifierType.EMAIL].edit.setText(EMAIL)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    verdict = window.results.verdict.text.text()
    assert verdict.count("." if lang == "en" else "。") == 1, verdict
    assert EMAIL_WORDS[lang] in verdict
    # The sentence about the phone number moved under it, beside the answer for each detail.
    notes = window.results.notes.text()
    assert PHONE_WORDS[lang] in notes and notes.split("\n")[0] in window.session.plan.summary
