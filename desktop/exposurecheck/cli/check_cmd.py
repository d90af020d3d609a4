"""`exposure-check check`: look identifiers up in the chosen sources and print a report (text or JSON).

Identifiers come from options because that is what help-desk scripts use; the one exception is the password,
which is read from stdin or a no-echo prompt so it never appears in a process list or shell history.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from typing import Any

from exposurecheck.cli.helpdesk_options import (
    add_case_sheet_argument,
    load_profile_for_cli,
    write_case_sheet_after_check,
)
from exposurecheck.cli.main import add_insecure_http_argument
from exposurecheck.cli.output import print_error, print_json, safe_text
from exposurecheck.cli.source_options import add_source_arguments
from exposurecheck.cli.vault_options import add_save_arguments, save_after_check
from exposurecheck.core.advice import advice_json, plan_for_report
from exposurecheck.core.advice.model import Plan
from exposurecheck.core.advice.plan import join_words
from exposurecheck.core.check import catalog_for, check
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import plain_source_label, tr
from exposurecheck.core.identifiers import Identifier, IdentifierType, InvalidIdentifier, normalize
from exposurecheck.core.identifiers.phone import DEFAULT_REGION, is_region
from exposurecheck.core.report import Exposure, Outcome, Reason, Report, SourceState
from exposurecheck.core.sources.base import Source
from exposurecheck.core.sources.choice import SourcePlan, factory_for, plan_sources
from exposurecheck.core.trust.profile import Profile

log = logging.getLogger(__name__)

EXIT_OK, EXIT_USAGE, EXIT_ALL_FAILED = 0, 2, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="check identifiers against breach data sources")
    parser.add_argument("--phone", action="append", default=[], metavar="P")
    parser.add_argument("--email", action="append", default=[], metavar="E")
    parser.add_argument("--cn-id", action="append", default=[], metavar="N")
    parser.add_argument("--username", action="append", default=[], metavar="U")
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read one password from stdin (prompted without echo on a terminal)",
    )
    parser.add_argument("--region", default=DEFAULT_REGION, help="default country for phone numbers (default CN)")
    add_source_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    add_insecure_http_argument(parser)
    add_save_arguments(parser)
    add_case_sheet_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    try:
        identifiers = _identifiers_from_args(args)
    except InvalidIdentifier as exc:
        print_error(exc.message(lang))
        return EXIT_USAGE
    if not identifiers:
        print_error(tr("check.no_identifiers", lang))
        return EXIT_USAGE
    profile = load_profile_for_cli(lang)
    chosen = sources_for(args, profile)
    sources = chosen.sources
    log.info("checking %s against %d source(s)", identifiers_summary(identifiers), len(sources))
    report = check(identifiers, sources, held_back=chosen.held_back)
    plan = plan_for(report, sources, profile, lang)
    _print_report(report, plan, args)
    write_case_sheet_after_check(plan, profile, args)
    save_after_check(report, identifiers, args)
    if report.all_failed:
        return EXIT_ALL_FAILED
    return EXIT_OK


def plan_for(report: Report, sources: Sequence[Source], profile: Profile | None, lang: str) -> Plan:
    """One plan for everything printed or written: with the NGO's own advice entries and the breach names the
    sources carry (a pack's or manifest's catalog)."""
    extra = list(profile.advice) if profile else []
    return plan_for_report(report, lang, catalog=catalog_for(sources), extra_entries=extra)


def _identifiers_from_args(args: argparse.Namespace) -> list[Identifier]:
    found: list[Identifier] = []
    given = (
        (IdentifierType.PHONE, args.phone),
        (IdentifierType.EMAIL, args.email),
        (IdentifierType.CN_ID, args.cn_id),
        (IdentifierType.USERNAME, args.username),
    )
    if args.phone and not is_region(args.region):
        # Otherwise libphonenumber's refusal reads as "this does not look like a phone number".
        raise UserError("identifier.phone.bad_region", region=args.region)
    for kind, values in given:
        found.extend(normalize(kind, raw, region=args.region) for raw in values)
    if args.password_stdin:
        found.append(normalize(IdentifierType.PASSWORD, read_password(args.lang)))
    # The same value typed twice is checked once.
    return list(dict.fromkeys(found))


def read_password(lang: str) -> str:
    """One password from a no-echo prompt on a terminal, or the first line of stdin otherwise."""
    if sys.stdin.isatty():
        password = getpass.getpass(tr("cli.password_prompt", lang))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("cli.password_empty")
    return password


def sources_for(args: argparse.Namespace, profile: Profile | None) -> SourcePlan:
    """The sources the window would use with the same settings (`core.sources.choice`), with `--source`,
    `--trust` and `--offline-only` on top. A source named on the command line that cannot be set up is a usage
    error; any other (a damaged pack found on a stick, a bad spec in settings) is said on stderr and skipped."""
    from exposurecheck.core.settings import load_settings
    from exposurecheck.core.trust.publisher_keys import read_public_key

    keys = tuple(read_public_key(path) for path in args.trust)
    loaded = load_settings()  # read first here, so a damaged file is said once, in the person's language
    if loaded.problem:
        print_error(loaded.problem_message(args.lang))
    offline_only = args.offline_only or loaded.settings.offline_only
    chosen = plan_sources(
        factory_for(profile, args.source, keys), training=False, offline_only=offline_only, profile=profile
    )
    if args.source and chosen.problems:
        raise chosen.problems[0]
    for problem in chosen.problems:
        print_error(problem.message(args.lang))
    return chosen


def report_json(report: Report, plan: Plan, lang: str) -> dict[str, Any]:
    """The `--json` shape: stable keys that scripts and tests rely on."""
    return {
        "identifiers": [
            {
                "type": status.type.value,
                "hint": status.hint,
                "status": status.outcome.value,
                "reason": status.reason_text(lang) or None,
                "reason_code": status.reason.value if status.reason is not None else None,
            }
            for status in report.identifiers
        ],
        "exposures": [
            {
                "type": e.type.value,
                "hint": e.hint,
                "source": e.source,
                "count": e.count,
                "breaches": [{"id": b} for b in e.breaches],
                "demo": e.demo,
            }
            for e in report.exposures
        ],
        "sources": [
            {
                "name": s.name,
                "status": "ok" if s.state is SourceState.OK else s.state.value,
                "error": s.error_message(lang) if s.state is SourceState.ERROR else None,
                "notices": [notice.text(lang) for notice in s.notices],
                "demo": s.demo,
            }
            for s in report.sources
        ],
        "advice": advice_json(plan),
    }


def _print_report(report: Report, plan: Plan, args: argparse.Namespace) -> None:
    lang = args.lang
    if args.json:
        print_json(report_json(report, plan, lang))
        return
    _print_text(report, plan, lang)


def _print_text(report: Report, plan: Plan, lang: str) -> None:
    titles = {breach.id: breach.title for breach in plan.breaches}
    lines: list[str] = []
    if any(e.demo for e in report.exposures) or any(st.demo for st in report.sources):
        lines.append(tr("cli.demo_banner", lang))
    if report.identifiers:
        lines += _identifier_lines(report, titles, lang)
    else:  # a check saved before each identifier had its own status: only what was found is known
        lines += [_exposure_line(exposure, titles, lang) for exposure in report.exposures]
        if not report.exposures:
            lines.append(tr("cli.not_found", lang))
    for status in report.sources:
        if status.state is SourceState.ERROR:
            source = plain_source_label(status.name, lang)
            lines.append(tr("cli.source_error", lang, source=source, message=status.error_message(lang)))
        for notice in status.notices:
            source = plain_source_label(status.name, lang)
            lines.append(tr("cli.source_error", lang, source=source, message=notice.text(lang)))
    lines.append("")
    lines.append(plan.summary)
    if plan.unchecked_note:
        lines.append(_real_check_note(report, plan, lang))
    for group in plan.groups:
        lines.append("")
        lines.append(f"== {group.title} ==")
        for item in group.items:
            title = tr("outcome.item_presumed", lang, title=item.title) if item.presumed else item.title
            lines.append(f"[{item.code}] {title}")
    sys.stdout.write(safe_text("\n".join(lines)) + "\n")


def _real_check_note(report: Report, plan: Plan, lang: str) -> str:
    """The plan's way to a real check; for a data file from a publisher not known yet, the command line's own way
    to confirm it (the window asks with a dialog instead, and a case sheet names no command)."""
    if any(status.reason is Reason.UNKNOWN_PUBLISHER for status in report.identifiers):
        return tr("outcome.cli.confirm_publisher", lang)
    return plan.unchecked_note


def _identifier_lines(report: Report, titles: dict[str, str], lang: str) -> list[str]:
    """One answer per typed identifier, in the order typed: what found it, or "not found", or why not checked."""
    lines: list[str] = []
    shown: set[tuple[IdentifierType, str]] = set()
    for status in report.identifiers:
        if status.outcome is Outcome.FOUND:
            key = (status.type, status.hint)
            if key not in shown:  # two identifiers with one hint share their findings' lines
                shown.add(key)
                lines += [_exposure_line(e, titles, lang) for e in report.exposures if (e.type, e.hint) == key]
        else:
            lines.append(status.line(lang))
    return lines


def _exposure_line(exposure: Exposure, titles: dict[str, str], lang: str) -> str:
    if exposure.type is IdentifierType.PASSWORD:
        return tr("cli.exposed_password", lang, count=exposure.count)
    return (tr("cli.demo_tag", lang) + " " if exposure.demo else "") + tr(
        "cli.found",
        lang,
        type=tr(f"identifier.type.{exposure.type.value}", lang),
        hint=exposure.hint,
        source=plain_source_label(exposure.source, lang),
        breaches=join_words([titles.get(b, b) for b in exposure.breaches], lang),
    )


def identifiers_summary(identifiers: Sequence[Identifier]) -> str:
    """Counts by type, the only thing about identifiers that may be logged."""
    counts: dict[str, int] = {}
    for identifier in identifiers:
        counts[identifier.type.value] = counts.get(identifier.type.value, 0) + 1
    return ", ".join(f"{k}={v}" for k, v in counts.items())
