"""What a screen reader and a person with their own desktop settings get, checked offscreen on the real widgets
(issue 18; tests/gui/test_screen_reader.py reads the running app through the real AT-SPI bus).

- the page scroll areas answer any child index a client asks for, shown or hidden, and are no Tab stop;
- every plan item's text is whole in what a screen reader reads (labels were cut at 200 characters), and "Mark as
  done" carries its item;
- a page change puts the focus on the page's first control and names the page by its heading;
- high contrast: the desktop's palette is used, every text drawn is at least 4.5:1 against what is behind it and
  the focus ring at least 3:1; our own look stays readable on a dark desktop theme;
- the system font size is followed (no font size in either stylesheet).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QThreadPool
from PySide6.QtGui import QAccessible, QColor, QFont, QImage, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QScrollArea, QWidget

from exposurecheck.core.advice import step_text
from exposurecheck.core.advice.content import bundled_entries
from exposurecheck.core.advice.plan import select_items
from exposurecheck.core.sources.choice import default_factory
from exposurecheck.gui import accessibility
from exposurecheck.gui.main_window import MainWindow
from exposurecheck.gui.plan_cards import item_card
from exposurecheck.gui.style import apply_base_font
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import SecureLabel
from exposurecheck.resources import resource_path
from tests.gui.contrast import contrast_ratio

LANGS = ("en", "zh_CN")


@pytest.fixture(autouse=True)
def factory_installed() -> None:
    accessibility.install(QApplication.instance())


@pytest.fixture
def training_window(qtbot) -> Iterator[MainWindow]:
    """A window showing the training check's results (the demo pack, offline), in English."""
    pool = QThreadPool()
    window = _window(qtbot, pool)
    yield window
    window.end_session()
    pool.waitForDone(10_000)


# --- 18.0: the scroll areas -----------------------------------------------------------------------------------------


def test_page_scroll_areas_decline_child_indexes_they_do_not_have(training_window):
    """What crashed the app: a client that counted a shown page's scroll area's children asks for the last one
    after the page was hidden. Asked of every page's area, shown and hidden, with indexes well past the end."""
    window = training_window
    areas = [w for w in window.stack.findChildren(QScrollArea) if w.objectName() == "pageScroll"]
    assert len(areas) == len(window.pages)
    shown = QAccessible.queryAccessibleInterface(window.stack.currentWidget())
    assert isinstance(shown, accessibility.BoundedScrollArea)
    counted = shown.childCount()
    assert counted == 2  # the viewport and the results page's scroll bar
    window.end_session()  # the results page is hidden: its scroll bar no longer counts
    for area in areas:
        interface = QAccessible.queryAccessibleInterface(area)
        count = interface.childCount()
        for index in range(count):
            child = interface.child(index)
            assert child is not None and interface.indexOfChild(child) == index
        for index in (count, counted, count + 5, 10_000, -1):
            assert interface.child(index) is None


def test_page_scroll_areas_are_no_tab_stop(training_window):
    for area in training_window.stack.findChildren(QScrollArea):
        if area.objectName() == "pageScroll":
            assert area.focusPolicy() == Qt.FocusPolicy.NoFocus


# --- 18.2: whole texts, one unit per plan item --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_every_plan_item_reads_in_full_and_mark_as_done_carries_it(qtbot, lang):
    entries = bundled_entries(lang)
    items = select_items(entries, {c for entry in entries for c in entry.data_classes})
    assert len(items) == len(entries) > 30
    long_texts = 0
    for item in items:
        card = item_card(item, lang, False, lambda _id, _done: None)
        qtbot.addWidget(card)
        for label in card.findChildren(SecureLabel):
            assert label.accessibleName() == label.text(), item.code
            long_texts += len(label.text()) > 200
        box = next(b for b in card.findChildren(QAbstractButton) if b.objectName() == "markDone")
        assert item.code in box.accessibleName()
        assert card.accessibleName().startswith(item.code)  # the group: code and title
        description = box.accessibleDescription()
        for step in item.steps:
            assert step_text(step, lang) in description, item.code
        assert item.why in description and item.summary in description
        assert description.splitlines()[1] == t(f"gui.results.urgency.{item.severity}", lang)  # the tag, next
    assert long_texts > 5  # each of these was cut at 200 characters before


