"""`exposure-check profile show [FILE] [--confirm] [--json]`: what an organisation profile holds, checked.

Without FILE it shows the profile the app would use (next to the app, on the stick, or EXPOSURECHECK_PROFILE).
The signer's fingerprint is shown so staff can compare it with the one the organisation gave them; `--confirm`
remembers it, so the app does not ask again. A profile changed after signing is refused with a clear message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exposurecheck.cli.output import print_json, safe_text
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.trust import profile as prof
from exposurecheck.core.trust.publisher_keys import fingerprint


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("profile", help="show the organisation (NGO) profile and its key fingerprint")
    actions = parser.add_subparsers(dest="profile_command", metavar="ACTION")
    show = actions.add_parser("show", help="check and show a profile file")
    show.add_argument("file", nargs="?", type=Path, default=None, metavar="FILE")
    show.add_argument("--confirm", action="store_true", help="remember this profile's key as confirmed")
    show.add_argument("--json", action="store_true")
    show.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    show.set_defaults(func=run_show)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def run_show(args: argparse.Namespace) -> int:
    lang = args.lang
    path = args.file or prof.discover_profile()
    if path is None:
        raise UserError("helpdesk.profile.none_found")
    loaded = prof.load_profile(path)
    if args.confirm:
        prof.confirm(loaded)
    confirmed = prof.is_confirmed(loaded)
    if args.json:
        print_json(
            {
                "name": {"en": loaded.name_en, "zh_CN": loaded.name_zh},
                "hotline": loaded.hotline,
                "website": loaded.website,
                "email": loaded.email,
                "fingerprint": loaded.fingerprint,
                "confirmed": confirmed,
                "offline_only": loaded.offline_only,
                "default_sources": list(loaded.default_sources),
                "trusted_keys": [fingerprint(key) for key in loaded.trusted_keys],
                "advice_entries": sum(len(d.get("entries", [])) for d in loaded.advice),
            }
        )
        return 0
    lines = [tr("helpdesk.cli.profile_verified", lang, file=str(path)), *loaded.contact_lines(lang)]
    lines.append(tr("helpdesk.cli.profile_fingerprint", lang, fingerprint=loaded.fingerprint))
    lines.append(tr("helpdesk.cli.profile_confirmed" if confirmed else "helpdesk.cli.profile_not_confirmed", lang))
    if loaded.offline_only:
        lines.append(tr("helpdesk.cli.profile_offline_only", lang))
    for key in loaded.trusted_keys:
        lines.append(tr("helpdesk.cli.profile_trusted_key", lang, fingerprint=fingerprint(key)))
    entries = sum(len(d.get("entries", [])) for d in loaded.advice)
    if entries:
        lines.append(tr("helpdesk.cli.profile_advice", lang, count=entries))
    sys.stdout.write(safe_text("\n".join(lines)) + "\n")
    return 0
