"""Starting the app: the QApplication, fonts, Qt's own translations, the exception hook and the window.

`create_window()` is also what the self-test, the screenshot command, the benchmark and the tests use, so they
exercise the same start-up path as a person double-clicking the app.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from exposurecheck.core.sources.choice import SourceFactory, default_factory
from exposurecheck.gui import accessibility
from exposurecheck.gui.excepthook import ExceptionHook
from exposurecheck.gui.main_window import MainWindow
from exposurecheck.gui.settings_link import link_settings, save_language
from exposurecheck.gui.style import apply_base_font
from exposurecheck.gui.translation import QtTranslations
from exposurecheck.resources import resource_path

if TYPE_CHECKING:
    from exposurecheck.core.settings import LoadedSettings


@dataclass
class Running:
    app: QApplication
    window: MainWindow
    hook: ExceptionHook
    translations: QtTranslations


def application(offscreen: bool = False) -> QApplication:
    """The one QApplication (created on first use). `offscreen` renders without a display (self-test, CI)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Exposure Check")
    app.setOrganizationName("exposure-check")
    # The installed .desktop file's name (packaging/linux/): lets GNOME on Wayland match the window to it and show
    # the app's icon and name instead of a generic one.
    app.setDesktopFileName("org.exposurecheck.ExposureCheck")
    app.setWindowIcon(QIcon(str(resource_path("gui", "icons", "exposure-check.png"))))
    apply_base_font(app)
    # Screen readers: Qt's scroll areas crash a client that asks for a child index that is gone (issue 18.0);
    # our accessibility factory answers for them. Our palette, unless the desktop asks for high contrast.
    accessibility.install(app)
    accessibility.apply_palette(app)
    return app


QUIT_WAIT_MS = 5000  # a cancelled check returns within its 2 s grace (core/source_threads.py); this bounds the rest


def create_window(
    lang: str,
    *,
    pool: QThreadPool | None = None,
    source_factory: SourceFactory = default_factory,
    offscreen: bool = False,
    install_hook: bool = True,
    defer_pages: bool = False,
    settings: LoadedSettings | None = None,
) -> Running:
    """The app's window, ready to show. `defer_pages` builds all but the welcome page after the first paint.
    `settings`: the settings as already read at start (`start`), so a damaged file is said; else read here."""
    app = application(offscreen)
    translations = QtTranslations(app)
    pool = pool or QThreadPool.globalInstance()
    window = MainWindow(lang, pool, source_factory, defer_pages=defer_pages)
    # Quitting with a check running: cancel it (its sockets are shut at once) and let the check's thread end before
    # Qt goes away, so the process exits promptly and cleanly instead of a worker emitting into a destroyed app.
    app.aboutToQuit.connect(lambda: (window.runner.cancel(), pool.waitForDone(QUIT_WAIT_MS)))
    translations.apply(lang)
    if window.pages_built:
        link_settings(window, settings)
    else:
        window.on_pages_built.append(lambda: link_settings(window, settings))

    shown = [lang]

    def language_changed(new_lang: str) -> None:
        # Re-labelling in the same language (pages built after the first paint) is not a choice to remember:
        # a first start that changes nothing writes no file.
        translations.apply(new_lang)
        if new_lang != shown[0]:
            shown[0] = new_lang
            save_language(new_lang)

    window.on_language_changed = language_changed
    hook = ExceptionHook(lambda: window, lambda: window.session.lang, window.remember_clipboard)
    if install_hook:
        hook.install()
    return Running(app, window, hook, translations)


def initial_language(requested: str | None, loaded: LoadedSettings | None = None) -> str:
    """--lang, else the saved setting (from `loaded`, or read now), else the system's language."""
    from exposurecheck.core.i18n import normalize_lang

    if requested:
        return normalize_lang(requested)
    from exposurecheck.core.settings import load_settings

    saved = (loaded or load_settings()).settings.language
    if saved:
        return saved
    return normalize_lang(os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG"))


def start(lang: str | None = None, *, offscreen: bool = False, install_hook: bool = True) -> Running:
    """The window as a double-click opens it: the settings read once, before anything else reads them (a damaged
    file is set aside by that read, and only that read knows to say so on the welcome page); the language from
    `lang` (--lang), else the settings, else the system; the pages after the first paint."""
    from exposurecheck.core.settings import load_settings

    loaded = load_settings()
    return create_window(initial_language(lang, loaded), defer_pages=True, settings=loaded, offscreen=offscreen,
                         install_hook=install_hook)  # fmt: skip


def run(lang: str | None = None) -> int:
    """Open the window and run until it is closed."""
    running = start(lang)
    screen = running.app.primaryScreen()
    if screen is not None:
        running.window.fit_to(screen.availableGeometry())
    running.window.show()
    QGuiApplication.processEvents()
    return int(running.app.exec())
