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


def _unreachable(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    """The checking page after a real failed request: a closed port on this computer, as an unreachable service."""
    from exposurecheck.core.identifiers import IdentifierType

    factory = w.source_factory
    w.end_session()
    w.source_factory = lambda _training: [PwnedPasswordsSource(f"http://127.0.0.1:{_closed_port()}")]
    w.session.online_consent = True
    w.show_page(w.details)
    w.details.fields[IdentifierType.PASSWORD].edit.setText("practice password")
    run_check(w)
    paths = _save(w, w.checking, folder, f"{lang}-04-checking-unreachable")
    w.source_factory = factory
    return paths


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
            w.help_desk.open_guided()
            if w.guided.view is not None:
                written += _save(w, w.guided, folder, f"{lang}-07-guided")
            sources = tuple(w.source_factory(True))
            w.checking.start(tuple(s for s in sources if not isinstance(s, Exception)))
            for name in w.checking.rows:
                w.checking.set_progress(name, 0.4)
            written += _save(w, w.checking, folder, f"{lang}-04-checking")
        written += _unreachable(w, folder, lang)
        w.end_session()
        written += _save(w, w.questions, folder, f"{lang}-08-questions")
        w.show_presumed_plan({row.question.id: True for row in w.questions.rows})
        written += _save(w, w.results, folder, f"{lang}-09-presumed-results", full=True)
        w.saved.show_checks([], "")
        written += _save(w, w.saved, folder, f"{lang}-10-saved")
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
