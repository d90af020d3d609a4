"""The case sheet: a PDF (or printout) that a person takes home after a help-desk session.

It holds the date, the kinds of data found, the breach names, the plan with reference codes and tick boxes, and
the NGO's contact block. Steps that rest on presumed exposure (a detail that could not be checked) are marked as
on every screen, and the sheet carries the one plain way to a real check. It never holds an identifier — not
masked, not partial: it is built from a `Plan`, which by design has none, never from a `Report`.

The document is built with QTextCursor inserts (never HTML), so text from advice data, the breach catalog or a
profile cannot carry markup. Each page gets a header and footer painted separately, which is how DEMO appears on
every page of a training-mode sheet.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextTableFormat,
)

from exposurecheck.core.advice import Plan, PlanItem
from exposurecheck.core.advice import step_text as advice_step_text
from exposurecheck.core.advice.plan import distinct_class_labels
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.gui.text import plain, t

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QWidget

    from exposurecheck.core.trust.profile import Profile

# Fonts tried in order; Qt falls back per character, so Chinese text finds a CJK font when the first has none.
_FAMILIES_EN = ["DejaVu Sans", "Arial", "Helvetica", "Noto Sans", "WenQuanYi Micro Hei", "Microsoft YaHei"]
_FAMILIES_ZH = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "DejaVu Sans"]
_BODY_PT = 10.5
_RESOLUTION = 300
_MARGIN_MM = 15.0
_ALWAYS = "*"  # the advice data class that matches every plan; not something that leaked
_TICK_OPEN, _TICK_DONE = "☐", "☑"
_NOTES_PROPERTY = "notesBlock"


def ensure_gui_application() -> QGuiApplication:
    """The running Qt application, or a new offscreen one for the command line (painting text needs one).

    The caller keeps the returned object alive while it paints.
    """
    app = QGuiApplication.instance()
    if isinstance(app, QGuiApplication):  # the window's own QApplication is one
        return app
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if "QT_QPA_PLATFORM" not in os.environ and sys.platform.startswith("linux") and no_display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return QGuiApplication(["exposure-check"])


def write_case_sheet(
    plan: Plan,
    path: Path | str,
    lang: str,
    *,
    profile: Profile | None = None,
    demo: bool = False,
    done_items: Iterable[str] = frozenset(),
) -> Path:
    """Write the case sheet for `plan` as a PDF at `path` and return the path.

    `done_items` are item ids (or codes) to tick. `demo` (or `plan.demo`) marks every page DEMO. Raises
    `UserError("helpdesk.case_sheet.write_failed")` when the file cannot be written.
    """
    path = Path(path)
    app = ensure_gui_application()  # noqa: F841 -- must stay alive while painting
    writer = QPdfWriter(str(path))
    writer.setResolution(_RESOLUTION)
    writer.setPageLayout(_page_layout())
    writer.setTitle(t("helpdesk.sheet.title", lang))
    writer.setCreator("Exposure Check")
    ok = _render(writer, plan, lang, profile=profile, demo=demo, done_items=frozenset(done_items))
    del writer  # the PDF is finished and closed when the writer goes away
    if not ok or not path.is_file() or path.stat().st_size == 0:
        raise UserError("helpdesk.case_sheet.write_failed", file=path.name)
    return path


def make_print_dialog(lang: str, parent: QWidget | None = None) -> QPrintDialog:
    """The system print dialog over a high-resolution A4 printer, titled in `lang` (not yet shown)."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(_page_layout())
    printer.setDocName(t("helpdesk.sheet.title", lang))
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(t("helpdesk.sheet.print_title", lang))
    dialog._printer = printer  # type: ignore[attr-defined]  # the dialog does not own it; keep it alive with it
    return dialog


def print_to(
    printer: QPrinter,
    plan: Plan,
    lang: str,
    *,
    profile: Profile | None = None,
    demo: bool = False,
    done_items: Iterable[str] = frozenset(),
) -> bool:
    """Paint the case sheet on a printer chosen in the print dialog; False when the printer refused to start."""
    return _render(printer, plan, lang, profile=profile, demo=demo, done_items=frozenset(done_items))


def _page_layout() -> QPageLayout:
    margins = QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM)
    return QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter
    )


# --- painting ---------------------------------------------------------------------------------------------------


