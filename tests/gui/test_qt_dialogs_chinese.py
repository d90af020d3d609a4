"""Issue 12.8, "Qt's own dialogs (file, print) speak Chinese when the app does": opened the way the app opens them
(Save case sheet, Open a data file, Print case sheet, and the print dialog's Options and Properties), in Chinese,
every text a person can see (labels, buttons, tooltips, list items, column headers, tabs, group titles, menu
entries, window titles) holds no English word but the few listed below with why.

Qt's own qtbase_zh_CN catalog left "&Look in:", "Files of &type:", "Page &Set:", "Page &order:" and
"Pages &per sheet:" in English (its Chinese predates the accelerators Qt 6 added); resources/gui/qt/dialogs_zh_CN.ts
fills them in. Offscreen there is no platform theme, so these are Qt's own widget dialogs, the ones the bundle uses
(it leaves the GTK theme out).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QWidget,
)

from exposurecheck.gui.translation import SUPPLEMENTS, QtTranslations
from tests.conftest import REPO
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource

SOURCE = REPO / "resources" / "gui" / "qt" / "dialogs_zh_CN.ts"
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")

# Words that stay as they are in Chinese, and why.
KEPT_WORDS = {
    "PDF",  # the file format's name: Chinese writes it so ("PDF 文件")
    "pdf", "ecpack",  # file extensions in the dialogs' filters ("*.pdf"): what the person's files end with
    "mm", "in", "pt", "DD", "CC",  # unit symbols after their Chinese names: 毫米 (mm), 英寸 (in), 点 (pt)...
}
# Widgets whose words are not the dialog's: file and folder names on this computer (the person's own), and the
# paper-size list, where Qt's Chinese names keep the paper's own name as printed on the pack: A4, JIS B5,
# 美国信纸 (Letter).
NAMES_NOT_WORDS = {"lookInCombo", "sidebar", "listView", "treeView", "fileNameEdit", "filename", "pageSizeCombo"}


def _texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget, text) for every text of `root` and its visible children a person can see or hear."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget is not root and not widget.isVisibleTo(root):
            continue
        name = widget.objectName() or type(widget).__name__
        texts = [widget.windowTitle() if widget.isWindow() else "", widget.toolTip(), widget.accessibleName()]
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            texts += [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(model.columnCount())]
        texts += [action.text() for action in widget.findChildren(QAction)]
        found += [(name, text) for text in texts if text]
    return found


def _all_texts(root: QWidget) -> list[tuple[str, str]]:
    """`_texts`, with each tab of the dialog's tab widgets shown in turn (a tab's page is hidden until chosen: the
    print dialog's "Options", the printer properties' "Job options")."""
    texts = _texts(root)
    for tabs in root.findChildren(QTabWidget):
        current = tabs.currentIndex()
        for index in range(tabs.count()):
            if tabs.isTabEnabled(index):
                tabs.setCurrentIndex(index)
                texts += _texts(root)
        tabs.setCurrentIndex(current)
    return texts


def _english(root: QWidget) -> list[tuple[str, str]]:
    return sorted({(name, text) for name, text in _all_texts(root) if name not in NAMES_NOT_WORDS
                   and set(ENGLISH_WORD.findall(text.replace("&", ""))) - KEPT_WORDS})


@pytest.fixture
def chinese(qapp):  # type: ignore[no-untyped-def]
    translations = QtTranslations(qapp)
    assert translations.apply("zh_CN"), "Qt's qtbase_zh_CN.qm was found"
    yield translations
    translations.apply("en")


@pytest.fixture
def results_zh(qtbot, make_window, chinese, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """The results page in Chinese after a real check, with an empty home folder (the save dialog opens there)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})], lang="zh_CN")
    window.show_page(window.details)
    from exposurecheck.core.identifiers import IdentifierType

    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    return window


def _walk_modal_file_dialog(open_it) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Run `open_it` (which blocks in QFileDialog's static function) and read the dialog it shows, in both views."""
    seen: list[tuple[str, str]] = []
    dialogs: list[QFileDialog] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog), dialog
        dialogs.append(dialog)
        seen.extend(_english(dialog))
        dialog.setViewMode(QFileDialog.ViewMode.Detail)  # the column headers: name, size, type, date
        QApplication.processEvents()
        seen.extend(_english(dialog))
        dialog.reject()

    QTimer.singleShot(0, read_and_close)
    open_it()
    assert dialogs, "the file dialog opened"
    return seen


