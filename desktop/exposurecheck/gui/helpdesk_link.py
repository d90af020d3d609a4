"""The help desk's parts behind the results page: guided mode (`pages/guided.py`) and the case sheet
(`gui/case_sheet.py`, no identifiers on it), saved as a PDF or printed with the system's print dialog; either way it
carries the steps marked done.

The link answers the results page's `guided_requested`, `case_sheet_requested` and `print_requested` and the guided
page's `back_requested`, says how saving or printing went in the results page's status line, and asks the window to
show a page with its `page_wanted` signal. The window tells it which NGO profile is in use (`use_profile`), for
the sheet's contact block.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from exposurecheck.core.errors import UserError
from exposurecheck.core.session import Session
from exposurecheck.gui.pages.guided import GuidedPage
from exposurecheck.gui.pages.results import ResultsPage
from exposurecheck.gui.text import t

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from exposurecheck.core.trust.profile import Profile


class HelpDeskLink(QObject):
    page_wanted = Signal(QWidget)

    def __init__(self, session: Session, results: ResultsPage, guided: GuidedPage) -> None:
        super().__init__()
        self.session, self.results, self.guided = session, results, guided
        self.profile: Profile | None = None
        results.guided_requested.connect(self.open_guided)
        results.case_sheet_requested.connect(self.ask_case_sheet_path)
        results.print_requested.connect(self.ask_print)
        self.print_dialog: QDialog | None = None  # the system print dialog while it is open
        guided.back_requested.connect(self.back_to_results)

    def use_profile(self, profile: Profile) -> None:
        self.profile = profile

    # --- guided mode ----------------------------------------------------------------------------------------

    def open_guided(self) -> None:
        if self.session.plan is None:
            return
        self.guided.show_plan(self.session.plan, self.session.done_items)
        self.page_wanted.emit(self.guided)

    def back_to_results(self) -> None:
        session = self.session
        if session.plan is not None:  # the ticks made in guided mode show on the cards
            self.results.show_plan(session.plan, session.report, session.done_items)
        self.page_wanted.emit(self.results)

    # --- case sheet -----------------------------------------------------------------------------------------

    def ask_case_sheet_path(self) -> None:
        lang = self.session.lang
        name, _filter = QFileDialog.getSaveFileName(
            self.results.window(), t("gui.results.case_sheet", lang),
            str(Path.home() / t("gui.case_sheet.file_name", lang)), t("gui.case_sheet.filter", lang))
        if name:
            self.save_case_sheet(Path(name))

    def save_case_sheet(self, path: Path) -> bool:
        """Write the PDF and say where it went, or why it could not be written."""
        from exposurecheck.gui.case_sheet import write_case_sheet

        session = self.session
        if session.plan is None:
            return False
        try:
            write_case_sheet(session.plan, path, session.lang, profile=self.profile, demo=session.demo,
                             done_items=session.done_items)
        except UserError as exc:
            self.results.show_status(t(exc.key, session.lang, **exc.params))
            return False
        except OSError as exc:
            self.results.show_status(t("gui.case_sheet.failed", session.lang, reason=type(exc).__name__))
            return False
        self.results.show_status(t("gui.case_sheet.saved", session.lang, path=str(path)))
        return True

    def ask_print(self) -> QDialog | None:
        """Open the system print dialog (window-modal, without a nested event loop: the exception hook relies on
        that); the sheet is printed when the person presses Print in it."""
        from exposurecheck.gui.case_sheet import make_print_dialog

        if self.session.plan is None:
            return None
        dialog = make_print_dialog(self.session.lang, self.results.window())
        dialog.accepted.connect(lambda: self.print_on(dialog.printer()))
        dialog.finished.connect(dialog.deleteLater)
        self.print_dialog = dialog
        QDialog.open(dialog)  # QPrintDialog.open() in PySide6 wants a receiver and a slot; QDialog's takes none
        return dialog

    def print_on(self, printer: QPrinter) -> bool:
        """Paint the case sheet, with the steps marked done, on `printer` (as chosen in the print dialog)."""
        from exposurecheck.gui.case_sheet import print_to

        session = self.session
        self.print_dialog = None
        if session.plan is None:
            return False
        ok = print_to(printer, session.plan, session.lang, profile=self.profile, demo=session.demo,
                      done_items=session.done_items)
        self.results.show_status(t("gui.case_sheet.printed" if ok else "gui.case_sheet.print_failed", session.lang))
        return ok