def _render(
    device: QPagedPaintDevice,
    plan: Plan,
    lang: str,
    *,
    profile: Profile | None,
    demo: bool,
    done_items: frozenset[str],
) -> bool:
    lang = normalize_lang(lang)
    demo = demo or plan.demo
    painter = QPainter()
    if not painter.begin(device):
        return False
    try:
        area = device.pageLayout().paintRectPixels(device.logicalDpiX())
        width, height = float(area.width()), float(area.height())
        band = _points_to_pixels(device, 22)  # header and footer bands
        body_height = height - 2 * band
        doc = build_document(plan, lang, profile=profile, demo=demo, done_items=done_items)
        doc.documentLayout().setPaintDevice(device)
        doc.setPageSize(QSizeF(width, body_height))
        _keep_notes_together(doc, body_height)
        pages = doc.pageCount()
        today = dt.date.today().isoformat()
        for page in range(pages):
            if page and not device.newPage():
                return False
            painter.save()
            painter.translate(0, band - page * body_height)
            doc.drawContents(painter, QRectF(0, page * body_height, width, body_height))
            painter.restore()
            _paint_bands(painter, lang, width, height, band, page + 1, pages, today, demo)
    finally:
        painter.end()
    return True


def _points_to_pixels(device: QPagedPaintDevice, points: float) -> float:
    return points * device.logicalDpiY() / 72.0


def _font(lang: str, points: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(_FAMILIES_ZH if lang == "zh_CN" else _FAMILIES_EN)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _paint_bands(
    painter: QPainter,
    lang: str,
    width: float,
    height: float,
    band: float,
    page: int,
    pages: int,
    today: str,
    demo: bool,
) -> None:
    painter.save()
    painter.setPen(QColor("#444444"))
    painter.setFont(_font(lang, 8.5))
    header = QRectF(0, 0, width, band * 0.8)
    flags = Qt.AlignmentFlag.AlignVCenter
    painter.drawText(header, flags | Qt.AlignmentFlag.AlignLeft, t("helpdesk.sheet.header", lang))
    painter.drawText(header, flags | Qt.AlignmentFlag.AlignRight, t("helpdesk.sheet.date", lang, date=today))
    footer = QRectF(0, height - band * 0.8, width, band * 0.8)
    painter.drawText(footer, flags | Qt.AlignmentFlag.AlignLeft, t("helpdesk.sheet.no_identifiers", lang))
    painter.drawText(
        footer, flags | Qt.AlignmentFlag.AlignRight, t("helpdesk.sheet.page", lang, page=page, pages=pages)
    )
    painter.drawLine(0, int(band * 0.85), int(width), int(band * 0.85))
    painter.drawLine(0, int(height - band * 0.85), int(width), int(height - band * 0.85))
    if demo:
        # Both a label in the header (read by pdftotext and screen readers) and a faint diagonal watermark.
        painter.setPen(QColor("#b00020"))
        painter.setFont(_font(lang, 11, bold=True))
        painter.drawText(header, flags | Qt.AlignmentFlag.AlignHCenter, t("helpdesk.sheet.demo_mark", lang))
        painter.translate(width / 2, height / 2)
        painter.rotate(-35)
        painter.setPen(QColor(176, 0, 32, 40))
        painter.setFont(_font(lang, 96, bold=True))
        box = QRectF(-width, -band * 3, 2 * width, band * 6)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, t("helpdesk.sheet.watermark", lang))
    painter.restore()


# --- the document -----------------------------------------------------------------------------------------------


