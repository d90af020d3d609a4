"""`exposure-check kit verify [DIR]`: check that a USB kit is complete, unchanged and signed by a trusted key.

Without DIR it checks the kit this copy of the app was started from. Trusted keys are the publisher keys shipped
with the app, those added with `trust add`, and any given with `--trust FILE.pub` (an NGO hands that file out and
reads its fingerprint aloud). Exit status 0 means verified; anything else prints a plain message and returns 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exposurecheck.cli.output import print_json, safe_text
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.trust.kit import default_trusted_keys, find_kit_root, verify_kit
from exposurecheck.core.trust.publisher_keys import read_public_key


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("kit", help="check a USB kit before using it")
    actions = parser.add_subparsers(dest="kit_command", metavar="ACTION")
    verify = actions.add_parser("verify", help="check that a kit is complete, unchanged and signed by a trusted key")
    verify.add_argument(
        "folder", nargs="?", type=Path, metavar="DIR", help="the kit folder (default: the kit this app runs from)"
    )
    verify.add_argument("--trust", action="append", default=[], type=Path, metavar="FILE.pub", help="trust this key")
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    verify.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    verify.set_defaults(func=run_verify)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_verify(args: argparse.Namespace) -> int:
    folder = args.folder
    if folder is None:
        folder = find_kit_root(Path(sys.executable)) if getattr(sys, "frozen", False) else None
        if folder is None:
            raise UserError("kit.not_started_from_kit")
    extra = [read_public_key(path) for path in args.trust]
    kit = verify_kit(folder, default_trusted_keys(extra))
    if args.json:
        print_json(
            {
                "verified": True,
                "folder": str(kit.root),
                "files": kit.files,
                "bytes": kit.total_bytes,
                "signer_fingerprint": kit.fingerprint,
                "app_version": kit.manifest.get("app_version"),
            }
        )
    else:
        message = tr("kit.verified", args.lang, files=kit.files, fingerprint=kit.fingerprint)
        sys.stdout.write(safe_text(message) + "\n")
    return 0
