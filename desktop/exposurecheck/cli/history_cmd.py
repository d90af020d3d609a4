"""`exposure-check history list|show|delete|done|recheck`: the checks a person chose to keep in the encrypted vault.

Kept identifiers are never printed in full: `show` gives their masked hints only. `recheck ID` runs a new check
with the identifiers kept with a saved check (only there if the person asked, `check --keep-identifiers`), so a
follow-up visit needs nothing typed again; `--save` keeps the new result as a new saved check.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from exposurecheck.cli.output import print_error, print_json, safe_text
from exposurecheck.cli.source_options import add_source_arguments
from exposurecheck.cli.vault_options import add_passphrase_argument, open_vault
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import mask
from exposurecheck.core.vault.store import SavedCheck, SavedCheckSummary

EXIT_OK = 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("history", help="list, show or delete checks kept in the encrypted vault")
    actions = parser.add_subparsers(dest="history_action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="saved checks, newest first")
    _common(listing)
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help="one saved check and its checklist progress")
    show.add_argument("id", metavar="ID")
    _common(show)
    show.set_defaults(func=run_show)

    delete = actions.add_parser("delete", help="delete one saved check")
    delete.add_argument("id", metavar="ID")
    _common(delete, json_option=False)
    delete.set_defaults(func=run_delete)

    done = actions.add_parser("done", help="tick a checklist item (by its code, e.g. P-01) of a saved check")
    done.add_argument("id", metavar="ID")
    done.add_argument("item", metavar="ITEM")
    done.add_argument("--undo", action="store_true", help="untick it instead")
    _common(done, json_option=False)
    done.set_defaults(func=run_done)

    recheck = actions.add_parser("recheck", help="check again with the identifiers kept with a saved check")
    recheck.add_argument("id", metavar="ID")
    add_source_arguments(recheck, "as for check; default: the sources check would use")
    recheck.add_argument("--save", action="store_true", help="keep the new result (with the same identifiers)")
    _common(recheck)
    recheck.set_defaults(func=run_recheck)


def _common(parser: argparse.ArgumentParser, *, json_option: bool = True) -> None:
    if json_option:
        parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    add_passphrase_argument(parser)


def run_list(args: argparse.Namespace) -> int:
    summaries = open_vault(args).list_checks()
    if args.json:
        print_json([_summary_json(s) for s in summaries])
        return EXIT_OK
    if not summaries:
        _out(tr("vault.history.empty", args.lang))
        return EXIT_OK
    for summary in summaries:
        types = ", ".join(tr(f"identifier.type.{t.value}", args.lang) for t in summary.checked_types)
        _out(
            tr(
                "vault.history.row",
                args.lang,
                id=summary.id,
                saved_at=summary.saved_at,
                found=summary.exposure_count,
                types=types,
                done=summary.done_count,
                note=summary.note,
            )
        )
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    saved = open_vault(args).load_check(args.id)
    if args.json:
        print_json(_saved_json(saved, args.lang))
        return EXIT_OK
    lang = args.lang
    _out(tr("vault.history.saved_at", lang, id=saved.id, saved_at=saved.saved_at))
    if saved.note:
        _out(tr("vault.history.note", lang, note=saved.note))
    if saved.identifiers:
        hints = ", ".join(mask(identifier) for identifier in saved.identifiers)
        _out(tr("vault.history.identifiers_kept", lang, hints=hints))
    if saved.done:
        _out(tr("vault.history.done_items", lang, items=", ".join(sorted(saved.done))))
    _out("")
    # The same text `check` prints, so a help-desk sees a saved check exactly as it was shown.
    from exposurecheck.cli.check_cmd import _print_text
    from exposurecheck.core.advice import plan_for_report

    _print_text(saved.report, plan_for_report(saved.report, lang), lang)
    return EXIT_OK


def run_delete(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    vault.delete_check(args.id)
    _out(tr("vault.history.deleted", args.lang, id=args.id.strip().lower()))
    return EXIT_OK


def run_done(args: argparse.Namespace) -> int:
    vault = open_vault(args)
    vault.set_done(args.id, args.item, not args.undo)
    key = "vault.history.unmarked" if args.undo else "vault.history.marked"
    _out(tr(key, args.lang, id=args.id.strip().lower(), item=args.item))
    return EXIT_OK


def run_recheck(args: argparse.Namespace) -> int:
    from exposurecheck.cli import check_cmd
    from exposurecheck.core.check import check

    vault = open_vault(args)
    saved = vault.load_check(args.id)
    if not saved.identifiers:
        raise UserError("vault.history.nothing_to_recheck", id=saved.id)
    profile = check_cmd.load_profile_for_cli(args.lang)
    chosen = check_cmd.sources_for(args, profile)
    sources = chosen.sources
    report = check(list(saved.identifiers), sources, held_back=chosen.held_back)
    check_cmd._print_report(report, check_cmd.plan_for(report, sources, profile, args.lang), args)
    if args.save:
        new_id = vault.save_check(report, note=saved.note, identifiers=saved.identifiers)
        print_error(tr("vault.saved_with_identifiers", args.lang, id=new_id, path=str(vault.path)))
    return check_cmd.EXIT_ALL_FAILED if report.all_failed else EXIT_OK


def _summary_json(summary: SavedCheckSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "saved_at": summary.saved_at,
        "note": summary.note,
        "found": summary.exposure_count,
        "checked_types": [t.value for t in summary.checked_types],
        "identifiers_kept": summary.has_identifiers,
        "done_count": summary.done_count,
    }


def _saved_json(saved: SavedCheck, lang: str) -> dict[str, Any]:
    from exposurecheck.cli.check_cmd import report_json
    from exposurecheck.core.advice import plan_for_report

    return {
        "id": saved.id,
        "saved_at": saved.saved_at,
        "note": saved.note,
        "identifiers_kept": [{"type": i.type.value, "hint": mask(i)} for i in saved.identifiers],
        "done": sorted(saved.done),
        "report": report_json(saved.report, plan_for_report(saved.report, lang), lang),
    }


def _out(line: str) -> None:
    sys.stdout.write(safe_text(line) + "\n")