def build_document(
    plan: Plan,
    lang: str,
    *,
    profile: Profile | None = None,
    demo: bool = False,
    done_items: frozenset[str] = frozenset(),
) -> QTextDocument:
    """The sheet's body as a QTextDocument built from plain-text inserts (no HTML anywhere)."""
    lang = normalize_lang(lang)
    doc = QTextDocument()
    doc.setDefaultFont(_font(lang, _BODY_PT))
    doc.setDocumentMargin(0)
    writer = _Writer(doc, lang)
    writer.heading(t("helpdesk.sheet.title", lang), 17)
    if demo or plan.demo:
        writer.paragraph(t("helpdesk.sheet.demo_notice", lang), bold=True, color="#b00020")
    if profile is not None:
        writer.contact_block(profile)
    writer.paragraph(plan.summary)
    if plan.estimate:
        writer.paragraph(t("helpdesk.sheet.estimate", lang), italic=True)
    if plan.unchecked_note:  # details that could not be checked: the one plain way to a real check
        writer.paragraph(plan.unchecked_note, bold=True)

    classes = _found_classes(plan, lang)
    writer.heading(t("helpdesk.sheet.found_heading", lang), 13)
    if classes:
        writer.paragraph(("、" if lang == "zh_CN" else ", ").join(classes))
    elif plan.unchecked:  # "nothing was found" only where something was really checked
        writer.paragraph(t("helpdesk.sheet.found_none_unchecked", lang))
    else:
        writer.paragraph(t("helpdesk.sheet.found_none", lang))

    writer.heading(t("helpdesk.sheet.breaches_heading", lang), 13)
    if plan.breaches:
        for breach in plan.breaches:
            line = t("helpdesk.sheet.breach_line", lang, title=breach.title, date=breach.date or "?")
            if breach.demo:
                line = t("helpdesk.sheet.demo_prefix", lang, text=line)
            writer.paragraph("• " + line)
    else:
        writer.paragraph(t("helpdesk.sheet.breaches_none", lang))

    writer.heading(t("helpdesk.sheet.plan_heading", lang), 13)
    writer.paragraph(t("helpdesk.sheet.plan_hint", lang), italic=True)
    if not plan.groups:
        writer.paragraph(t("helpdesk.sheet.plan_empty", lang))
    for group in plan.groups:
        writer.heading(group.title, 11.5)
        for item in group.items:
            writer.plan_item(item, item.id in done_items or item.code in done_items)

    writer.heading(t("helpdesk.sheet.notes_heading", lang), 13)
    doc.setProperty(_NOTES_PROPERTY, writer.cursor.blockNumber())
    for _ in range(4):
        writer.paragraph("_" * 60, color="#999999")
    return doc