def test_a_dialog_text_is_no_tab_stop_and_still_scrolls_from_the_keyboard(qtbot):
    from PySide6.QtTest import QTest

    from exposurecheck.gui.dialogs import ConfirmDialog

    dialog = ConfirmDialog("Title", "Delete everything?", "A long explanation. " * 200, "Delete", "Keep")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(520, 300)
    qtbot.waitExposed(dialog)
    dialog.windowHandle().requestActivate()  # as the window manager does for a new dialog: its shortcuts work
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5_000)
    assert dialog.text_area.focusPolicy() == Qt.FocusPolicy.NoFocus
    dialog.cancel_button.setFocus()
    bar = dialog.text_area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    QTest.keyClick(dialog.cancel_button, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    QTest.keyClick(dialog.cancel_button, Qt.Key.Key_PageUp)
    assert bar.value() == 0


# --- 18.3: focus after a page change ------------------------------------------------------------------------------


def test_each_page_change_focuses_the_first_control_and_names_the_page(training_window):
    window = training_window
    for page in (window.welcome, window.details, window.results, window.questions, window.sent):
        window.show_page(page)
        focus = QApplication.focusWidget()
        assert focus is not None and page.isAncestorOf(focus) and focus.isVisible(), type(page).__name__
        assert focus is accessibility.first_control(page)
        heading = accessibility.page_heading(page)
        assert heading and page.accessibleName() == heading
    window.show_page(window.results)
    assert window.session.plan is not None
    assert window.results.summary.text() in window.results.accessibleName()  # the verdict names the page
    assert window.results.verdict.urgency_text.text() in window.results.accessibleName()  # urgency, in words


def test_guided_mode_tab_order_ends_with_back_to_results(training_window):
    window = training_window
    window.results.guided_button.click()
    assert window.current_page() is window.guided
    view = window.guided.view
    assert QApplication.focusWidget() is view.phone_box  # the first control on screen, not the button below
    assert view.next_button.nextInFocusChain() is window.guided.back_button


# --- 18.5: desktop settings ---------------------------------------------------------------------------------------


def _palette(colours: dict[QPalette.ColorRole, str]) -> QPalette:
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    return palette


Role = QPalette.ColorRole
# A white-on-black desktop theme with a yellow highlight, like GNOME's and Windows' high-contrast themes.
HIGH_CONTRAST = {Role.Window: "#000000", Role.WindowText: "#ffffff", Role.Base: "#000000", Role.Text: "#ffffff",
                 Role.Button: "#000000", Role.ButtonText: "#ffffff", Role.Highlight: "#ffff00",
                 Role.HighlightedText: "#000000", Role.AlternateBase: "#1a1a1a", Role.PlaceholderText: "#e0e0e0",
                 Role.ToolTipBase: "#000000", Role.ToolTipText: "#ffffff"}
# An ordinary dark desktop theme (light grey text), as a desktop set to dark mode gives Qt.
DARK = {Role.Window: "#2b2b2b", Role.WindowText: "#dddddd", Role.Base: "#1e1e1e", Role.Text: "#dddddd",
        Role.Button: "#3a3a3a", Role.ButtonText: "#dddddd", Role.Highlight: "#3d6fb0",
        Role.HighlightedText: "#ffffff"}


@pytest.fixture
def desktop_palette(monkeypatch) -> Iterator[callable]:
    """Set the desktop's palette (and contrast preference) for one test; the app's own is put back after."""
    app = QApplication.instance()
    saved, saved_font = QPalette(app.palette()), QFont(app.font())

    def use(palette: QPalette, contrast: str) -> None:
        monkeypatch.setenv(accessibility.CONTRAST_ENV, contrast)
        app.setPalette(palette)
        apply_base_font(app)  # what app.py does at start: text at least 14 pt, and our palette unless high contrast
        accessibility.apply_palette(app)

    yield use
    app.setPalette(saved)
    app.setFont(saved_font)


def _pixels(image: QImage, rect: QRect) -> np.ndarray:
    crop = image.copy(rect).convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(crop.constBits(), dtype=np.uint32, count=crop.width() * crop.height())
    return data & 0xFFFFFF


def _colour(value: int) -> QColor:
    return QColor((value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF)


def text_contrast(image: QImage, rect: QRect) -> tuple[float, QColor, QColor] | None:
    """The contrast of the text drawn in `rect`. The background is the most common colour. Glyph edges blend text
    and background into many rare shades, all nearer the background than the text's own colour, so the text colour
    is the one furthest from the background among the colours that are not rare. None: nothing drawn."""
    values, counts = np.unique(_pixels(image, rect), return_counts=True)
    order = np.argsort(counts)[::-1]
    background = _colour(int(values[order[0]]))
    best: tuple[float, QColor, QColor] | None = None
    for index in order[1:]:
        if counts[index] < 3:
            break
        colour = _colour(int(values[index]))
        ratio = contrast_ratio(colour, background)
        if ratio >= 1.2 and (best is None or ratio > best[0]):
            best = (ratio, colour, background)
    return best


def _texts_shown(window: QWidget) -> Iterator[QWidget]:
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.width() < 4 or widget.height() < 4:
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit) and widget.text():
            yield widget


def _unreadable(window: MainWindow) -> list[str]:
    image = window.grab().toImage()
    found = []
    for widget in _texts_shown(window):
        # Inside the control's margin and border (a button's outline is not its text), where there is room.
        inset = 6 if widget.width() > 24 and widget.height() > 24 else 0
        rect = widget.rect().adjusted(inset, inset, -inset, -inset).translated(widget.mapTo(window, QPoint(0, 0)))
        rect = rect.intersected(QRect(0, 0, image.width(), image.height()))
        if rect.isEmpty():
            continue
        measured = text_contrast(image, rect)
        # WCAG 1.4.3 asks 4.5:1 of text; a control that cannot be used now is exempt there, but must still be read
        # (3:1, what it asks of large text).
        needed = 4.5 if widget.isEnabled() else 3.0
        if measured is not None and measured[0] < needed:
            ratio, text, background = measured
            found.append(f"{widget.objectName() or type(widget).__name__} {widget.text()[:40]!r}: "
                         f"{text.name()} on {background.name()} = {ratio:.2f}:1")
    return found


def _tour_pages(window: MainWindow) -> Iterator[str]:
    """The pages a person meets, each shown in turn (results with the training check's plan)."""
    for page in (window.welcome, window.details, window.results, window.questions, window.sent, window.saved):
        window.show_page(page)
        for area in window.stack.findChildren(QScrollArea):
            area.verticalScrollBar().setValue(0)
        QApplication.processEvents()
        yield type(page).__name__
    window.results.guided_button.click()
    QApplication.processEvents()
    yield "GuidedPage"


def _window(qtbot, pool: QThreadPool) -> MainWindow:
    window = MainWindow("en", pool, default_factory)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    qtbot.waitExposed(window)
    window.welcome.demo_button.click()
    window.details.demo_box.setCurrentIndex(1)
    window.details.demo_box.activated.emit(1)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=20_000)
    return window


