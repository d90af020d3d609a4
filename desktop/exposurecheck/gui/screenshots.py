"""`exposure-check gui --screenshots DIR`: every screen, with demo data, in English and Chinese, as PNG files.

Each screen is shown the way the flow reaches it (a real check against the demo pack, a real questionnaire plan, a
check with no data source at all) and captured at 1024×768; long pages are also captured whole (`*-full.png`) so
reviewers see every card. Dialogs and an open drop-down list are separate windows: they are drawn over the window
they belong to, where they appear on a real screen.

Nothing here touches the person's saved checks, settings or trusted publishers: the saved-checks page and the wipe
question are shown with made-up entries, and the unknown publisher is a made-up one.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtGui import QColor, QPainter
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


def _save_over(window: MainWindow, popup: QWidget, path: Path, *, dim: bool = True) -> Path:
    """The window with `popup` (a dialog, an open list) drawn where it is on screen; a dialog dims the window."""
    QApplication.processEvents()
    picture = window.grab()
    painter = QPainter(picture)
    if dim:
        painter.fillRect(picture.rect(), QColor(26, 32, 44, 110))
    top_left = popup.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    if dim:  # a dialog is centred over the window, as window managers place a window-modal dialog
        top_left = QPoint((window.width() - popup.width()) // 2, max(0, (window.height() - popup.height()) // 2))
    painter.drawPixmap(top_left, popup.grab())
    painter.end()
    picture.save(str(path))
    return path


def _unreachable(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    """The checking page after a real failed request: a closed port on this computer, as an unreachable service."""
    from exposurecheck.core.identifiers import IdentifierType

    factory = w.flow.source_factory
    w.end_session()
    w.flow.source_factory = lambda _training: [PwnedPasswordsSource(f"http://127.0.0.1:{_closed_port()}")]
    w.session.online_consent = True
    w.show_page(w.details)
    w.details.fields[IdentifierType.PASSWORD].edit.setText("practice password")
    run_check(w)
    paths = _save(w, w.checking, folder, f"{lang}-04-checking-unreachable")
    w.flow.source_factory = factory
    return paths


def _no_data(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    """A phone number and an ID number with no data source that holds either (a fresh install, offline): each
    detail "not checked" and why, and the steps for its kind anyway."""
    from exposurecheck.core.identifiers import IdentifierType

    factory = w.flow.source_factory
    w.end_session()
    w.flow.source_factory = lambda _training: []
    w.show_page(w.details)
    w.details.fields[IdentifierType.PHONE].edit.setText("13800138000")
    w.details.fields[IdentifierType.CN_ID].edit.setText("11010519491231002X")
    run_check(w)
    paths = _save(w, w.results, folder, f"{lang}-11-no-data-results", full=True)
    w.help_desk.open_guided()  # a presumed step, marked, with the way to a real check
    if w.guided.view is not None:
        paths += _save(w, w.guided, folder, f"{lang}-11-no-data-guided")
    w.flow.source_factory = factory
    return paths


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _publisher_dialog(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    """The question asked before a data file from an unknown publisher is used (a made-up publisher)."""
    from exposurecheck.core.packs.publisher import PackPublisher

    key = hashlib.sha256(b"exposure-check screenshot publisher").digest()
    publisher = PackPublisher(Path("shanghai-2022.ecpack"), key, "Example Legal Aid Centre: Shanghai 2022 leak", None)
    w.show_page(w.details)
    dialog = w.flow.publishers.ask(publisher, lang, w)
    paths = [_save_over(w, dialog, folder / f"{lang}-12-unknown-publisher.png")]
    dialog.details.button.setChecked(True)  # and with its details open
    paths.append(_save_over(w, dialog, folder / f"{lang}-12-unknown-publisher-details.png"))
    dialog.done(0)
    w.flow.publishers.end_session()  # "Don't use it" would be remembered; this was only a picture
    return paths + _declined_publisher(w, folder, lang, publisher.file_name)


def _declined_publisher(w: MainWindow, folder: Path, lang: str, file_name: str) -> list[Path]:
    """The results after "Don't use it": the phone number only that file would have checked is "not checked" for
    want of a confirmed publisher, with the way to confirm it. The check runs with no source and the file's kinds
    held back, as the flow passes them (`PublisherLink.review`); the file itself is the made-up one above."""
    from exposurecheck.core.check import check
    from exposurecheck.core.errors import UserError
    from exposurecheck.core.identifiers import IdentifierType, normalize
    from exposurecheck.core.report import Reason

    w.end_session()
    phone = normalize(IdentifierType.PHONE, "13800138000")
    w.results.set_source_problems((UserError("gui.publisher.declined", file=file_name),))
    w.flow.finished.emit(check([phone], (), held_back={IdentifierType.PHONE: Reason.UNKNOWN_PUBLISHER}), None)
    paths = _save(w, w.results, folder, f"{lang}-12-declined-publisher-results", full=True)
    w.end_session()
    return paths


def _settings_notice(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    """The welcome page telling the person their settings file was damaged (made up: no settings file is read)."""
    from exposurecheck.core.settings import LoadedSettings, Settings
    from exposurecheck.gui.settings_link import SettingsNotice

    notice = SettingsNotice(LoadedSettings(Settings(), problem="damaged"))
    w.welcome.add_notice(notice)
    paths = _save(w, w.welcome, folder, f"{lang}-01-welcome-settings-damaged")
    notice.hide()
    return paths


def _saved_and_wipe(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    """The saved-checks page with made-up entries (a real one and a practice one), empty, and the wipe question."""
    from exposurecheck.core.vault.store import SavedCheckSummary

    checks = [
        SavedCheckSummary("3fa2c91b7e", "2026-12-03T09:12:00Z", "", 2, (), False, 3),
        SavedCheckSummary("b81d04e2aa", "2026-11-28T15:40:00Z", "", 3, (), False, 0, demo=True),
    ]
    w.saved.show_checks([], "")
    paths = _save(w, w.saved, folder, f"{lang}-10-saved-empty")
    w.saved.show_checks(checks, "")
    paths += _save(w, w.saved, folder, f"{lang}-10-saved")
    dialog = w.vault_link.confirm_wipe(len(checks))
    paths.append(_save_over(w, dialog, folder / f"{lang}-13-wipe-confirm.png"))
    dialog.done(0)
    w.saved.show_checks([], "")
    return paths


def _focus_and_popup(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    """Keyboard focus on a top-bar button (as after Tab), and the details page's country list open."""
    w.show_page(w.welcome)
    w.activateWindow()
    w.top.end_button.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()
    paths = [folder / f"{lang}-14-focus-top-bar.png"]
    w.grab().save(str(paths[0]))
    w.show_page(w.details)
    box = w.details.region_box
    box.setFocus(Qt.FocusReason.TabFocusReason)
    box.showPopup()
    QApplication.processEvents()
    view = box.view()
    view.setCurrentIndex(box.model().index(2, 0))  # the highlight moved down, as with the arrow keys
    QApplication.processEvents()
    popup = view.window()
    paths.append(_save_over(w, popup, folder / f"{lang}-15-combo-open.png", dim=False))
    box.hidePopup()
    return paths


