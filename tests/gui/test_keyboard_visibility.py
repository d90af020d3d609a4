"""Issue 12.6, with WCAG 2.2 2.4.7 (focus visible) and 2.4.11 (focus not obscured) as the yardstick: every focusable
control shows a visible focus indicator (the top bar's too); Enter in a form field runs the page's main action; Esc
leaves guided mode and closes dialogs; an open drop-down list shows the highlighted choice's text; a focused
secondary button never looks like the primary one; scroll bars can be seen. Checked on the pixels Qt paints."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QRadioButton,
    QWidget,
)

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.vault.store import SavedCheckSummary
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource
from tests.gui.contrast import contrast_ratio as contrast
from tests.gui.contrast import luminance as _luminance

FOCUSABLE = (QAbstractButton, QLineEdit, QComboBox, QListWidget)


def _picture(widget: QWidget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage()


def _changed_pixels(a: QImage, b: QImage) -> int:
    width, height = min(a.width(), b.width()), min(a.height(), b.height())
    return sum(1 for x in range(0, width, 1) for y in range(0, height, 2) if a.pixel(x, y) != b.pixel(x, y))


def _unfocus(window) -> None:
    """Move the focus to a control that is not being looked at (the window keeps being the active one)."""
    window.top.about_button.setFocus(Qt.FocusReason.TabFocusReason)


def _results(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    return window


def test_every_focusable_control_shows_where_the_focus_is(qtbot, make_window):
    window = _results(qtbot, make_window)
    window.saved.show_checks([SavedCheckSummary("3fa2c91b7e", "2026-12-03T09:12:00Z", "", 2, (), False, 3)], "")
    checked = 0
    for page in (window.top, window.welcome, window.details, window.results, window.questions, window.saved):
        if page is not window.top:
            window.show_page(page)
        for widget in page.findChildren(QWidget):
            if not isinstance(widget, FOCUSABLE) or not widget.isVisible() or widget.focusPolicy() == Qt.NoFocus:
                continue
            if isinstance(widget.parent(), QComboBox) or not widget.isEnabled():
                continue
            if widget is window.top.about_button:
                continue  # where the focus goes while the others are looked at
            _unfocus(window)
            before = _picture(widget)
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            qtbot.waitUntil(widget.hasFocus)
            after = _picture(widget)
            # A ring all round a control changes at least its outline: 2 × (width + height) pixels, sampled.
            needed = (widget.width() + widget.height()) // 2
            assert _changed_pixels(before, after) >= needed, f"{type(page).__name__}: {widget.objectName()}"
            checked += 1
    assert checked >= 25


def test_the_top_bar_focus_ring_stands_out_from_the_bar(qtbot, make_window):
    window = make_window()
    window.activateWindow()
    button = window.top.end_button
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus)
    image = _picture(button)
    bar = window.top.grab().toImage().pixelColor(2, 2)
    # The ring is drawn inside the button's edge (its margin and border): the strongest colour there.
    ring = max((image.pixelColor(x, image.height() // 2) for x in range(8)), key=lambda c: contrast(c, bar))
    assert contrast(ring, bar) >= 3.0, (ring.name(), bar.name())


def test_a_focused_secondary_button_never_looks_like_the_primary_one(qtbot, make_window):
    window = make_window()
    window.activateWindow()
    primary, secondary = window.welcome.start_button, window.welcome.questions_button
    assert primary.property("primary") is True and not secondary.property("primary")
    secondary.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(secondary.hasFocus)
    assert secondary.isDefault() or secondary.autoDefault()  # Qt treats it as the default now: the trap
    inside = _picture(secondary).pixelColor(secondary.width() // 2, 6)
    filled = _picture(primary).pixelColor(primary.width() // 2, 6)
    assert contrast(inside, filled) >= 3.0, (inside.name(), filled.name())
    assert _luminance(inside) > 0.8, "a focused secondary button stays light"


def test_enter_in_a_form_field_runs_the_pages_main_action(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})])
    window.show_page(window.details)
    for kind, field in window.details.fields.items():
        if kind is IdentifierType.PHONE:
            continue
        with qtbot.waitSignal(window.details.check_requested, timeout=1000, raising=False) as blocker:
            qtbot.keyClick(field.edit, Qt.Key.Key_Return)
        assert not blocker.signal_triggered, "an empty form asks for something instead"
    phone = window.details.fields[IdentifierType.PHONE].edit
    phone.setText(PHONE_RAW)
    with qtbot.waitSignal(window.details.check_requested, timeout=2000):
        qtbot.keyClick(phone, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    # Guided mode's "go to code" field: Enter opens the step.
    window.results.guided_button.click()
    view = window.guided.view
    code = view.plan.items()[-1].code
    view.goto_field.setText(code)
    qtbot.keyClick(view.goto_field, Qt.Key.Key_Return)
    assert view.current_item().code == code


def test_escape_leaves_guided_mode_and_closes_dialogs(qtbot, make_window):
    window = _results(qtbot, make_window)
    window.results.guided_button.click()
    assert window.current_page() is window.guided
    qtbot.keyClick(window.guided.view.next_button, Qt.Key.Key_Escape)
    assert window.current_page() is window.results
    for dialog in (window.vault_link.confirm_wipe(2), window.top.about_button.open_dialog()):
        assert dialog.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible(), type(dialog).__name__


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_an_open_list_shows_the_highlighted_choice(qtbot, make_window, lang):
    window = make_window(lang=lang)
    window.activateWindow()
    window.show_page(window.details)
    box = window.details.region_box
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible)
    view.setCurrentIndex(box.model().index(3, 0))
    rect: QRect = view.visualRect(view.currentIndex())
    image = _picture(view.viewport())
    colours = {}
    for x in range(rect.left() + 2, rect.right() - 2):
        for y in range(rect.top() + 2, rect.bottom() - 2):
            colour = image.pixelColor(x, y).name()
            colours[colour] = colours.get(colour, 0) + 1
    background = QColor(max(colours, key=colours.get))
    text = max((QColor(c) for c in colours), key=lambda c: contrast(c, background))
    assert contrast(background, QColor("#ffffff")) >= 3.0, "the highlight is visible on the white list"
    assert contrast(text, background) >= 4.5, "and the highlighted choice's text is readable on it"
    box.hidePopup()


def test_scroll_bars_can_be_seen(qtbot, make_window):
    window = _results(qtbot, make_window)
    area = window._wrappers[window.results]
    bar = area.verticalScrollBar()
    assert bar.isVisible() and bar.width() >= 12
    image = _picture(bar)
    track = image.pixelColor(bar.width() // 2, image.height() - 3)
    handle = image.pixelColor(bar.width() // 2, 20)
    assert contrast(handle, track) >= 3.0, (handle.name(), track.name())


def test_the_focused_control_is_scrolled_into_view(qtbot, make_window):
    """WCAG 2.4.11: Tab through the results page and the focused control is always at least partly visible."""
    window = _results(qtbot, make_window)
    area = window._wrappers[window.results]
    viewport = area.viewport()
    window.results.guided_button.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(25):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        widget = QApplication.focusWidget()
        if widget is None or not window.results.isAncestorOf(widget):
            continue
        shown = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()).intersected(viewport.rect())
        assert not shown.isEmpty(), widget.objectName()


def test_check_boxes_and_round_buttons_show_focus_too(qtbot, make_window):
    window = make_window()
    window.activateWindow()
    boxes = [window.welcome.offline_box, *window.questions.findChildren(QRadioButton)[:2]]
    window.show_page(window.welcome)
    for box in boxes:
        if box.window() is not window or not box.isVisible():
            window.show_page(window.questions)
        _unfocus(window)
        before = _picture(box)
        box.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(box.hasFocus)
        assert _changed_pixels(before, _picture(box)) >= box.width() // 2, box.objectName()
    assert isinstance(boxes[0], QCheckBox)
