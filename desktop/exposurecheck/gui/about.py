"""About Exposure Check: the version, the licence (GPL-3.0-or-later) and the notices of the third-party software
the app ships with (Python, Qt for Python under the LGPL, libsodium, ...).

The texts are files, found where they are:
- in a frozen bundle (installer, .deb, tarball, USB kit): `licenses/` in the bundle's internal folder, written by
  the build (packaging/third_party_notices.py generates the notices from the files really bundled);
- from a source checkout: LICENSE at the top, and the notices of the last bundle built from it
  (build/licenses/), if any; otherwise the dialog says where they come from.

Self-contained: the top bar only adds an `AboutButton`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from exposurecheck import __version__
from exposurecheck.gui.text import t

NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
# The notices list every bundled component with its licence texts: about 1 MB. A file many times that size is
# not ours; showing only its start keeps the dialog responsive.
MAX_TEXT_BYTES = 8_000_000


@dataclass(frozen=True)
class LicenceFiles:
    licence: Path
    notices: Path


def licence_files() -> LicenceFiles:
    """Where this copy of the app keeps its licence and notices (see the module docstring)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        folder = Path(frozen_root) / "licenses"
        return LicenceFiles(folder / "LICENSE", folder / NOTICES_NAME)
    checkout = Path(__file__).resolve().parents[3]
    return LicenceFiles(checkout / "LICENSE", checkout / "build" / "licenses" / NOTICES_NAME)


def _read(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TEXT_BYTES)
    except OSError:
        return None
    return data.decode("utf-8", errors="replace")


def _text_view(text: str, name: str) -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setObjectName(name)
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)  # licence texts are laid out in fixed columns
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setPlainText(text)
    return view


class AboutDialog(QDialog):
    """Version and licence on top; the licence text and the third-party notices in two tabs."""

    def __init__(self, lang: str, parent: QWidget | None = None, files: LicenceFiles | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.files = files or licence_files()
        self.setWindowTitle(t("about.title", lang))
        heading = QLabel(t("about.heading", lang, version=__version__))
        heading.setObjectName("aboutHeading")
        font = QFont(heading.font())
        font.setBold(True)
        heading.setFont(font)
        summary = QLabel(t("about.summary", lang))
        summary.setObjectName("aboutSummary")
        summary.setWordWrap(True)
        for label in (heading, summary):
            label.setTextFormat(Qt.TextFormat.PlainText)

        licence = _read(self.files.licence)
        notices = _read(self.files.notices)
        self.licence_view = _text_view(licence or t("about.licence_missing", lang), "aboutLicence")
        self.notices_view = _text_view(notices or t("about.notices_missing", lang), "aboutNotices")
        self.tabs = QTabWidget()
        # The tab bar takes the focus; the tab widget around it is not a Tab stop of its own (a screen reader would
        # meet an unnamed, focusable container before the tabs). Qt passes the policy on to the tab bar: set back.
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tabs.addTab(self.licence_view, t("about.tab.licence", lang))
        self.tabs.addTab(self.notices_view, t("about.tab.notices", lang))
        for view in (self.licence_view, self.notices_view):
            view.setAccessibleName(self.tabs.tabText(self.tabs.indexOf(view)))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)


class AboutButton(QPushButton):
    """The top bar's "About" button: opens the dialog in the language the window shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutButton")
        self._lang = "en"
        self.dialog: AboutDialog | None = None
        self.clicked.connect(self.open_dialog)

    def retranslate(self, lang: str) -> None:
        self._lang = lang
        self.setText(t("about.button", lang))
        self.setAccessibleName(t("about.button_name", lang))

    def open_dialog(self) -> AboutDialog:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        # Window-modal and opened with open(), not exec(): no nested event loop (the exception hook relies on that).
        self.dialog = AboutDialog(self._lang, self.window())
        self.dialog.open()
        return self.dialog
