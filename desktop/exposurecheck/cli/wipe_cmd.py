"""`exposure-check wipe [--yes]`: delete everything the app keeps and say what was removed.

Without `--yes` it asks on a terminal, naming what will be lost as the window does (how many saved checks, their
key, the settings, the trusted publishers), and goes ahead only on the very word it asks for ("yes" / "是"), not
"y"; in a script it refuses, so a mistyped command never wipes by surprise.
"""

from __future__ import annotations

import argparse
import sys

from exposurecheck.cli.output import print_error, print_json, safe_text
from exposurecheck.core.i18n import tr
from exposurecheck.core.wipe import wipe_everything

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "wipe", help="delete saved checks, the vault key, settings and everything else this app stored"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--json", action="store_true", help="print what was removed as JSON")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    if not args.yes:
        if not sys.stdin.isatty():
            print_error(tr("vault.wipe.needs_yes", lang))
            return EXIT_USAGE
        word = tr("wipe.answer", lang)
        answer = input(confirm_question(lang, word))
        if answer.strip().casefold() != word.casefold():
            print_error(tr("vault.wipe.cancelled", lang))
            return EXIT_USAGE
    report = wipe_everything()
    if args.json:
        print_json(
            {
                "removed": [str(p) for p in report.removed],
                "keyring": report.keyring,
                "skipped": [str(p) for p in report.skipped],
                "failed": [str(p) for p in report.failed],
                "complete": report.complete,
            }
        )
    else:
        for line in report.lines(lang):
            sys.stdout.write(safe_text(line) + "\n")
    return EXIT_OK if report.complete else EXIT_INCOMPLETE


def confirm_question(lang: str, word: str) -> str:
    """The question, with how many saved checks will go (counted without changing anything; when they cannot be
    counted, as for a passphrase vault, it says so instead of a number)."""
    from exposurecheck.core.vault.store import saved_check_count

    count = saved_check_count()
    if count is None:
        return tr("wipe.confirm_unknown", lang, answer=word)
    if count == 0:
        return tr("wipe.confirm_none", lang, answer=word)
    return tr("wipe.confirm", lang, count=count, answer=word)
