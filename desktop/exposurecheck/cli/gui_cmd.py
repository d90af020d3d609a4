"""`exposure-check gui` (also what runs with no arguments): the desktop app, its self-test and screenshots.

Qt is imported only inside `run`, so `exposure-check --help` and the other commands never load it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from exposurecheck.cli.main import add_insecure_http_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop app (the default with no command)")
    # Its own dest: main() fills `args.lang` from the environment, but the app must tell "not given" (then the
    # saved setting wins) from an explicit choice.
    parser.add_argument(
        "--lang", dest="gui_lang", choices=("en", "zh_CN"), default=None, help="language of the app (en or zh_CN)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check the demo pack offscreen, verify the results page, exit 0 (ok) or 1 (installer smoke test)",
    )
    parser.add_argument("--screenshots", metavar="DIR", type=Path, help="save every screen in both languages as PNG")
    add_insecure_http_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.self_test:
        from exposurecheck.gui.self_test import self_test

        return self_test(args.gui_lang or "en")
    if args.screenshots:
        from exposurecheck.gui.app import application
        from exposurecheck.gui.screenshots import main as screenshots

        application(offscreen=True)
        return screenshots(args.screenshots)
    if not _display_available():
        # Qt would abort the process with a low-level message; say what is wrong in the person's language instead.
        from exposurecheck.cli.output import print_error
        from exposurecheck.core.i18n import tr

        print_error(tr("gui.no_display", args.gui_lang or args.lang))
        return 2
    from exposurecheck.gui.app import run as run_app

    return run_app(args.gui_lang)


def _display_available() -> bool:
    """False only where a window certainly cannot open: Linux/BSD with no X11 or Wayland display and no explicit
    Qt platform (offscreen, vnc, ...). Windows and macOS always have one."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
