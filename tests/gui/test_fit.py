"""Issue 12.8: guided mode's phone-type box is never cut off (both languages, and the stretch pseudolocale); a new
step starts scrolled to its top; the window never opens larger than the screen's free area (200% scaling on a
1920×1080 screen included); English plurals are right; Qt's own dialogs speak Chinese when the app does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel, QPushButton

from exposurecheck.core.advice import PlanItem
from exposurecheck.core.i18n import catalog, tr
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.gui.layout_check import clipped_widgets
from exposurecheck.gui.plan_cards import item_card
from exposurecheck.gui.translation import QtTranslations
from tests.conftest import REPO, cli_env
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource


def _guided(qtbot, make_window, lang: str):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})], lang=lang)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    window.results.guided_button.click()
    QApplication.processEvents()
    return window


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("stretched", [False, True])
def test_the_phone_type_box_is_never_cut_off(qtbot, make_window, monkeypatch, lang, stretched):
    if stretched:
        monkeypatch.setenv("EXPOSURECHECK_PSEUDO", "1")
    window = _guided(qtbot, make_window, lang)
    box = window.guided.view.phone_box
    for index in range(box.count()):  # every choice, not only the one shown first
        box.setCurrentIndex(index)
        QApplication.processEvents()
        assert "phoneType" not in clipped_widgets(window), box.currentText()
        assert box.width() >= box.fontMetrics().horizontalAdvance(box.currentText())


def test_the_layout_check_catches_a_cut_off_box(qtbot, make_window):
    window = _guided(qtbot, make_window, "en")
    window.guided.view.phone_box.setMaximumWidth(60)
    QApplication.processEvents()
    assert "phoneType" in clipped_widgets(window)


def test_a_new_step_starts_at_its_top(qtbot, make_window):
    from exposurecheck.gui.style import apply_base_font

    app = QApplication.instance()
    font = app.font()
    apply_base_font(app)  # the app's own 14 pt: steps are longer than the window, as for real
    window = _guided(qtbot, make_window, "en")
    window.resize(800, 600)
    QApplication.processEvents()
    bar = window._wrappers[window.guided].verticalScrollBar()
    for press in (window.guided.view.next_button.click, window.guided.view.done_button.click):
        bar.setValue(bar.maximum())
        assert bar.maximum() > 0 and bar.value() > 0, "a long step, scrolled down to its buttons"
        press()
        QApplication.processEvents()
        assert bar.value() == 0
    app.setFont(font)


def test_the_window_fits_a_small_screen(qtbot, make_window):
    window = make_window()
    for available in (QRect(0, 0, 960, 540 - 32), QRect(0, 27, 1366, 768 - 27), QRect(1920, 0, 1280, 720)):
        window.fit_to(available)
        assert window.width() <= available.width() - 16 and window.height() <= available.height() - 40
        assert available.contains(window.geometry()) and available.contains(window.frameGeometry())
    window.fit_to(QRect(0, 0, 2560, 1400))
    assert (window.width(), window.height()) == (1024, 768), "the designed size when there is room"


SCREEN_SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    from exposurecheck.gui.app import create_window
    running = create_window("en", install_hook=False)  # QT_QPA_PLATFORM names the screen (offscreen=True would not)
    screen = running.app.primaryScreen()
    area = screen.availableGeometry()
    running.window.fit_to(area)
    running.window.show()
    QApplication.processEvents()
    frame = running.window.frameGeometry()
    print(screen.devicePixelRatio(), area.width(), area.height(), frame.width(), frame.height())
    sys.exit(0 if area.contains(frame) else 1)
    """
)