@pytest.mark.parametrize("desktop", ["high contrast", "dark theme, our look"])
def test_every_text_is_readable_with_the_desktop_colours(qtbot, desktop_palette, desktop):
    """High contrast: our stylesheet steps aside for the palette's own colours (the page is the palette's window
    colour) and every text drawn is 4.5:1 or better. A dark desktop theme without high contrast: our light look,
    with our palette under it, so no light desktop text lands on our light pages."""
    if desktop == "high contrast":
        desktop_palette(_palette(HIGH_CONTRAST), "high")
    else:
        desktop_palette(_palette(DARK), "normal")
    pool = QThreadPool()
    window = _window(qtbot, pool)
    try:
        problems, pages = [], []
        for page in _tour_pages(window):
            pages.append(page)
            problems += [f"{page}: {p}" for p in _unreadable(window)]
        assert len(pages) == 7
        assert not problems, "\n".join(problems)
        image = window.grab().toImage()
        page_colour = image.pixelColor(window.width() - 30, window.height() - 10)  # the page, right of the column
        expected = "#000000" if desktop == "high contrast" else "#f5f7fa"
        assert page_colour.name() == expected
    finally:
        window.end_session()
        pool.waitForDone(10_000)


def test_focus_stays_visible_in_high_contrast(qtbot, desktop_palette):
    desktop_palette(_palette(HIGH_CONTRAST), "high")
    pool = QThreadPool()
    window = _window(qtbot, pool)
    try:
        window.show_page(window.welcome)
        QApplication.processEvents()
        for widget in (window.welcome.start_button, window.welcome.offline_box, window.top.end_button):
            outer = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
            window.welcome.questions_button.setFocus()
            QApplication.processEvents()
            before = _pixels(window.grab().toImage(), outer)
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            QApplication.processEvents()
            image = window.grab().toImage()
            after = _pixels(image, outer)
            changed = after[before != after]
            assert changed.size > 2 * (outer.width() + outer.height()), widget.objectName()  # a ring, all round
            values, counts = np.unique(changed, return_counts=True)
            ring = _colour(int(values[np.argmax(counts)]))
            values, counts = np.unique(before, return_counts=True)
            behind = _colour(int(values[np.argmax(counts)]))  # what the control sits on, unfocused
            assert contrast_ratio(ring, behind) >= 3.0, (widget.objectName(), ring.name(), behind.name())
    finally:
        window.end_session()
        pool.waitForDone(10_000)


def test_the_system_font_size_is_followed(qtbot):
    """A person's larger system text makes the app's text larger: nothing in the stylesheets fixes a size."""
    for name in ("app", "high_contrast"):
        sheet = resource_path("gui", f"{name}.qss").read_text(encoding="utf-8")
        assert "font-size" not in sheet and "font:" not in sheet, name
    app = QApplication.instance()
    saved = QFont(app.font())
    try:
        large = QFont(saved)
        large.setPointSizeF(22)
        app.setFont(large)
        pool = QThreadPool()
        window = MainWindow("en", pool, default_factory)
        qtbot.addWidget(window)
        window.show()
        assert window.welcome.start_button.font().pointSizeF() >= 22
        assert window.welcome.intro.font().pointSizeF() >= 22
        assert window.welcome.title.font().pointSizeF() > 22  # headings stay larger than body text
    finally:
        app.setFont(saved)


def test_high_contrast_follows_the_desktop_setting(monkeypatch):
    monkeypatch.delenv(accessibility.CONTRAST_ENV, raising=False)
    style_hints = QApplication.styleHints()
    wanted = style_hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast
    assert accessibility.high_contrast_wanted() is wanted
    monkeypatch.setenv(accessibility.CONTRAST_ENV, "high")
    assert accessibility.high_contrast_wanted()
    assert "palette(window)" in accessibility.window_stylesheet()
    monkeypatch.setenv(accessibility.CONTRAST_ENV, "normal")
    assert not accessibility.high_contrast_wanted()
    assert "#f5f7fa" in accessibility.window_stylesheet()