def _keep_notes_together(doc: QTextDocument, page_height: float) -> None:
    """Move the notes heading to a new page when its lines would spill over alone onto the next one."""
    number = doc.property(_NOTES_PROPERTY)
    if not isinstance(number, int):
        return
    heading = doc.findBlockByNumber(number)
    last = doc.lastBlock()
    layout = doc.documentLayout()
    first_page = int(layout.blockBoundingRect(heading).top() // page_height)
    last_page = int(layout.blockBoundingRect(last).bottom() // page_height)
    if heading.isValid() and first_page != last_page:
        cursor = QTextCursor(heading)
        fmt = heading.blockFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        cursor.setBlockFormat(fmt)


def has_cjk(text: str) -> bool:
    """True when `text` holds a Chinese, Japanese or Korean character (or a full-width form)."""
    return any("\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"
               or "\uff00" <= ch <= "\uffef" for ch in text)


def _found_classes(plan: Plan, lang: str) -> tuple[str, ...]:
    """Labels of the data classes in the breaches found, then of those that triggered advice.

    Each kind of data once: an HIBP class and its `cn_*` counterpart (both the ID number) are one line, not two.
    The kinds of detail that could not be checked are left out unless a leak found holds them: a presumed step's
    classes, and those a matched step shares with them (M-02 is there for a found email address, but it lists
    phone numbers too), are a detail nobody checked, not one that was exposed.
    """
    from exposurecheck.core.advice.unchecked import presumed_classes

    unchecked = presumed_classes(IdentifierType(kind) for kind in plan.unchecked)
    keys = [c for b in plan.breaches for c in b.data_classes]
    keys += [c for item in plan.items() if not item.presumed for c in item.triggered_by
             if c != _ALWAYS and c not in unchecked]
    return distinct_class_labels(keys, lang)


class _Writer:
    """Appends formatted plain text to a QTextDocument through one cursor."""

    def __init__(self, doc: QTextDocument, lang: str) -> None:
        self.doc = doc
        self.lang = lang
        self.cursor = QTextCursor(doc)
        self._first = True

    def _block(self, *, space_before: float = 0, space_after: float = 4, indent: int = 0) -> None:
        fmt = QTextBlockFormat()
        fmt.setTopMargin(space_before)
        fmt.setBottomMargin(space_after)
        fmt.setIndent(indent)
        if self._first:
            self.cursor.setBlockFormat(fmt)
            self._first = False
        else:
            self.cursor.insertBlock(fmt)

    def _char(
        self, *, size: float = _BODY_PT, bold: bool = False, italic: bool = False, color: str = "", text: str = ""
    ) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFont(_font(self.lang, size, bold=bold))
        # CJK fonts have no italic: Qt would slant the glyphs synthetically, which is hard to read. So no italic on
        # a Chinese sheet, nor for text holding a CJK character on an English one ("emergency stop (紧急止付)");
        # that emphasis is grey instead.
        if italic and (self.lang == "zh_CN" or has_cjk(text)):
            italic = False
            color = color or "#444444"
        fmt.setFontItalic(italic)
        if color:
            fmt.setForeground(QBrush(QColor(color)))
        return fmt

    def heading(self, text: str, size: float) -> None:
        self._block(space_before=8, space_after=4)
        self.cursor.insertText(plain(text, 300), self._char(size=size, bold=True))

    def paragraph(
        self, text: str, *, bold: bool = False, italic: bool = False, color: str = "", indent: int = 0
    ) -> None:
        self._block(indent=indent)
        self.cursor.insertText(plain(text), self._char(bold=bold, italic=italic, color=color, text=text))

    def contact_block(self, profile: Profile) -> None:
        self._block(space_before=4, space_after=0)
        frame_format = QTextFrameFormat()
        frame_format.setBorder(1)
        frame_format.setBorderBrush(QBrush(QColor("#666666")))
        frame_format.setPadding(6)
        frame_format.setMargin(0)
        frame_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        self.cursor.insertFrame(frame_format)
        self.cursor.insertText(t("helpdesk.sheet.contact_heading", self.lang), self._char(size=9, color="#444444"))
        lines = profile.contact_lines(self.lang)
        for number, line in enumerate(lines):
            self.cursor.insertBlock(QTextBlockFormat())
            self.cursor.insertText(plain(line, 300), self._char(size=12 if number == 0 else _BODY_PT, bold=number == 0))
        self.cursor.movePosition(QTextCursor.MoveOperation.End)

    def plan_item(self, item: PlanItem, done: bool) -> None:
        lang = self.lang
        self._block(space_before=4, space_after=2)
        table_format = QTextTableFormat()
        table_format.setBorder(0)
        table_format.setCellPadding(1)
        table_format.setCellSpacing(0)
        table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        table_format.setColumnWidthConstraints(
            [QTextLength(QTextLength.Type.FixedLength, 22), QTextLength(QTextLength.Type.VariableLength, 0)]
        )
        table = self.cursor.insertTable(1, 2, table_format)
        box = table.cellAt(0, 0).firstCursorPosition()
        box.insertText(_TICK_DONE if done else _TICK_OPEN, self._char(size=14))
        cell = table.cellAt(0, 1).firstCursorPosition()
        # Marked as on every screen when only a detail that could not be checked put it in the plan.
        shown = t("outcome.item_presumed", lang, title=item.title) if item.presumed else item.title
        title = t("helpdesk.sheet.item_title", lang, code=item.code, title=shown)
        cell.insertText(plain(title, 400), self._char(size=11, bold=True))
        minutes = t("helpdesk.sheet.item_time", lang, count=item.time_needed_min)
        cell.insertText("  " + minutes, self._char(size=9, color="#444444"))
        cell.insertBlock()
        cell.insertText(plain(item.summary), self._char())
        for number, step in enumerate(item.steps, start=1):
            cell.insertBlock()
            cell.insertText(plain(f"{number}. {advice_step_text(step, lang)}"), self._char(size=9.5))
        if item.done_check:
            cell.insertBlock()
            check = t("helpdesk.sheet.done_check", lang, check=item.done_check)
            cell.insertText(plain(check), self._char(size=9.5, italic=True, text=check))
        for contact in item.help:
            parts = [contact.label, contact.phone or "", contact.url or ""]
            cell.insertBlock()
            cell.insertText(
                plain(t("helpdesk.sheet.help", lang, contact=" · ".join(p for p in parts if p))), self._char(size=9.5)
            )
        self.cursor.movePosition(QTextCursor.MoveOperation.End)