def test_at_200_percent_on_a_1920x1080_screen_the_window_fits(tmp_path: Path):
    config = tmp_path / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96,
              "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}))
    env = cli_env({"QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": f"offscreen:configfile={config}"})
    result = subprocess.run([sys.executable, "-c", SCREEN_SCRIPT], env=env, capture_output=True, text=True,
                            timeout=120, check=False, cwd=str(REPO))
    ratio, area_w, area_h, *_ = result.stdout.split()
    assert (float(ratio), int(area_w), int(area_h)) == (2.0, 960, 540), result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_app_opens_fitted_to_the_screen():
    """`run()` sizes the window with `fit_to`, never with a fixed size."""
    source = (REPO / "desktop" / "exposurecheck" / "gui" / "app.py").read_text()
    run = source[source.index("def run("):]
    assert "fit_to(screen.availableGeometry())" in run and ".resize(" not in run


def _item(minutes: int) -> PlanItem:
    return PlanItem("id.x", "X-01", "high", "today", "A title", "A summary.", "A reason.", (), minutes, "", (), (),
                    "2026-01-01")


def test_english_plurals(qtbot):
    card = item_card(_item(1), "en", False, lambda _id, _done: None)
    qtbot.addWidget(card)
    assert "Time needed: about 1 minute" in [label.text() for label in card.findChildren(QLabel)]
    assert tr("gui.glance.leaks", "en", count=1) == "The leak your details were in"
    assert tr("gui.glance.today", "en", count=1) == "Do this 1 thing today"
    assert tr("helpdesk.guided.time", "en", count=1) == "Takes about 1 minute."
    assert tr("helpdesk.sheet.item_time", "en", count=1) == "about 1 minute"
    assert tr("gui.saved.findings", "en", count=1) == "1 finding"
    assert tr("gui.wipe.confirm_text", "en", count=1).startswith("This deletes the 1 saved check,")


def test_every_counted_english_message_has_its_singular():
    """A message that counts ({count}) in the window or on the sheet has its "one" form, so no "1 minutes"."""
    en = catalog("en")
    missing = [key for key, text in en.items() if key.split(".")[0] in ("gui", "helpdesk", "outcome")
               and "{count}" in text and not key.endswith(".one") and f"{key}.one" not in en]
    assert missing == []
    # And no message counts with a number written into the text ("{minutes} min" was one).
    assert [k for k, v in en.items() if k.startswith(("gui.", "helpdesk.")) and re.search(r"\{minutes\}", v)] == []


def test_qt_dialogs_speak_chinese_when_the_app_does(qtbot):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    app = QApplication.instance()
    translations = QtTranslations(app)
    try:
        assert translations.apply("zh_CN"), "qtbase_zh_CN.qm was found"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Open)
        qtbot.addWidget(box)
        assert {b.text().replace("&", "") for b in box.buttons()} >= {"取消"}
        files = QFileDialog(None, "x")
        files.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(files)
        labels = " ".join(w.text() for w in files.findChildren(QPushButton))
        assert "取消" in labels
        printer = QPrinter()
        printing = QPrintDialog(printer)
        qtbot.addWidget(printing)
        assert "打印" in " ".join(w.text() for w in printing.findChildren(QPushButton)).replace("&", "")
    finally:
        translations.apply("en")


def test_the_frozen_app_keeps_qts_chinese_catalog():
    """build.spec leaves qtbase_zh_CN.qm in (a missing catalog fails silently: English buttons in a Chinese app)."""
    spec = (REPO / "build.spec").read_text()
    match = re.search(r"_LEFT_OUT = \[(.*?)\n\]", spec, re.S)
    assert match
    patterns = re.findall(r'r"([^"]+)"', match.group(1))
    left_out = re.compile("|".join(f"(?:{p})" for p in patterns))
    for kept in ("PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/Qt/plugins/imageformats/libqsvg.so",
                 "PySide6/Qt/plugins/iconengines/libqsvgicon.so"):
        assert not left_out.search(kept), kept
    bundle = REPO / "dist" / "exposure-check" / "_internal" / "PySide6" / "Qt" / "translations"
    if bundle.is_dir():  # a bundle built from this checkout
        assert (bundle / "qtbase_zh_CN.qm").is_file()
