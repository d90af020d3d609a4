"""About: the top bar's button opens a dialog with the version, the GPL text and the third-party notices.

The notices are written by the real generator (packaging/third_party_notices.py) for a few real files of this
environment (Qt's core library, libsodium's binding, a stdlib module), the way build.spec writes them for a bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path

import PySide6
import pytest
from PySide6.QtWidgets import QLabel

from exposurecheck import __version__
from exposurecheck.gui.about import AboutDialog, LicenceFiles, licence_files
from tests.conftest import REPO
from tests.support.scripts import load_script


def _generator():
    return load_script(REPO / "packaging" / "third_party_notices.py")


@pytest.fixture
def generated(tmp_path: Path) -> LicenceFiles:
    qt_core = next(Path(PySide6.__file__).parent.glob("QtCore.*"))
    entries = [
        (f"PySide6/{qt_core.name}", str(qt_core), "EXTENSION"),
        ("exposurecheck/core/crypto/sodium.py", str(REPO / "desktop/exposurecheck/core/crypto/sodium.py"), "PYMODULE"),
        ("json", str(Path(sys.modules["json"].__file__ or "")), "PYMODULE"),
    ]
    out = tmp_path / "licenses"
    _generator().write_notices(entries, out, project_root=REPO, project_name="Exposure Check", version=__version__)
    return LicenceFiles(out / "LICENSE", out / "THIRD-PARTY-NOTICES.txt")


def test_about_button_opens_the_dialog_with_version_licence_and_notices(qtbot, make_window, generated, monkeypatch):
    monkeypatch.setattr("exposurecheck.gui.about.licence_files", lambda: generated)
    window = make_window()
    button = window.top.about_button
    assert button.text() == "About" and button.accessibleName()
    button.click()
    dialog = button.dialog
    assert isinstance(dialog, AboutDialog)
    qtbot.waitUntil(dialog.isVisible)
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert __version__ in shown and "GNU General Public License" in shown
    licence = dialog.licence_view.toPlainText()
    assert licence.startswith("                    GNU GENERAL PUBLIC LICENSE") and "Version 3, 29 June 2007" in licence
    notices = dialog.notices_view.toPlainText()
    # Qt for Python under the LGPL with its text, and Python under the PSF licence: traced from the real files.
    assert "PySide6_Essentials" in notices or "PySide6-Essentials" in notices
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in notices
    assert "Python" in notices and "PSF" in notices
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["Licence", "Third-party software"]
    dialog.close()


def test_about_follows_the_window_language(qtbot, make_window, generated, monkeypatch):
    monkeypatch.setattr("exposurecheck.gui.about.licence_files", lambda: generated)
    window = make_window(lang="zh_CN")
    assert window.top.about_button.text() == "关于"
    dialog = window.top.about_button.open_dialog()
    assert dialog.windowTitle() == "关于信息泄露自查"
    assert dialog.tabs.tabText(1) == "第三方软件"
    dialog.close()


def test_missing_notices_are_explained_not_blank(qtbot, tmp_path):
    dialog = AboutDialog("en", files=LicenceFiles(REPO / "LICENSE", tmp_path / "absent.txt"))
    qtbot.addWidget(dialog)
    assert "GNU GENERAL PUBLIC LICENSE" in dialog.licence_view.toPlainText()
    assert "when the app is packaged" in dialog.notices_view.toPlainText()


def test_from_source_the_licence_is_the_checkouts():
    files = licence_files()
    assert files.licence == REPO / "LICENSE"
    assert files.licence.read_text(encoding="utf-8").lstrip().startswith("GNU GENERAL PUBLIC LICENSE")
