"""The case sheet: a real PDF from a real check with canary identifiers, read back with pdftotext and pdftoppm.

It must contain none of the identifiers (not even masked), read in both languages, carry the NGO block from a
signed profile, and say DEMO on every page in training mode.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtGui import QImage

from exposurecheck.core.advice import HelpContact, Plan, PlanGroup, PlanItem, Step, plan_for_report
from exposurecheck.core.check import check
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType, mask, normalize
from exposurecheck.core.report import Report
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.core.trust import profile as prof
from exposurecheck.gui.case_sheet import build_document, write_case_sheet
from tests.gui.conftest import PASSWORD, ListSource

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

CANARIES = {
    IdentifierType.PHONE: "138 0013 8000",
    IdentifierType.EMAIL: "Canary.ZQ7@Example.org",
    IdentifierType.CN_ID: "11010519491231002X",
    IdentifierType.USERNAME: "canary_user_zq7",
}


def canary_check(pwned_url: str) -> tuple[Report, list[str]]:
    """A real check: canaries found by an offline source with real catalog breaches, the password by Pwned
    Passwords on loopback. Returns the report and every string that must never reach a sheet."""
    identifiers = [normalize(kind, raw) for kind, raw in CANARIES.items()]
    breaches = {
        IdentifierType.PHONE: ("shanghai_police_2022",),
        IdentifierType.EMAIL: ("weibo_2020",),
        IdentifierType.CN_ID: ("shanghai_police_2022",),
        IdentifierType.USERNAME: ("weibo_2020",),
    }
    known = {i.canonical: breaches[i.type] for i in identifiers}
    password = normalize(IdentifierType.PASSWORD, PASSWORD)
    report = check([*identifiers, password], [ListSource(known), PwnedPasswordsSource(pwned_url)])
    sha1 = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest()
    forbidden = [*CANARIES.values(), PASSWORD, sha1, sha1.upper(), sha1[:10], sha1[:10].upper()]
    for identifier in identifiers:
        forbidden += [identifier.canonical, mask(identifier)]
    forbidden += ["13800138000", "0013 8000", "canary.zq7", "canary_user", "1949123100", "110105194912"]
    forbidden += [e.hint for e in report.exposures if e.hint]
    return report, sorted(set(forbidden))


def pdf_text(path: Path, first: int | None = None, *, layout: bool = True) -> str:
    # -layout keeps table rows on one line; -raw also keeps text drawn at an angle (the DEMO watermark).
    args = ["pdftotext", "-layout" if layout else "-raw", "-enc", "UTF-8"]
    if first is not None:
        args += ["-f", str(first), "-l", str(first)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def raw_and_inflated(path: Path) -> bytes:
    """The PDF's bytes plus every Flate stream decompressed (text could hide in a compressed stream)."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        try:
            parts.append(zlib.decompressobj().decompress(data[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def assert_no_identifiers(path: Path, forbidden: list[str]) -> None:
    text = pdf_text(path) + pdf_text(path, layout=False)
    flat = " ".join(text.split())
    raw = raw_and_inflated(path)
    for value in forbidden:
        assert value not in text and value not in flat, "an identifier reached the sheet's text"
        for encoding in ("utf-8", "utf-16-be", "latin-1"):
            try:
                encoded = value.encode(encoding)
            except UnicodeEncodeError:
                continue
            assert encoded not in raw, "an identifier reached the PDF's bytes"


@pytest.fixture
def ngo_profile(tmp_path: Path) -> prof.Profile:
    body = prof.ProfileBody(
        name_en="Safe Lines Network",
        name_zh="安全热线网络",
        hotline="400-123-4567",
        website="https://safelines.example.org",
        email="help@safelines.example.org",
    )
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    return prof.load_profile(path)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_sheet_from_a_canary_check_has_no_identifiers_and_reads_well(
    qapp,
    pwned,
    ngo_profile: prof.Profile,
    tmp_path: Path,
    lang: str,  # type: ignore[no-untyped-def]
) -> None:
    report, forbidden = canary_check(pwned.url)
    assert len(report.exposures) == 5  # every canary was really found
    plan = plan_for_report(report, lang)
    done = {plan.items()[0].id}
    sheet = write_case_sheet(plan, tmp_path / f"sheet-{lang}.pdf", lang, profile=ngo_profile, done_items=done)

    assert_no_identifiers(sheet, forbidden)
    text = pdf_text(sheet) + pdf_text(sheet, layout=False)
    flat = " ".join(text.split())
    # The NGO block from the signed profile.
    assert ngo_profile.name(lang) in flat
    assert "400-123-4567" in flat and "https://safelines.example.org" in flat and "help@safelines.example.org" in flat
    # Breach names, codes with tick boxes (the first one ticked), and the date.
    for breach in plan.breaches:
        assert breach.title in flat
    for item in plan.items():
        assert item.code in flat
    assert f"☑ {plan.items()[0].code}" in flat
    assert f"☐ {plan.items()[1].code}" in flat
    assert "DEMO" not in text
    if lang == "zh_CN":
        assert "个案记录单" in flat and "泄露的信息类型" in flat and "手机号" in flat
    else:
        assert "Kinds of information that were exposed" in flat and "Phone numbers" in flat

    # Every page renders to an image with ink on it, kept for review in a tmp folder.
    out = tmp_path / f"png-{lang}"
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(sheet), str(out / "page")], check=True)
    images = sorted(out.glob("page-*.png"))
    assert len(images) == pdf_pages(sheet) >= 1
    for image_path in images:
        image = QImage(str(image_path))
        assert not image.isNull()
        gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
        pixels = bytes(gray.constBits())
        ink = sum(1 for value in pixels[::3] if value < 160)
        assert ink > 500, f"{image_path.name} looks blank"


def test_the_check_would_catch_an_identifier(qapp, pwned, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A control: put the phone canary into the NGO block and the same assertions must fail."""
    report, forbidden = canary_check(pwned.url)
    body = prof.ProfileBody(name_en="Leaky Org", hotline="13800138000")
    leaky = prof.parse_profile(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    sheet = write_case_sheet(plan_for_report(report, "en"), tmp_path / "leaky.pdf", "en", profile=leaky)
    with pytest.raises(AssertionError):
        assert_no_identifiers(sheet, forbidden)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_demo_on_every_page(qapp, pwned, tmp_path: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    report, _ = canary_check(pwned.url)
    sheet = write_case_sheet(plan_for_report(report, lang), tmp_path / "demo.pdf", lang, demo=True)
    pages = pdf_pages(sheet)
    assert pages >= 2  # the plan is long enough that "every page" means something
    mark = "DEMO" if lang == "en" else "演示"
    for page in range(1, pages + 1):
        assert mark in pdf_text(sheet, page)
        # The watermark in the sheet's language: a Chinese sheet carries no English word (issue 12.7).
        raw = pdf_text(sheet, page, layout=False)
        assert mark in raw and (lang == "en" or "DEMO" not in raw)


def test_plan_marked_demo_is_marked_even_without_the_flag(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = Plan("en", "Practice.", (), demo=True)
    sheet = write_case_sheet(plan, tmp_path / "demo.pdf", "en")
    assert "DEMO" in pdf_text(sheet)


def test_untrusted_text_is_printed_as_written(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    item = PlanItem(
        id="x",
        code="N-01",
        severity="high",
        when="now",
        title="<b>Bold</b> & <img src=x>",
        summary="Summary\u202ereversed",
        why="w",
        steps=(Step("<a href='http://evil'>click</a>", "ios"),),
        time_needed_min=3,
        done_check="",
        help=(HelpContact("Line", phone="110"),),
        sources=(),
        last_reviewed="2026-11-01",
    )
    plan = Plan("en", "S.", (PlanGroup("now", "Now", (item,)),))
    doc = build_document(plan, "en")
    assert "<b>Bold</b> & <img src=x>" in doc.toPlainText()
    assert "\u202e" not in doc.toPlainText()
    sheet = write_case_sheet(plan, tmp_path / "plain.pdf", "en")
    assert "<b>Bold</b> & <img src=x>" in pdf_text(sheet)


def test_nothing_found_sheet(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = plan_for_report(Report(), "zh_CN")
    text = pdf_text(write_case_sheet(plan, tmp_path / "none.pdf", "zh_CN"))
    assert "在已查询的数据来源中没有发现泄露" in " ".join(text.split())


def test_unwritable_path_is_a_clear_error(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError) as caught:
        write_case_sheet(Plan("en", "S.", ()), tmp_path / "no-such-folder" / "sheet.pdf", "en")
    assert caught.value.key == "helpdesk.case_sheet.write_failed"
    assert "sheet.pdf" in caught.value.message("en")


def test_print_path_paints_the_same_sheet(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinter

    from exposurecheck.gui.case_sheet import make_print_dialog, print_to

    dialog = make_print_dialog("zh_CN")
    assert dialog.windowTitle() == "打印个案记录单"
    printer = dialog.printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a "printer" that writes a file, as CUPS-PDF would
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    plan = plan_for_report(Report(), "zh_CN")
    assert print_to(printer, plan, "zh_CN", demo=True)
    dialog.deleteLater()
    text = pdf_text(tmp_path / "printed.pdf")
    assert "个案记录单" in text and "演示" in text
