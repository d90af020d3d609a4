"""`exposure-check trust add FILE.pub | list | remove FINGERPRINT`: publishers whose packs this app accepts, and
whose signature vouches for a lookup service the first time it is used (docs/protocol.md section 3.3).

Adding a key shows its fingerprint and, on a terminal, asks before trusting it: the person should compare it with
the fingerprint the publisher gave them (read aloud, printed on the stick's leaflet). `--yes` skips the question
for scripts. The list is kept in the settings folder; a public key says nothing about the person.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exposurecheck.cli.output import print_error, print_json, safe_text
from exposurecheck.core.i18n import tr
from exposurecheck.core.trust import publisher_keys

EXIT_OK, EXIT_CANCELLED = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("trust", help="publishers trusted for data packs and lookup services")
    actions = parser.add_subparsers(dest="trust_command", metavar="ACTION")
    add = actions.add_parser("add", help="trust a publisher's key (a .pub file)")
    add.add_argument("file", type=Path, metavar="FILE.pub")
    add.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    add.set_defaults(func=run_add)
    listing = actions.add_parser("list", help="show trusted publisher keys and their fingerprints")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    listing.set_defaults(func=run_list)
    remove = actions.add_parser("remove", help="stop trusting a key you added")
    remove.add_argument("fingerprint", metavar="FINGERPRINT", help="as shown by `trust list` (spaces optional)")
    remove.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    remove.set_defaults(func=run_remove)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def _say(text: str) -> None:
    sys.stdout.write(safe_text(text) + "\n")


def run_add(args: argparse.Namespace) -> int:
    raw = publisher_keys.read_public_key(args.file)
    fp = publisher_keys.fingerprint(raw)
    _say(tr("pack.trust.fingerprint", args.lang, fingerprint=fp))
    if not args.yes:
        if not sys.stdin.isatty():
            print_error(tr("pack.trust.needs_yes", args.lang))
            return EXIT_CANCELLED
        answer = input(tr("pack.trust.confirm", args.lang))
        if answer.strip().lower() not in ("y", "yes", "是", "好"):
            _say(tr("pack.trust.cancelled", args.lang))
            return EXIT_CANCELLED
    publisher_keys.add_trusted(args.file)
    _say(tr("pack.trust.added", args.lang, fingerprint=fp))
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    groups = (
        ("shipped", publisher_keys.pinned_keys()),
        ("added", publisher_keys.trusted_keys()),
        ("demo", publisher_keys.demo_keys()),
    )
    if args.json:
        print_json(
            [{"fingerprint": publisher_keys.fingerprint(k), "kind": kind} for kind, keys in groups for k in keys]
        )
        return EXIT_OK
    for kind, keys in groups:
        _say(tr(f"pack.trust.list.{kind}", args.lang))
        if not keys:
            _say("  " + tr("pack.trust.list.none", args.lang))
        for key in keys:
            _say("  " + publisher_keys.fingerprint(key))
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    raw = publisher_keys.remove_trusted(args.fingerprint)
    _say(tr("pack.trust.removed", args.lang, fingerprint=publisher_keys.fingerprint(raw)))
    return EXIT_OK
