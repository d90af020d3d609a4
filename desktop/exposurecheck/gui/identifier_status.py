"""The answer for each typed detail, one line each: found, not found, or not checked and why (issue 12.1).

Lines come from the core (`IdentifierStatus.line`), so the window says exactly what `exposure-check check` prints;
only masked hints are shown. Words carry the meaning, never colour alone. One self-contained widget, so the
results page can place it wherever its layout wants it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Outcome, Reason, Report
from exposurecheck.gui.pages.base import button, label_button
from exposurecheck.gui.style import SPACE_S
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import IconLabel, SecureLabel, empty_layout

# Reasons a data file on a stick could fix, for the kinds a data file can hold (never passwords): offer to open one.
_A_FILE_WOULD_HELP = (Reason.NO_DATA, Reason.OFFLINE_ONLY)
_PACK_KINDS = frozenset(IdentifierType) - {IdentifierType.PASSWORD}


class IdentifierStatusList(QWidget):
    """One line per typed identifier of the report on screen, and "Open a data file…" when a file could help, or
    "Confirm the publisher and check again" when the person holds a file whose publisher they did not confirm."""

    open_pack_requested = Signal()
    confirm_publisher_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identifierStatuses")
        self.lines: list[SecureLabel] = []
        self._lines_layout = QVBoxLayout()
        self._lines_layout.setContentsMargins(0, 0, 0, 0)
        self._lines_layout.setSpacing(SPACE_S)
        self.open_pack_button = button("statusOpenPackButton")
        self.open_pack_button.clicked.connect(self.open_pack_requested)
        self.confirm_publisher_button = button("statusConfirmPublisherButton")
        self.confirm_publisher_button.clicked.connect(self.confirm_publisher_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._lines_layout)
        layout.addWidget(self.confirm_publisher_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.open_pack_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.hide()

    def show_report(self, report: Report | None, lang: str) -> None:
        """Show the statuses of `report` in `lang` (hidden when there is none, as for a questionnaire plan or a check
        saved before statuses existed)."""
        empty_layout(self._lines_layout)
        self.lines = []
        statuses = report.identifiers if report is not None else ()
        for status in statuses:
            # The masked hint and its status stay together; a long reason wraps. The icons (the kind of detail, and
            # found / not found / not checked) repeat what the words say, for a quicker scan.
            line = SecureLabel(status.line(lang))
            line.setObjectName(f"identifierStatus_{status.outcome.value}")
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(SPACE_S)
            row.addWidget(IconLabel(f"kind-{status.type.value}", 22), 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(IconLabel(f"status-{status.outcome.value}", 22), 0, Qt.AlignmentFlag.AlignTop)
            row.addWidget(line, 1)
            self.lines.append(line)
            self._lines_layout.addWidget(holder)
        wanted = any(
            s.outcome is Outcome.NOT_CHECKED and s.reason in _A_FILE_WOULD_HELP and s.type in _PACK_KINDS
            for s in statuses
        )
        label_button(self.open_pack_button, t("outcome.results.open_pack", lang))
        self.open_pack_button.setVisible(wanted)
        unconfirmed = any(s.reason is Reason.UNKNOWN_PUBLISHER for s in statuses)
        label_button(self.confirm_publisher_button, t("gui.results.confirm_publisher", lang))
        self.confirm_publisher_button.setVisible(unconfirmed)
        self.setVisible(bool(statuses))
