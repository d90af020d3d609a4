"""Issue 12.7: a Print button for the case sheet that opens the system print dialog, and a sheet (printed or PDF) that
carries the steps marked done; the Chinese sheet's watermark is Chinese; CJK text is never slanted; no data class
listed twice. The print dialog is opened for real but never exec'd; printing goes to a PDF file through QPrinter,
the same painter path a printer gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter

from exposurecheck.core.advice import plan_for_presumed
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.presumed import load_questions
from exposurecheck.gui.case_sheet import build_document, has_cjk, write_case_sheet
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource
from tests.gui.test_case_sheet import pdf_text

TICK_DONE, TICK_OPEN = "☑", "☐"


def _results(qtbot, make_window, lang: str = "en"):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})], lang=lang)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    return window


def _mark_first_two_done(window) -> list[str]:
    boxes = [card.findChild(type(window.welcome.offline_box), "markDone") for card in window.results.item_cards[:2]]
    for box in boxes:
        box.setChecked(True)
    return sorted(window.session.done_items)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_print_opens_the_system_print_dialog_and_prints_the_done_marks(qtbot, make_window, tmp_path: Path, lang):
    window = _results(qtbot, make_window, lang)
    done = _mark_first_two_done(window)
    assert len(done) == 2
    button = window.results.print_button
    assert button.isVisible() and button.text() in {"Print case sheet…", "打印个案记录单…"}
    button.click()
    dialog = window.help_desk.print_dialog
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible(), "the system's print dialog, opened"
    assert dialog.windowTitle() in {"Print the case sheet", "打印个案记录单"}
    dialog.reject()  # the person could cancel; nothing is printed then
    assert window.results.status.text() == ""

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert window.help_desk.print_on(printer)
    text = pdf_text(tmp_path / "printed.pdf")
    assert text.count(TICK_DONE) == 2 and TICK_OPEN in text
    assert window.results.status.isVisible()


def test_the_chinese_sheet_has_one_name() -> None:
    """The buttons said 个案单, the print dialog and the sheet itself 个案记录单: a help-desk worker saying "press
    打印个案单" then saw another name. One name everywhere."""
    from exposurecheck.core.i18n import catalog

    short = {k: v for k, v in catalog("zh_CN").items() if "个案单" in v}
    assert short == {}
    assert "个案记录单" in catalog("zh_CN")["gui.results.print"]


def test_the_saved_pdf_carries_the_done_marks(qtbot, make_window, tmp_path: Path):
    window = _results(qtbot, make_window)
    _mark_first_two_done(window)
    assert window.help_desk.save_case_sheet(tmp_path / "sheet.pdf")
    assert pdf_text(tmp_path / "sheet.pdf").count(TICK_DONE) == 2


def _plan(lang: str):
    return plan_for_presumed({q.id: True for q in load_questions()}, lang)


def test_cjk_text_is_never_slanted(qapp) -> None:  # type: ignore[no-untyped-def]
    for lang in ("zh_CN", "en"):
        doc = build_document(_plan(lang), lang, demo=True)
        block = doc.begin()
        slanted = []
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                if fragment.charFormat().fontItalic() and (lang == "zh_CN" or has_cjk(fragment.text())):
                    slanted.append(fragment.text())
                iterator += 1
            block = block.next()
        assert slanted == [], lang


def test_italic_stays_for_english_without_cjk(qapp) -> None:  # type: ignore[no-untyped-def]
    doc = build_document(_plan("en"), "en")
    italic = []
    block = doc.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            if iterator.fragment().charFormat().fontItalic():
                italic.append(iterator.fragment().text())
            iterator += 1
        block = block.next()
    assert italic, "an English sheet still sets its hints in italic"


def test_the_chinese_watermark_is_chinese(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = write_case_sheet(_plan("zh_CN"), tmp_path / "zh.pdf", "zh_CN", demo=True)
    raw = pdf_text(sheet, 1, layout=False)
    assert "演示" in raw and "DEMO" not in raw


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_data_class_is_listed_twice(qapp, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    sheet = write_case_sheet(_plan(lang), tmp_path / "sheet.pdf", lang)
    text = pdf_text(sheet, layout=False)
    heading = {"en": "Kinds of information that were exposed", "zh_CN": "泄露的信息类型"}[lang]
    after = text.split(heading, 1)[1]
    listed = after.split({"en": "Data breaches", "zh_CN": "数据泄露事件"}[lang], 1)[0]
    items = [item.strip() for item in listed.replace("\n", "").split("、" if lang == "zh_CN" else ", ") if item.strip()]
    assert len(items) == len(set(items)) and len(items) >= 10
    # The ID number once, though two catalog classes name it (the HIBP class and the resident ID card).
    id_words = {"en": ("ID numbers", "Resident ID card number"), "zh_CN": ("身份证号等证件号码", "居民身份证号")}[lang]
    assert sum(1 for item in items for word in id_words if item.startswith(word)) == 1
