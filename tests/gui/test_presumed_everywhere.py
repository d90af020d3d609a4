"""Steps that rest on presumed exposure (a detail nothing here could check) are labelled wherever they appear, not
only in the plan's summary: on the case sheet, saved as a PDF and printed, and in guided mode, each such step is
marked "from large leaks, not a match", and the sheet and the step carry the one plain way to a real check. A step
a match put in the plan is not marked. The sheet still holds no identifier."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

from exposurecheck.core.advice import plan_for_report
from exposurecheck.core.check import check
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import IdentifierType, mask, normalize
from exposurecheck.gui.case_sheet import make_print_dialog, print_to, write_case_sheet
from tests.gui.conftest import PHONE_RAW, ListSource
from tests.gui.test_case_sheet import assert_no_identifiers, pdf_text

CN_ID = "11010519491231002X"
EMAIL = "canary.presumed@example.org"
# The mark as every screen shows it, around a title: "(from large leaks, not a match)" / "（据大型泄露推断，…）".
MARK = {lang: tr("outcome.item_presumed", lang, title="").strip() for lang in ("en", "zh_CN")}

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


class EmailOnly(ListSource):
    """Holds email addresses only: a phone number typed beside one cannot be checked here."""

    accepts = frozenset({IdentifierType.EMAIL})


def _typed(*kinds: IdentifierType):
    raw = {IdentifierType.PHONE: PHONE_RAW, IdentifierType.CN_ID: CN_ID, IdentifierType.EMAIL: EMAIL}
    return [normalize(kind, raw[kind]) for kind in kinds]


def _forbidden(identifiers) -> list[str]:
    values = [PHONE_RAW, CN_ID, EMAIL, "13800138000", "0013 8000", "1949123100", "canary.presumed"]
    for identifier in identifiers:
        values += [identifier.canonical, mask(identifier)]
    return sorted(set(values))


def _squeezed(text: str) -> str:
    """The text without any white space (a line break inside a Chinese title, or inside the mark, is gone) and
    with the PDF's typographic ligatures ("ﬁ") read as their letters."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _count_marks(text: str, lang: str) -> int:
    return _squeezed(text).count(_squeezed(MARK[lang]))


@needs_pdftotext
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_case_sheet_marks_each_presumed_step_and_says_how_to_get_a_real_check(qapp, tmp_path: Path, lang):
    identifiers = _typed(IdentifierType.PHONE, IdentifierType.CN_ID)
    report = check(identifiers, ())  # the no-data path: nothing here can check either detail
    plan = plan_for_report(report, lang)
    presumed = [item for item in plan.items() if item.presumed]
    plain = [item for item in plan.items() if not item.presumed]
    assert presumed and plain, "presumed steps, and the everyday ones nothing in particular put there"
    sheet = write_case_sheet(plan, tmp_path / f"no-data-{lang}.pdf", lang)

    assert_no_identifiers(sheet, _forbidden(identifiers))
    text = pdf_text(sheet) + pdf_text(sheet, layout=False)
    squeezed = _squeezed(text)
    # Each presumed step's title carries the mark, the others none: twice each, once per pdftotext reading.
    assert _count_marks(text, lang) == 2 * len(presumed)
    for item in presumed:
        assert _squeezed(tr("outcome.item_presumed", lang, title=item.title)) in squeezed, item.code
    for item in plain:
        assert _squeezed(item.title) in squeezed
        assert _squeezed(tr("outcome.item_presumed", lang, title=item.title)) not in squeezed, item.code
    # The one plain way to a real check, and no "kinds exposed" for details that were never checked.
    assert plan.unchecked_note and _squeezed(plan.unchecked_note) in squeezed
    assert _squeezed(tr("helpdesk.sheet.found_none_unchecked", lang)) in squeezed
    assert _squeezed(tr("helpdesk.sheet.found_none", lang)) not in squeezed
    exposed_labels = {"en": ("Phone numbers", "Government issued IDs"), "zh_CN": ("手机号码", "身份证号")}[lang]
    kinds_section = squeezed.split(_squeezed(tr("helpdesk.sheet.found_heading", lang)))[1]
    kinds_section = kinds_section.split(_squeezed(tr("helpdesk.sheet.breaches_heading", lang)))[0]
    assert not any(_squeezed(label) in kinds_section for label in exposed_labels), kinds_section


