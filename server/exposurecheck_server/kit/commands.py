"""`exposure-check-admin kit build`: put bundles or installers, packs and an NGO profile into one signed folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exposurecheck.core.i18n import tr
from exposurecheck.core.trust.publisher_keys import fingerprint
from exposurecheck_server.language import admin_lang


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("kit", help="USB kits: the app, packs and a profile in one signed folder")
    actions = parser.add_subparsers(dest="kit_command", metavar="ACTION")
    build = actions.add_parser("build", help="assemble and sign a kit folder")
    build.add_argument("--out", required=True, type=Path, metavar="DIR", help="new (or empty) folder for the kit")
    build.add_argument(
        "--bundle",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="an app bundle folder (dist/exposure-check) or an installer file; repeatable",
    )
    build.add_argument("--pack", action="append", default=[], type=Path, metavar="PATH", help="a .ecpack; repeatable")
    build.add_argument("--profile", required=True, type=Path, metavar="PATH", help="the NGO's profile.ecprofile")
    build.add_argument("--signing-key", required=True, type=Path, metavar="FILE", help="publisher.key from keygen")
    build.add_argument("--passphrase-stdin", action="store_true", help="read the signing key's passphrase from stdin")
    build.add_argument("--lang", choices=("en", "zh_CN"), default=None, help="default: the locale's")
    build.set_defaults(func=run_build)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_build(args: argparse.Namespace) -> int:
    from exposurecheck_server.keys import load_signing_key, read_passphrase
    from exposurecheck_server.kit.builder import build_kit, check_kit

    lang = args.lang or admin_lang()
    # The folder, bundles and profile are checked before the passphrase is asked for (a typo costs no passphrase).
    org = check_kit(args.out, bundles=args.bundle, packs=args.pack, profile=args.profile)
    passphrase = read_passphrase() if args.passphrase_stdin else None
    key = load_signing_key(args.signing_key, passphrase)
    built = build_kit(args.out, bundles=args.bundle, packs=args.pack, profile=args.profile, signing_key=key,
                      checked=org)  # fmt: skip
    message = tr(
        "kit.build.done", lang, folder=str(built.root), files=built.files, fingerprint=fingerprint(built.signer)
    )
    sys.stdout.write(message + "\n")
    if args.pack:
        from exposurecheck_server.limits import remind_who_may_hold_packs

        remind_who_may_hold_packs(lang)
    return 0
