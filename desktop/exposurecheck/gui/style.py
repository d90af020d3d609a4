"""Fonts and stylesheets. Colours and spacing live in `resources/gui/*.qss`; font sizes are set here because they
must follow the system's font size (a fixed `pt` in a stylesheet would not)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from exposurecheck.resources import resource_path

MIN_BODY_POINTS = 14.0
HEADING_SCALE = 1.5
TITLE_SCALE = 1.2


@cache
def stylesheet(name: str) -> str:
    """The text of `resources/gui/<name>.qss` (cached: resources do not change while the app runs)."""
    return resource_path("gui", f"{name}.qss").read_text(encoding="utf-8")


def apply_base_font(app: QApplication) -> None:
    """Body text at least 14 pt, larger when the system's own font is larger."""
    font = app.font()
    size = font.pointSizeF()
    if size <= 0:  # the platform gave a pixel size; fall back to the minimum
        size = MIN_BODY_POINTS
    font.setPointSizeF(max(size, MIN_BODY_POINTS))
    app.setFont(font)


def scaled_font(widget: QWidget, scale: float, *, bold: bool = True) -> QFont:
    """The application font scaled by `scale`, for headings and titles."""
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    return font
