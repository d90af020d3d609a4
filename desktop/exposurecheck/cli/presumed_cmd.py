"""`exposure-check presumed`: the presumed-exposure questionnaire on a terminal, or with answers as options.

No question asks for an identifier, and the answers are neither saved nor sent: they only choose which advice
to show. With neither a terminal nor `--answer` options the command stops with a usage error (exit 2) rather
than guessing.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from exposurecheck.cli.output import print_json, safe_text
from exposurecheck.core.advice import Plan, advice_json, plan_for_presumed, step_text
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang, tr
from exposurecheck.core.presumed import (
    Question,
    load_questions,
    parse_answer,
    presumed_breaches,
    presumed_classes,
)

EXIT_OK = 0
EXIT_USAGE = 2


def register(subparsers: Any) -> None:
    """Add the `presumed` command to the main parser."""
    parser = subparsers.add_parser(
        "presumed",
        help=tr("advice.presumed.help", "en"),
        description=tr("advice.presumed.intro", "en"),
    )
    ids = ", ".join(q.id for q in load_questions())
    parser.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="ID=yes|no",
        help=tr("advice.presumed.help_answer", "en") + f" [{ids}]",
    )
    parser.add_argument("--json", action="store_true", help=tr("advice.presumed.help_json", "en"))
    parser.add_argument("--list", action="store_true", help=tr("advice.presumed.help_list", "en"))
    # default=None like the other commands' --lang: main() fills in the locale's language when it is not given.
    parser.add_argument("--lang", choices=("en", "zh_CN"), default=None, help="language of messages (en or zh_CN)")
    parser.set_defaults(func=run)


def _answers_from_options(options: list[str], questions: tuple[Question, ...]) -> dict[str, bool]:
    answers: dict[str, bool] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or not key.strip():
            raise UserError("advice.presumed.error.format")
        answers[key.strip()] = parse_answer(value)
    presumed_classes(answers, questions)  # raises a UserError naming an unknown question id
    return answers


def _ask(questions: tuple[Question, ...], lang: str) -> dict[str, bool]:
    print(tr("advice.presumed.title", lang))
    print(tr("advice.presumed.intro", lang))
    print()
    answers: dict[str, bool] = {}
    for question in questions:
        while True:
            reply = input(tr("advice.presumed.prompt", lang, question=question.text(lang)))
            try:
                answers[question.id] = parse_answer(reply)
                break
            except UserError:
                print(tr("advice.presumed.answer_again", lang))
    return answers


def plan_lines(plan: Plan) -> list[str]:
    """The plan as terminal text: summary, then each group with numbered steps and reference codes."""
    lang = plan.lang
    lines = [plan.summary]
    if plan.breaches:
        label = "advice.label.breaches_estimate" if plan.estimate else "advice.label.breaches"
        lines += ["", tr("advice.label.heading", lang, label=tr(label, lang))]
        lines += [f"  - {b.title}" for b in plan.breaches]
    for group in plan.groups:
        lines += ["", f"== {group.title} =="]
        for item in group.items:
            minutes = tr("advice.label.time_needed", lang, count=item.time_needed_min)
            lines.append(tr("advice.label.item", lang, code=item.code, title=item.title, time=minutes))
            lines.append(f"    {item.summary}")
            for number, step in enumerate(item.steps, start=1):
                lines.append(f"    {number}. {step_text(step, lang)}")
    return lines


def run(args: argparse.Namespace) -> int:
    lang = normalize_lang(getattr(args, "lang", None))
    questions = load_questions()
    if args.list:
        for question in questions:
            print(safe_text(f"{question.id}: {question.text(lang)}"))
        return EXIT_OK
    if args.answer:
        answers = _answers_from_options(args.answer, questions)
    elif sys.stdin.isatty():
        answers = _ask(questions, lang)
    else:
        sys.stderr.write(tr("advice.presumed.error.no_terminal", lang) + "\n")
        return EXIT_USAGE
    # A confirmed NGO profile's advice joins this plan too, as it does for `check` and in the window's questionnaire.
    from exposurecheck.cli.helpdesk_options import load_profile_for_cli

    profile = load_profile_for_cli(lang)
    plan = plan_for_presumed(answers, lang, extra_entries=list(profile.advice) if profile else [])
    if args.json:
        print_json(
            {
                "estimate": True,
                "lang": lang,
                "summary": plan.summary,
                "answers": {q.id: bool(answers.get(q.id, False)) for q in questions},
                "presumed_classes": sorted(presumed_classes(answers, questions)),
                "breaches": list(presumed_breaches(answers, questions)),
                "advice": advice_json(plan),
            }
        )
    else:
        sys.stdout.write(safe_text("\n".join(plan_lines(plan))) + "\n")
    return EXIT_OK
