"""`exposure-check-admin profile build`: make a signed NGO profile (`profile.ecprofile`).

The NGO signs with a key made by `exposure-check-admin keygen`; staff then put the profile next to the app or at
the top of the USB stick. Everything given here ends up in the profile as plain text, checked with the same rules
the app uses when it loads the file, so a profile that builds is a profile that loads.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.trust.profile import FILE_NAME, ProfileBody, parse_profile, sign_profile
from exposurecheck.core.trust.publisher_keys import read_public_key
from exposurecheck_server.language import admin_lang

_MAX_ADVICE_FILE = 2 * 1024 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("profile", help="NGO profiles: contact details, advice and defaults, signed")
    actions = parser.add_subparsers(dest="profile_command", metavar="ACTION")
    build = actions.add_parser("build", help="build and sign a profile file")
    build.add_argument("--name-en", required=True, help="organisation name in English")
    build.add_argument("--name-zh", default="", help="organisation name in Chinese")
    build.add_argument("--hotline", default="", help="phone number people can call")
    build.add_argument("--website", default="", help="https:// address of the organisation")
    build.add_argument("--email", default="", help="contact email address")
    build.add_argument(
        "--advice",
        action="append",
        default=[],
        type=Path,
        metavar="FILE.json",
        help='extra or overriding advice: {"lang": ..., "entries": [...]} or a list of such documents; repeatable',
    )
    build.add_argument(
        "--trust-key", action="append", default=[], type=Path, metavar="FILE.pub", help="extra trusted publisher key"
    )
    build.add_argument("--offline-only", action="store_true", help="use offline packs only, never the network")
    build.add_argument(
        "--default-source", action="append", default=[], metavar="SPEC", help="default source spec; repeatable"
    )
    build.add_argument("--signing-key", required=True, type=Path, metavar="FILE", help="publisher.key from keygen")
    build.add_argument("--passphrase-stdin", action="store_true", help="read the signing key's passphrase from stdin")
    build.add_argument("--out", required=True, type=Path, metavar="FILE", help=f"where to write (e.g. {FILE_NAME})")
    build.set_defaults(func=run_build)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_build(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from exposurecheck_server.keys import load_signing_key, read_passphrase

    body = ProfileBody(
        name_en=args.name_en,
        name_zh=args.name_zh,
        hotline=args.hotline,
        website=args.website,
        email=args.email,
        advice=tuple(document for path in args.advice for document in read_advice(path)),
        trusted_keys=tuple(read_public_key(path) for path in args.trust_key),
        offline_only=args.offline_only,
        default_sources=tuple(args.default_source),
    )
    # Every argument is checked before the signing key's passphrase is asked for: the body is signed with a
    # throwaway key and read back with the app's own reader, and the output folder must exist.
    parse_profile(sign_profile(body, Ed25519PrivateKey.generate()))
    folder = args.out.parent if str(args.out.parent) else Path()
    if not folder.is_dir() or args.out.is_dir():
        raise UserError("helpdesk.admin.write_failed", file=str(args.out))
    passphrase = read_passphrase() if args.passphrase_stdin else None
    key = load_signing_key(args.signing_key, passphrase)
    data = sign_profile(body, key)
    # Loaded back with the app's own reader before anything is written: a profile that builds is one that loads,
    # and the admin sees any text the app would clean up.
    profile = parse_profile(data)
    write_atomically(args.out, data)
    lang = admin_lang()
    sys.stdout.write(tr("helpdesk.profile.built", lang, file=str(args.out), fingerprint=profile.fingerprint) + "\n")
    return 0


def read_advice(path: Path) -> list[dict[str, Any]]:
    """The advice documents in a JSON file: one `{"lang": ..., "entries": [...]}` object or a list of them."""
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_ADVICE_FILE + 1)
    except OSError:
        raise UserError("helpdesk.admin.advice_unreadable", file=str(path)) from None
    if len(data) > _MAX_ADVICE_FILE:
        raise UserError("helpdesk.admin.advice_too_large", file=str(path))
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        raise UserError("helpdesk.admin.advice_not_json", file=str(path)) from None
    documents = parsed if isinstance(parsed, list) else [parsed]
    if not all(isinstance(document, dict) for document in documents):
        raise UserError("helpdesk.profile.bad_advice")
    return documents


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so a failure never leaves half a file."""
    folder = path.parent if str(path.parent) else Path()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".profile-", dir=folder)
    except OSError:
        raise UserError("helpdesk.admin.write_failed", file=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp_name, 0o644)  # a profile is public: it goes on sticks handed to the public
        os.replace(tmp_name, path)
    except OSError:
        Path(tmp_name).unlink(missing_ok=True)
        raise UserError("helpdesk.admin.write_failed", file=str(path)) from None