def _guided_after_done(w: MainWindow, folder: Path, lang: str) -> list[Path]:
    w.help_desk.open_guided()
    view = w.guided.view
    if view is None:
        return []
    paths = _save(w, w.guided, folder, f"{lang}-07-guided")
    view.done_button.click()  # the first step done: the next one, scrolled to its top
    QApplication.processEvents()
    paths.append(folder / f"{lang}-07-guided-after-done.png")
    w.grab().save(str(paths[-1]))
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
        written += _settings_notice(w, folder, lang)
        written += _focus_and_popup(w, folder, lang)
        fill_demo_identity(w)
        written += _save(w, w.details, folder, f"{lang}-02-details-training")
        w.consent.ask((PwnedPasswordsSource(),))
        written += _save(w, w.consent, folder, f"{lang}-03-consent")
        if run_check(w) and w.session.plan is not None:
            written += _save(w, w.results, folder, f"{lang}-05-results-1024x768", full=True)
            w.sent.show_report(w.session.report)
            written += _save(w, w.sent, folder, f"{lang}-06-sent")
            written += _guided_after_done(w, folder, lang)
            sources = tuple(w.flow.source_factory(True))
            w.checking.start(tuple(s for s in sources if not isinstance(s, Exception)))
            for name in w.checking.rows:
                w.checking.set_progress(name, 0.4)
            written += _save(w, w.checking, folder, f"{lang}-04-checking")
        written += _unreachable(w, folder, lang)
        written += _no_data(w, folder, lang)
        w.end_session()
        written += _save(w, w.questions, folder, f"{lang}-08-questions")
        w.show_presumed_plan({row.question.id: True for row in w.questions.rows})
        written += _save(w, w.results, folder, f"{lang}-09-presumed-results", full=True)
        written += _publisher_dialog(w, folder, lang)
        written += _saved_and_wipe(w, folder, lang)
        w.end_session_and_say()
        written += _save(w, w.welcome, folder, f"{lang}-16-session-ended")
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