def test_the_save_dialog_for_the_case_sheet_has_no_english(results_zh):  # type: ignore[no-untyped-def]
    assert _walk_modal_file_dialog(results_zh.help_desk.ask_case_sheet_path) == []


def test_the_open_dialog_for_a_data_file_has_no_english(results_zh):  # type: ignore[no-untyped-def]
    assert _walk_modal_file_dialog(results_zh.flow.ask_pack_file) == []


def test_the_print_dialog_has_no_english_with_its_options_and_properties(results_zh, qtbot):  # type: ignore[no-untyped-def]
    results_zh.results.print_button.click()
    dialog = results_zh.help_desk.print_dialog
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible()
    assert _english(dialog) == []
    options = next(b for b in dialog.findChildren(QPushButton) if ">>" in b.text())
    options.click()  # copies, page range, "which pages" (Page &Set), colour, both sides
    QApplication.processEvents()
    assert _english(dialog) == []
    assert any("打印哪些页" in text for _name, text in _texts(dialog)), "the page-set label is shown, in Chinese"

    seen: list[tuple[str, str]] = []
    opened: list[QWidget] = []

    def read_and_close() -> None:
        properties = QApplication.activeModalWidget()
        assert isinstance(properties, QDialog) and properties is not dialog
        opened.append(properties)
        seen.extend(_english(properties))
        seen.extend(("texts", text) for _n, text in _all_texts(properties))
        properties.reject()

    QTimer.singleShot(0, read_and_close)
    next(b for b in dialog.findChildren(QPushButton) if b.objectName() == "properties").click()  # paper, margins
    assert opened, "the printer's properties opened"
    assert [s for s in seen if s[0] != "texts"] == []
    assert ("texts", "每张纸印几页(&P)：") in seen, "pages per sheet is shown, in Chinese"
    assert ("texts", "什么时候打印(&P)：") in seen, "the job options tab was read, in Chinese"
    dialog.reject()


def _messages() -> list[tuple[str, str, str | None, str]]:
    root = ET.parse(SOURCE).getroot()  # noqa: S314  # our own file in the repository
    out = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            out.append((name, message.findtext("source") or "", message.findtext("comment"),
                        message.findtext("translation") or ""))
    return out


def test_the_supplement_is_built_from_its_source_and_says_ni(chinese):  # type: ignore[no-untyped-def]
    """The committed .qm says what the .ts says (a stale .qm fails here; rebuild it as the .ts says), it wins over
    Qt's own catalog, and it addresses the reader as 你."""
    messages = _messages()
    assert len(messages) >= 20
    for context, source, comment, translation in messages:
        assert QCoreApplication.translate(context, source, comment) == translation, (context, source)
        assert "您" not in translation
    # the questions Qt's catalog asks with 您 now say 你's way (no 您 at all)
    replace = QCoreApplication.translate("QFileDialog", "%1 already exists.\nDo you want to replace it?")
    assert "您" not in replace and "%1" in replace


def test_english_does_not_get_the_supplement(chinese):  # type: ignore[no-untyped-def]
    chinese.apply("en")
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "&Look in:"
    chinese.apply("zh_CN")
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "位置(&L)："


def test_the_supplement_ships_in_the_wheel_and_the_bundle() -> None:
    """resources/ goes whole into the wheel (setup.py) and the bundle (build.spec's datas); the bundle's list of
    left-out files must not catch our .qm with Qt's 40 other languages."""
    qm = REPO / "resources" / Path(*SUPPLEMENTS["zh_CN"])
    assert qm.is_file() and qm.stat().st_size > 0
    spec_text = (REPO / "build.spec").read_text()
    match = re.search(r"_LEFT_OUT = \[(.*?)\n\]", spec_text, re.S)
    assert match
    left_out = re.compile("|".join(f"(?:{p})" for p in re.findall(r'r"([^"]+)"', match.group(1))))
    assert not left_out.search("resources/" + "/".join(SUPPLEMENTS["zh_CN"]))
    assert "copytree(ROOT / \"resources\"" in (REPO / "setup.py").read_text()
    bundle = REPO / "dist" / "exposure-check" / "_internal" / "resources"
    if bundle.is_dir() and (bundle / "gui" / "qt").is_dir():  # a bundle built from this checkout
        assert (bundle / Path(*SUPPLEMENTS["zh_CN"])).is_file()
