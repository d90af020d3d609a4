"""`exposure-check gui --self-test`: the installer's smoke test.

Starts the real window offscreen, checks a demo identity against the bundled demo pack (no network: training
mode uses only the demo pack), and verifies that the results page shows a plan with items, the breaches, and
the DEMO label, that nothing is clipped at 1024×768, that guided mode opens, that a case sheet PDF can be
written (in a temporary folder, removed at once) and that About shows the version, the licence and (frozen) the
third-party notices. Prints one line per finding, never an identifier, and returns
0 (all good) or 1.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QThreadPool

from exposurecheck.core.report import SourceState
from exposurecheck.gui.app import create_window
from exposurecheck.gui.drive import fill_demo_identity, run_check
from exposurecheck.gui.layout_check import clipped_widgets
from exposurecheck.gui.main_window import MainWindow


def _help_desk_parts(window: MainWindow) -> list[str]:
    """Guided mode opens, and a case sheet (demo plan only, no identifiers) is written as a PDF and removed."""
    found = []
    window.help_desk.open_guided()
    if window.guided.view is None or window.current_page() is not window.guided:
        found.append("guided mode did not open")
    with tempfile.TemporaryDirectory(prefix="exposure-check-self-test-") as folder:
        sheet = Path(folder) / "case-sheet.pdf"
        if not window.help_desk.save_case_sheet(sheet) or not sheet.read_bytes().startswith(b"%PDF"):
            found.append("the case sheet could not be written")
    return found


def _about_parts(lang: str) -> list[str]:
    """About shows the version and the GPL; a frozen app (installer, .deb, tarball) also the notices of what it
    bundles, read from its own licences folder (issue 17.2). From a checkout the notices exist only after a build."""
    from PySide6.QtWidgets import QLabel

    from exposurecheck import __version__
    from exposurecheck.gui.about import AboutDialog

    found = []
    dialog = AboutDialog(lang)
    shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
    if __version__ not in shown:
        found.append("About does not show the version")
    if "GNU GENERAL PUBLIC LICENSE" not in dialog.licence_view.toPlainText():
        found.append("About does not show the licence (LICENSE missing)")
    notices = dialog.notices_view.toPlainText()
    complete = "GNU LESSER GENERAL PUBLIC LICENSE" in notices and "libsodium" in notices
    if getattr(sys, "frozen", False) and not complete:
        found.append("About does not show the third-party notices (licenses/THIRD-PARTY-NOTICES.txt)")
    dialog.deleteLater()
    return found


def self_test(lang: str = "en") -> int:
    running = create_window(lang, pool=QThreadPool(), offscreen=True)
    window = running.window
    window.resize(1024, 768)
    window.show()
    problems: list[str] = []
    if fill_demo_identity(window) is None:
        problems.append("no demo identities in resources/training/identities.json")
    elif not run_check(window):
        problems.append("the check did not finish")
    else:
        report, plan = window.session.report, window.session.plan
        if report is None or plan is None:
            problems.append("no report or plan after the check")
        else:
            if any(s.state is not SourceState.OK for s in report.sources):
                problems.append("a source did not answer: " + ", ".join(
                    f"{s.name}={s.state.value}" for s in report.sources))
            if not report.exposures:
                problems.append("the demo identity was not found in the demo pack")
            if window.current_page() is not window.results:
                problems.append("the results page is not shown")
            if not window.results.item_cards:
                problems.append("the results page shows no plan items")
            if not window.results.breach_cards:
                problems.append("the results page shows no breaches")
            if not (plan.demo and window.top.demo.isVisible()):
                problems.append("the DEMO label is not shown")
            clipped = clipped_widgets(window)
            if clipped:
                problems.append("clipped text: " + ", ".join(clipped[:5]))
            problems += _help_desk_parts(window)
    problems += _about_parts(lang)
    window.end_session()
    window.close()
    for problem in problems:
        print(f"self-test: FAIL: {problem}", file=sys.stderr)
    if not problems:
        print("self-test: OK")
    return 1 if problems else 0
