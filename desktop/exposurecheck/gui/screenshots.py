"""`exposure-check gui --screenshots DIR`: every screen, with demo data, in English and Chinese, as PNG files.

Each screen is shown the way the flow reaches it (a real check against the demo pack, a real questionnaire plan)
and captured at 1024×768; long pages are also captured whole (`*-full.png`) so reviewers see every card.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

from exposurecheck.core.i18n import LANGUAGES
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.gui.app import create_window
from exposurecheck.gui.drive import fill_demo_identity, run_check
from exposurecheck.gui.main_window import MainWindow

SIZE = (1024, 768)


def _save(window: MainWindow, page: QWidget, folder: Path, name: str, *, full: bool = False) -> list[Path]:
    window.show_page(page)
    QApplication.processEvents()
    paths = [folder / f"{name}.png"]
    window.grab().save(str(paths[0]))
    if full:
        paths.append(folder / f"{name}-full.png")
        page.grab().save(str(paths[1]))
    return paths


def take_screenshots(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lang in LANGUAGES:
        running = create_window(lang, pool=QThreadPool(), offscreen=True, install_hook=False)
        window = running.window
        window.resize(*SIZE)
        window.show()
        w = window
        written += _save(w, w.welcome, folder, f"{lang}-01-welcome")
        fill_demo_identity(w)
        written += _save(w, w.details, folder, f"{lang}-02-details-training")
        w.consent.ask((PwnedPasswordsSource(),))
        written += _save(w, w.consent, folder, f"{lang}-03-consent")
        if run_check(w) and w.session.plan is not None:
            written += _save(w, w.results, folder, f"{lang}-05-results", full=True)
            w.sent.show_report(w.session.report)
            written += _save(w, w.sent, folder, f"{lang}-06-sent")
            w.extras.open_guided()
            if w.extras.guided.view is not None:
                written += _save(w, w.extras.guided, folder, f"{lang}-07-guided")
            sources = tuple(w.source_factory(True))
            w.checking.start(tuple(s for s in sources if not isinstance(s, Exception)))
            for name in w.checking.rows:
                w.checking.set_progress(name, 0.4)
            written += _save(w, w.checking, folder, f"{lang}-04-checking")
        w.end_session()
        written += _save(w, w.questions, folder, f"{lang}-08-questions")
        w.show_presumed_plan({row.question.id: True for row in w.questions.rows})
        written += _save(w, w.results, folder, f"{lang}-09-presumed-results", full=True)
        w.extras.saved.show_checks([], "")
        written += _save(w, w.extras.saved, folder, f"{lang}-10-saved")
        w.end_session()
        window.close()
    return written


def main(folder: Path) -> int:
    written = take_screenshots(folder)
    for path in written:
        print(path)
    expected_min = 2 * 4  # welcome, details, consent, questionnaire at least, in both languages
    if len(written) < expected_min:
        print("screenshots: the demo check did not finish; some screens are missing", file=sys.stderr)
        return 1
    return 0
