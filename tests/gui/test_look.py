"""Issue 12.10: a calm, consistent look. The content is a centred column of limited width; a clear type scale with
the verdict on top; the project's own SVG icons for each kind of detail and each level of urgency; one spacing
scale; every colour and border in resources/gui/app.qss, none inline."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QWidget

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.gui import style
from exposurecheck.gui.glance import URGENCY_LEVELS
from exposurecheck.gui.widgets import IconLabel
from exposurecheck.resources import resource_path
from tests.conftest import REPO
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource

SPACES = {0, style.SPACE_XS, style.SPACE_S, style.SPACE_M, style.SPACE_L, style.SPACE_XL}


def _results(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    return window


def test_the_content_is_a_centred_column_of_limited_width(qtbot, make_window):
    window = _results(qtbot, make_window)
    window.resize(1600, 1000)
    QApplication.processEvents()
    for page in (window.results, window.welcome, window.details):
        window.show_page(page)
        QApplication.processEvents()
        viewport = window._wrappers[page].viewport()
        left = page.mapTo(viewport, QPoint(0, 0)).x()
        right = viewport.width() - left - page.width()
        assert page.width() <= style.column_width() < viewport.width()
        assert abs(left - right) <= 1 and left > 100, (left, right)


def test_a_clear_type_scale_with_the_verdict_on_top(qtbot, make_window):
    assert style.VERDICT_SCALE > style.HEADING_SCALE > style.SECTION_SCALE > style.TITLE_SCALE > 1
    window = _results(qtbot, make_window)
    results = window.results
    body = QApplication.font().pointSizeF()
    section = next(w for w in results.findChildren(QWidget, "section") if w.isVisible())
    card_title = results.item_cards[0].findChild(QWidget, "title")
    sizes = [results.verdict.text.font().pointSizeF(), section.font().pointSizeF(), card_title.font().pointSizeF(),
             body]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 4, sizes


@pytest.mark.parametrize("name", [f"kind-{k.value}" for k in IdentifierType]
                         + [f"urgency-{level}" for level in URGENCY_LEVELS]
                         + ["status-found", "status-not_found", "status-not_checked", "leak", "publisher"])
def test_the_icons_are_bundled_svg(name):
    path = resource_path("gui", "icons", f"{name}.svg")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "<!--" in text, "drawn for the project, and says what it shows"
    assert QSvgRenderer(str(path)).isValid()
    assert "href" not in text and "<image" not in text, "self-contained: no linked or embedded pictures"


def test_each_detail_and_the_urgency_carry_their_icon(qtbot, make_window):
    window = _results(qtbot, make_window)
    icons = {label.icon_name for label in window.results.findChildren(IconLabel) if label.isVisible()}
    assert {"kind-phone", "kind-email", "status-found", "leak", "urgency-urgent"} <= icons
    for label in window.results.findChildren(IconLabel):
        if label.isVisible():
            assert not label.pixmap().isNull(), label.icon_name


def test_one_spacing_scale(qtbot, make_window):
    window = _results(qtbot, make_window)
    for page in window.pages:
        margins = page.body.contentsMargins()
        assert {page.body.spacing(), margins.left(), margins.top(), margins.right(), margins.bottom()} <= SPACES
    qss = resource_path("gui", "app.qss").read_text(encoding="utf-8")
    paddings = {int(n) for n in re.findall(r"padding:[^;]*?(\d+)px", qss)}
    assert paddings <= SPACES | {1, 2, 5, 6, 7, 14}, "paddings from the scale (less a focus ring's extra border)"


def test_every_colour_is_in_the_stylesheet_not_inline():
    gui = REPO / "desktop" / "exposurecheck" / "gui"
    inline = []
    for path in gui.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "setStyleSheet(" in line and "stylesheet(" not in line.replace("setStyleSheet(", ""):
                inline.append(f"{path.name}: {line.strip()}")
    assert inline == []
    assert "QPushButton[primary=\"true\"]" in resource_path("gui", "app.qss").read_text(encoding="utf-8")
