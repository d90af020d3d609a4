"""What a screen reader gets from the window beyond what each widget says by itself (issue 18).

Orca reads the window through AT-SPI; NVDA and VoiceOver read the same Qt accessibility interfaces. This module holds
the parts that are about the screen reader, not about the layout, so the pages keep their own code:

- `install(app)`: our accessibility factory, consulted before Qt's own. It gives
  - every scroll area an interface that checks the child index a client asks for. Qt's own
    (QAccessibleAbstractScrollArea) does not: its children are the viewport plus the scroll bars that are visible
    *now*, so a client that counted two children while a page was shown and asks for the second after the page was
    hidden (or any client that asks for one index too many) makes Qt read past the end of a list and the app dies
    (SIGSEGV in QAccessibleCache::idForObject; PySide6 6.8.3, 6.10.2 and 6.11.3; docs/TEAM-NOTES.md has the
    upstream note);
  - the pages, and containers marked with `group(widget, name)`, the role of a group, so Orca says the group's
    name (a page's heading, a plan item's code and title) when focus enters it.
- `announce(widget, text)`: say something that changed without moving the focus (a check's progress, a source that
  failed, "saved"), through Qt's announcement event (AT-SPI `object:announcement`, which Orca speaks).
- `page_shown(page)`: after a page change, the page is a group named by its heading, the focus is on its first
  control (never left on a widget of the page that was hidden) and the heading is announced, so "Your details" or
  the results' verdict is what is heard first.
- `read_as_one(card, control)`: a card (a plan item, a leak) reads as one unit: a group named by its title whose
  description is the rest of its text, and its control (the "Mark as done" box) carries that text too.
- `high_contrast_wanted()`, `apply_palette(app)` and `window_stylesheet()`: the desktop's high-contrast setting is
  honoured (the desktop's own palette and a stylesheet that takes every colour from it); otherwise our look, with a
  palette that matches it, so a dark desktop theme cannot put light text on our light pages.

Everything here is a no-op cost when no assistive technology is running: Qt asks the factory only once a client reads
the tree, and `announce` returns at once when accessibility is not active.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleInterface,
    QColor,
    QGuiApplication,
    QPalette,
)
from PySide6.QtWidgets import QAbstractScrollArea, QAccessibleWidget, QApplication, QLabel, QWidget

from exposurecheck.gui.pages.base import Page
from exposurecheck.gui.style import stylesheet
from exposurecheck.gui.text import plain
from exposurecheck.gui.widgets import SecureLabel

# The class names Qt gives its bounds-unchecked scroll-area interface to (qaccessiblewidgetfactory.cpp). A subclass
# that Qt has its own interface for (item views, text edits) never reaches these names: Qt answers for it first.
_SCROLL_AREA_CLASSES = frozenset({"QScrollArea", "QAbstractScrollArea"})
_GROUP_PROPERTY = "exposurecheckGroup"  # set by group(): read as a named group

CONTRAST_ENV = "EXPOSURECHECK_CONTRAST"  # "high" or "normal": overrides the desktop's setting (help desks, tests)

_installed: list[bool] = []


def install(app: QApplication) -> None:
    """Put our factory in front of Qt's. Call once, after the QApplication exists: Qt asks the factories installed
    last first, and its own is installed when the application is created."""
    if _installed or app is None:
        return
    QAccessible.installFactory(_interface_for)
    _installed.append(True)


def _interface_for(key: str, obj: QObject) -> QAccessibleInterface | None:
    # Qt calls this for each class name of `obj`, most derived first, until a factory answers.
    if key in _SCROLL_AREA_CLASSES and isinstance(obj, QAbstractScrollArea):
        return BoundedScrollArea(obj)
    if isinstance(obj, Page) or (isinstance(obj, QWidget) and obj.property(_GROUP_PROPERTY)):
        return QAccessibleWidget(obj, QAccessible.Role.Grouping)
    return None


class BoundedScrollArea(QAccessibleWidget):
    """A scroll area as Qt presents it (the viewport, then the scroll bars that are shown), except that an index
    outside the children there are at this moment gets no child instead of a crash."""

    def __init__(self, area: QAbstractScrollArea) -> None:
        super().__init__(area, QAccessible.Role.Client)
        self.area = area

    def _parts(self) -> list[QWidget]:
        area = self.area
        parts: list[QWidget] = [area.viewport()]
        for bar in (area.horizontalScrollBar(), area.verticalScrollBar()):
            container = bar.parentWidget() if bar is not None and bar.isVisible() else None
            if container is not None and container is not area:
                parts.append(container)
        corner = area.cornerWidget()
        if corner is not None and corner.isVisible():
            parts.append(corner)
        return parts

    def childCount(self) -> int:  # Qt's name
        return len(self._parts())

    def child(self, index: int) -> QAccessibleInterface | None:  # type: ignore[override]  # Qt's is null here too
        parts = self._parts()
        if 0 <= index < len(parts):
            return QAccessible.queryAccessibleInterface(parts[index])
        return None

    def indexOfChild(self, child: QAccessibleInterface) -> int:  # Qt's name
        target = child.object() if child is not None else None
        for index, part in enumerate(self._parts()):
            if part is target:
                return index
        return -1


def group(widget: QWidget, name: str, description: str = "") -> None:
    """Make `widget` read as one named group: Orca says `name` when focus moves into it from outside. Call before the
    widget is first shown (Qt keeps the role it first gave a widget)."""
    widget.setProperty(_GROUP_PROPERTY, True)
    widget.setAccessibleName(plain(name))
    widget.setAccessibleDescription(plain(description))


def read_as_one(card: QWidget, control: QWidget | None = None, *, said_first: str = "") -> None:
    """A card read as one unit: a group named by its first line (a plan item's code and title), described by
    `said_first` (how urgent the item is, which the coloured edge and the tag show) and the rest of its text in
    screen order (what to do, why, the steps, the time, how to tell it worked). `control`, the card's one control
    ("Mark as done"), carries the same text as its description, so it is heard with the item."""
    lines = [label.text() for label in card.findChildren(QLabel) if label.text() and not label.isHidden()]
    if said_first:  # shown on the card too (a plan item's urgency tag): said first, and once
        lines = [line for line in lines if line != plain(said_first)]
    name, rest = (lines[0], lines[1:]) if lines else ("", [])
    description = "\n".join([said_first, *rest] if said_first else rest)
    group(card, name, description)
    if control is not None:
        control.setAccessibleDescription(plain(f"{name}\n{description}".strip()))


def screen_reader_label(control: QWidget) -> SecureLabel:
    """A label for `control` that only a screen reader meets (set its text with setText). For a control whose
    visible words say enough to the eye ("China mainland (+86)") but not to the ear. On Linux Qt names a combo box
    by its current choice whatever its accessible name, and gives its label through the label's buddy, which must
    be a sibling: so the label is a child of the control's parent, shown, with no size and outside any layout.
    Call once `control` is in its page."""
    label = SecureLabel("", control.parentWidget())
    label.setObjectName("screenReaderLabel")
    label.setBuddy(control)
    label.setGeometry(0, 0, 0, 0)
    label.show()
    return label


# --- pages ---------------------------------------------------------------------------------------------------------

# What names a page, first found first: the results' verdict, a page's heading, guided mode's "Step 2 of 7 · …".
_HEADINGS = ("verdict", "heading", "guidedPosition")


def page_heading(page: QWidget) -> str:
    """The words that say which page this is, as the person sees them at its top."""
    for name in _HEADINGS:
        for label in page.findChildren(QLabel, name):
            if label.text() and not label.isHidden():
                if name == "verdict":  # the verdict, then how urgent it is (in words, never colour alone)
                    urgency = page.findChild(QLabel, "urgencyText")
                    if urgency is not None and urgency.text():
                        return f"{label.text()}\n{urgency.text()}"
                return label.text()
    return ""


def first_control(page: QWidget) -> QWidget | None:
    """The page's first control in Tab order that can take the focus now (shown and enabled)."""
    widget = page.nextInFocusChain()
    for _ in range(10_000):  # the chain is a ring through the whole window; a bound all the same
        if widget is None or widget is page:
            return None
        if page.isAncestorOf(widget) and _takes_tab(widget):
            return widget
        widget = widget.nextInFocusChain()
    return None


def _takes_tab(widget: QWidget) -> bool:
    # Shown with its window (the window itself may not be on screen yet: the first page is chosen before).
    shown = widget.isVisibleTo(widget.window())
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and shown and widget.isEnabled()


def page_shown(page: QWidget) -> None:
    """After a page change: name the page (a group) by its heading, put the focus on its first control, so Tab-only
    use starts in the right place and no focus stays on a widget of the page just hidden, and say the heading."""
    heading = page_heading(page)
    page.setAccessibleName(plain(heading))
    target = getattr(page, "focus_target", None)  # pages.base.Page; other widgets have no preference
    preferred = target() if callable(target) else None
    control = preferred if preferred is not None and _takes_tab(preferred) else first_control(page)
    if control is not None:
        control.setFocus(Qt.FocusReason.OtherFocusReason)
    else:
        page.setFocus(Qt.FocusReason.OtherFocusReason)
    announce(page, heading)


def page_renamed(page: QWidget | None) -> None:
    """The page on screen was re-labelled (another language, a new step): its group name follows."""
    if page is not None:
        page.setAccessibleName(plain(page_heading(page)))


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> None:
    """Have the screen reader say `text` now, wherever the focus is. Polite (after what it is saying) unless
    `assertive` (interrupts: for a failure the person must hear)."""
    text = plain(text).strip()
    if not text or not QAccessible.isActive() or not widget.isVisible():
        return  # nothing to say, nobody to say it to, or about a page that is not on screen
    event = QAccessibleAnnouncementEvent(widget, text)
    politeness = QAccessible.AnnouncementPoliteness
    event.setPoliteness(politeness.Assertive if assertive else politeness.Polite)
    QAccessible.updateAccessibility(event)


# --- desktop settings: high contrast -------------------------------------------------------------------------------


def high_contrast_wanted() -> bool:
    """True when the person asked their desktop for high contrast (Qt's contrast preference, from the platform), or
    EXPOSURECHECK_CONTRAST=high. EXPOSURECHECK_CONTRAST=normal turns it off."""
    forced = os.environ.get(CONTRAST_ENV, "").strip().lower()
    if forced in ("high", "normal"):
        return forced == "high"
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast


# The palette of our own look (resources/gui/app.qss): what a widget the stylesheet does not colour falls back on,
# so a dark desktop theme cannot put its light text on our light pages.
_LIGHT = {
    QPalette.ColorRole.Window: "#f5f7fa",
    QPalette.ColorRole.WindowText: "#1a202c",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#edf2f7",
    QPalette.ColorRole.Text: "#1a202c",
    QPalette.ColorRole.Button: "#ffffff",
    QPalette.ColorRole.ButtonText: "#1a202c",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#2c7a7b",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#1a202c",
    QPalette.ColorRole.ToolTipText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#4a5568",
    QPalette.ColorRole.Link: "#234e52",
}
_LIGHT_DISABLED = {
    QPalette.ColorRole.WindowText: "#4a5568",
    QPalette.ColorRole.Text: "#4a5568",
    QPalette.ColorRole.ButtonText: "#4a5568",
}


def light_palette() -> QPalette:
    """Our look's colours for what the stylesheet does not colour itself (standard dialogs, indicators, tooltips)."""
    palette = QPalette()
    for role, value in _LIGHT.items():
        palette.setColor(role, QColor(value))
    for role, value in _LIGHT_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(value))
    return palette


def apply_palette(app: QApplication) -> None:
    """Our palette, unless the person wants high contrast: then the desktop's own stays."""
    if not high_contrast_wanted():
        app.setPalette(light_palette())


def window_stylesheet() -> str:
    """resources/gui/app.qss, or with high contrast resources/gui/high_contrast.qss (every colour from the palette)."""
    return stylesheet("high_contrast" if high_contrast_wanted() else "app")
