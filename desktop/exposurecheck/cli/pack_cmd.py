"""`exposure-check pack info PACK` and `exposure-check pack verify PACK`.

`info` opens the pack (which checks its signature) and shows what it covers and who signed it; for a pack whose
publisher this app does not trust yet it still describes what the pack says it holds, says plainly that it is not
used, and how to trust the publisher after comparing the fingerprint. `verify` also authenticates every byte,
which for a big pack on a slow stick takes a while; help-desk staff run it once after copying a pack, and it keeps
refusing a pack from an unknown publisher. Both accept `--trust FILE.pub` for a publisher not (yet) added with
`trust add`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from exposurecheck.cli.output import print_error, print_json, safe_text
from exposurecheck.core.catalog import Catalog, catalog_from_json
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.packs.opening import describe_pack, open_pack
from exposurecheck.core.packs.reader import PackInfo
from exposurecheck.core.trust.publisher_keys import read_public_key

EXIT_OK, EXIT_REFUSED = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pack", help="show or verify an offline data pack")
    actions = parser.add_subparsers(dest="pack_command", metavar="ACTION")
    for name, func, help_text in (
        ("info", run_info, "show what a pack covers and who signed it"),
        ("verify", run_verify, "check every byte of a pack against its publisher's signature"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("pack", type=Path, metavar="PACK", help="the pack file (the first file of a split pack)")
        action.add_argument("--trust", action="append", default=[], type=Path, metavar="FILE.pub")
        action.add_argument("--json", action="store_true", help="print the result as JSON")
        action.add_argument("--lang", choices=("en", "zh_CN"), default=None)
        action.set_defaults(func=func)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def _open(args: argparse.Namespace, *, full: bool) -> PackInfo:
    extra = [read_public_key(path) for path in args.trust]
    with open_pack(args.pack, extra_keys=extra, full_check=full) as reader:
        if full:
            reader.verify_all()
        return reader.info


def _described(args: argparse.Namespace) -> PackInfo:
    """The pack's info: opened as for a check, or, when only its publisher is unknown, described without use."""
    try:
        return _open(args, full=False)
    except UserError as exc:
        if exc.key != "pack.error.unknown_publisher":
            raise
    return describe_pack(args.pack, extra_keys=[read_public_key(path) for path in args.trust])


def _info_json(info: PackInfo, lang: str) -> dict:
    catalog = catalog_from_json(info.catalog_json)
    return {
        "title": info.title,
        "created": info.created,
        "demo": info.demo,
        "entries": info.entries,
        "entries_per_type": info.counts,
        "breaches": [_breach_json(b, catalog, lang) for b in info.breaches],
        "publisher_fingerprint": info.publisher_fingerprint,
        "publisher_trust": info.publisher_trust,
        "files": info.shard_count,
        "bytes": info.total_bytes,
        "bytes_per_entry": round(info.total_bytes / info.entries, 2) if info.entries else None,
    }


def _breach_json(breach_id: str, catalog: Catalog, lang: str) -> dict[str, str]:
    # The pack's own catalog text is untrusted: the catalog loader has already made it plain text.
    if breach_id not in catalog:
        return {"id": breach_id, "title": breach_id, "date": ""}
    breach = catalog[breach_id]
    return {"id": breach_id, "title": breach.title(lang), "date": breach.date}


def run_info(args: argparse.Namespace) -> int:
    info = _described(args)
    data = _info_json(info, args.lang)
    if args.json:
        print_json(data)
        return EXIT_OK
    lang = args.lang
    comma = tr("pack.cli.list_separator", lang)
    types = comma.join(f"{tr(f'identifier.type.{k}', lang)} {v:,}" for k, v in info.counts.items())
    breaches = tr("pack.cli.breach_separator", lang).join(_breach_words(b, lang) for b in data["breaches"])
    lines = [
        tr("pack.cli.title", lang, title=data["title"]) + ("  [DEMO]" if info.demo else ""),
        tr("pack.cli.created", lang, date=data["created"]),
        tr("pack.cli.entries", lang, count=f"{info.entries:,}", types=types),
        tr("pack.cli.breaches", lang, breaches=breaches),
        tr(f"pack.cli.publisher.{info.publisher_trust}", lang, fingerprint=info.publisher_fingerprint),
        tr("pack.cli.size", lang, files=info.shard_count, bytes=f"{info.total_bytes:,}",
           per_entry=data["bytes_per_entry"]),
    ]  # fmt: skip
    if info.demo:
        lines.append(tr("pack.cli.demo_note", lang))
    sys.stdout.write(safe_text("\n".join(lines)) + "\n")
    return EXIT_OK


def _breach_words(breach: dict[str, str], lang: str) -> str:
    """ "Synthetic Shop (SyntheticShop, 2024-03-01)": its title, id and date (the date when the catalog has one)."""
    details = tr("pack.cli.list_separator", lang).join(part for part in (breach["id"], breach["date"]) if part)
    return tr("pack.cli.breach", lang, title=breach["title"], details=details)


def run_verify(args: argparse.Namespace) -> int:
    try:
        info = _open(args, full=True)
    except UserError as exc:
        if args.json:
            print_json({"verified": False, "error": exc.message(args.lang), "code": exc.key})
        else:
            print_error(exc.message(args.lang))
        return EXIT_REFUSED
    if args.json:
        print_json({"verified": True, **_info_json(info, args.lang)})
    else:
        message = tr(
            "pack.cli.verified",
            args.lang,
            files=tr("pack.cli.verified.files", args.lang, count=info.shard_count),
            entries=tr("pack.cli.verified.entries", args.lang, count=info.entries),
            fingerprint=info.publisher_fingerprint,
        )
        sys.stdout.write(safe_text(message) + "\n")
    return EXIT_OK
