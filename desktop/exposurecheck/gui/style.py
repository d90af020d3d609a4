"""Fonts, the type scale, icons and stylesheets. Colours and spacing live in `resources/gui/app.qss`; font sizes are
set here because they must follow the system's font size (a fixed `pt` in a stylesheet would not).

The type scale, as multiples of the body size (at least 14 pt): a page has one verdict or heading at the top, section
headings under it, card titles in the cards, and body text. Each step is clearly larger than the next one down, so
the order of importance reads at a glance, and the verdict on the results page is the largest text in the window.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from exposurecheck.resources import resource_path

MIN_BODY_POINTS = 14.0
VERDICT_SCALE = 1.65  # the results page's one-sentence verdict: the largest text on screen
HEADING_SCALE = 1.5  # a page's heading
SECTION_SCALE = 1.3  # a section of a page ("Act now", "What leaked")
TITLE_SCALE = 1.15  # a card's title, the app's name in the top bar

# Spacing steps, in pixels at 100% (Qt scales them with the screen): every gap in the app is one of these.
SPACE_XS, SPACE_S, SPACE_M, SPACE_L, SPACE_XL = 4, 8, 12, 16, 24
# The content column: about 90 characters of body text, so lines stay easy to follow on a wide window; the page
# is centred in it. Never narrower than what 1024×768 needs for the results page to fit without scrolling.
COLUMN_CHARS = 90
COLUMN_MIN_PX = 760


@cache
def stylesheet(name: str) -> str:
    """The text of `resources/gui/<name>.qss` (cached: resources do not change while the app runs), with
    `__ICONS__` replaced by the icons folder, wherever the app was installed or unpacked."""
    text = resource_path("gui", f"{name}.qss").read_text(encoding="utf-8")
    return text.replace("__ICONS__", resource_path("gui", "icons").as_posix())


def apply_base_font(app: QApplication) -> None:
    """Body text at least 14 pt, larger when the system's own font is larger."""
    font = app.font()
    size = font.pointSizeF()
    if size <= 0:  # the platform gave a pixel size; fall back to the minimum
        size = MIN_BODY_POINTS
    font.setPointSizeF(max(size, MIN_BODY_POINTS))
    app.setFont(font)


def scaled_font(widget: QWidget | None, scale: float, *, bold: bool = True) -> QFont:
    """The application font scaled by `scale`, for headings and titles."""
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    return font


def column_width() -> int:
    """The widest the content column grows, in logical pixels, for the application font."""
    return max(COLUMN_MIN_PX, QFontMetrics(QApplication.font()).averageCharWidth() * COLUMN_CHARS)


def icon_path(name: str) -> str:
    """The path of the bundled icon `resources/gui/icons/<name>.svg`."""
    return str(resource_path("gui", "icons", f"{name}.svg"))


@cache
def icon(name: str) -> QIcon:
    """A bundled SVG icon (drawn for the project: identifier kinds, urgency, statuses)."""
    return QIcon(icon_path(name))


def icon_pixmap(name: str, size: int, widget: QWidget | None = None) -> QPixmap:
    """The icon as a pixmap `size` logical pixels square, sharp on high-density screens."""
    ratio = widget.devicePixelRatioF() if widget is not None else 1.0
    return icon(name).pixmap(QSize(size, size), ratio)
