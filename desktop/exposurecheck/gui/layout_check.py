"""Finds text that does not fit: labels shorter than their wrapped text, buttons narrower than their label, drop-down
boxes narrower than the choice they show. Used by the stretch-pseudolocale test and the self-test (at 1024×768,
or 200% scaling)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)


def clipped_widgets(root: QWidget) -> list[str]:
    """Object names (or class names) of visible widgets whose text is cut off."""
    found: list[str] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.width() <= 0:
            continue
        content = widget.widget() if isinstance(widget, QScrollArea) else None
        if isinstance(widget, QScrollArea):
            # Pages never scroll sideways, so content wider than the view is cut off at the right edge.
            if content is not None and content.width() > widget.viewport().width() + 1:
                found.append(f"{_name(content)} (too wide)")
        elif isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if needed > widget.height() + 1:
                    found.append(_name(widget))
            elif widget.sizeHint().width() > widget.width() + 1:
                found.append(_name(widget))
        elif (
            isinstance(widget, QAbstractButton) and widget.text() and widget.sizeHint().width() > widget.width() + 1
        ) or (isinstance(widget, QComboBox) and widget.currentText() and _combo_cuts_text(widget)):
            found.append(_name(widget))
    return found


def _combo_cuts_text(box: QComboBox) -> bool:
    """True when the box's text field is narrower than its current text (the text is then elided)."""
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                       QStyle.SubControl.SC_ComboBoxEditField, box)
    return box.fontMetrics().horizontalAdvance(box.currentText()) > field.width() + 1


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__