@needs_pdftotext
def test_the_printed_sheet_carries_the_same_marks(qapp, tmp_path: Path):
    identifiers = _typed(IdentifierType.PHONE)
    plan = plan_for_report(check(identifiers, ()), "zh_CN")
    dialog = make_print_dialog("zh_CN")
    printer = dialog.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a printer that writes a file, as CUPS-PDF would
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_to(printer, plan, "zh_CN")
    dialog.deleteLater()
    printed = tmp_path / "printed.pdf"
    assert_no_identifiers(printed, _forbidden(identifiers))
    text = pdf_text(printed)
    assert _count_marks(text, "zh_CN") == sum(1 for item in plan.items() if item.presumed) > 0
    assert _squeezed(plan.unchecked_note) in _squeezed(text)


@needs_pdftotext
def test_a_step_a_match_put_there_is_not_marked_on_the_sheet(qapp, tmp_path: Path):
    """The email address was found in a leak of emails and passwords; the phone number could not be checked."""
    identifiers = _typed(IdentifierType.PHONE, IdentifierType.EMAIL)
    report = check(identifiers, (EmailOnly({normalize(IdentifierType.EMAIL, EMAIL).canonical: ("netease_2015",)}),))
    plan = plan_for_report(report, "en")
    matched = [item for item in plan.items() if not item.presumed and item.triggered_by]
    presumed = [item for item in plan.items() if item.presumed]
    assert matched and presumed
    sheet = write_case_sheet(plan, tmp_path / "mixed.pdf", "en")
    assert_no_identifiers(sheet, _forbidden(identifiers))
    text = unicodedata.normalize("NFKC", pdf_text(sheet))
    flat = " ".join(text.split())
    assert _count_marks(text, "en") == len(presumed)
    for item in matched:
        assert f"{item.code} {item.title}" in flat and tr("outcome.item_presumed", "en", title=item.title) not in flat
    kinds = flat.split("Kinds of information that were exposed")[1].split("Data breaches")[0]
    assert "Email addresses" in kinds and "Phone numbers" not in kinds  # found, and only presumed


def _guided(qtbot, make_window, lang: str, sources, typed: dict[IdentifierType, str]):
    window = make_window(lambda _t: sources, lang=lang)
    window.show_page(window.details)
    for kind, value in typed.items():
        window.details.fields[kind].edit.setText(value)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    window.results.guided_button.click()
    assert window.current_page() is window.guided
    return window, window.guided.view


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_guided_mode_marks_each_presumed_step_and_says_how_to_get_a_real_check(qtbot, make_window, lang):
    window, view = _guided(qtbot, make_window, lang, [],
                           {IdentifierType.PHONE: PHONE_RAW, IdentifierType.CN_ID: CN_ID})
    plan = window.session.plan
    seen_plain = False
    for index, item in enumerate(plan.items()):
        view.go_to(index)
        position = view.position_label.text()
        if item.presumed:
            assert MARK[lang] in position, position
            note = view.presumed_label.text()
            assert view.presumed_label.isVisible()
            assert tr("helpdesk.guided.presumed", lang) in note and plan.unchecked_note in note
        else:
            seen_plain = True
            assert MARK[lang] not in position and not view.presumed_label.isVisible()
    assert seen_plain
    # The same on a step shown after a language switch (the view is rebuilt in the other language).
    other = "zh_CN" if lang == "en" else "en"
    window.set_language(other)
    view = window.guided.view
    view.go_to(0)
    qtbot.waitUntil(view.isVisible, timeout=5_000)  # the new view is shown at the next turn of the event loop
    assert MARK[other] in view.position_label.text() and view.presumed_label.isVisible()
    assert tr("helpdesk.guided.presumed", other) in view.presumed_label.text()


def test_guided_mode_leaves_a_matched_step_unmarked(qtbot, make_window):
    source = EmailOnly({normalize(IdentifierType.EMAIL, EMAIL).canonical: ("netease_2015",)})
    window, view = _guided(qtbot, make_window, "en", [source],
                           {IdentifierType.PHONE: PHONE_RAW, IdentifierType.EMAIL: EMAIL})
    items = window.session.plan.items()
    matched = next(n for n, item in enumerate(items) if not item.presumed and item.triggered_by)
    view.go_to(matched)
    assert MARK["en"] not in view.position_label.text() and not view.presumed_label.isVisible()
    presumed = next(n for n, item in enumerate(items) if item.presumed)
    view.go_to(presumed)
    assert MARK["en"] in view.position_label.text() and view.presumed_label.isVisible()
