"""Help-desk options for `check`: `--case-sheet FILE.pdf` writes the case sheet after the report is printed.

The case sheet is painted with Qt, which is imported only when the option is used, so `check` stays light
otherwise. Status messages go to stderr, so `check --json` keeps stdout for the report alone.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from exposurecheck.cli.output import print_error
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr

if TYPE_CHECKING:
    from exposurecheck.core.advice.model import Plan
    from exposurecheck.core.trust.profile import Profile


def add_case_sheet_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--case-sheet",
        type=Path,
        default=None,
        metavar="FILE.pdf",
        help="also write a printable case sheet (PDF, no identifiers on it) for help-desk follow-up",
    )


def load_profile_for_cli(lang: str) -> Profile | None:
    """The organisation profile found next to the app or on the stick, once its key was confirmed; else None.

    As in the window, a profile whose key nobody confirmed on this computer is not used at all (its sources, keys,
    advice and contacts could be anyone's): the person is told so, with the fingerprint to compare and how to
    confirm it (`exposure-check profile show --confirm`, the same store the window writes). A profile that fails
    its check is not used either, and the person is told why; the sheet is still written.
    """
    from exposurecheck.core.trust import profile as prof

    path = prof.discover_profile()
    if path is None:
        return None
    try:
        loaded = prof.load_profile(path)
    except UserError as exc:
        print_error(exc.message(lang))
        return None
    if not prof.is_confirmed(loaded):
        print_error(tr("outcome.cli.profile_unconfirmed", lang, name=loaded.name(lang), fingerprint=loaded.fingerprint))
        return None
    return loaded


def write_case_sheet_after_check(plan: Plan, profile: Profile | None, args: argparse.Namespace) -> None:
    """Write the case sheet asked for with `--case-sheet`, if any, from the plan the check printed."""
    path: Path | None = getattr(args, "case_sheet", None)
    if path is None:
        return
    lang = args.lang
    from exposurecheck.gui.case_sheet import ensure_gui_application, write_case_sheet

    app = ensure_gui_application()
    try:
        write_case_sheet(plan, path, lang, profile=profile, demo=plan.demo)
    finally:
        del app
    print_error(tr("helpdesk.cli.case_sheet_written", lang, file=str(path)))
