"""Check advice files before shipping them: `python -m exposurecheck.core.advice.lint FILE [FILE ...]`.

For NGOs writing their own entries, and used by CI on the bundled files. It runs the same rules the app applies
when it loads entries (shape, allowed values, no markup), the plain-language checks, and — given one file per
language — that both languages carry the same ids with the same shared fields. Exit status 0 means no problems.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from exposurecheck.core.advice.content import Entry, parse_document
from exposurecheck.core.advice.readability import (
    MAX_TITLE_CHARS_ZH,
    MAX_TITLE_WORDS_EN,
    chinese_problems,
    chinese_stats,
    english_problems,
    english_stats,
)
from exposurecheck.core.errors import UserError

_SHARED = ("code", "data_classes", "severity", "when", "region", "time_needed_min")


def _body(entry: Entry) -> list[str]:
    return [entry.summary, entry.why, *(s.text for s in entry.steps), entry.done_check]


def entry_problems(entry: Entry, lang: str) -> list[str]:
    """Plain-language problems of one entry in `lang` (empty when it passes)."""
    if lang == "zh_CN":
        problems = chinese_problems([entry.title, *_body(entry)])
        if chinese_stats([entry.title]).words > MAX_TITLE_CHARS_ZH:
            problems.append(f"title longer than {MAX_TITLE_CHARS_ZH} characters")
        return problems
    problems = english_problems(_body(entry))
    if english_stats([entry.title + "."]).words > MAX_TITLE_WORDS_EN:
        problems.append(f"title longer than {MAX_TITLE_WORDS_EN} words")
    return problems


def pair_problems(first: Sequence[Entry], second: Sequence[Entry]) -> list[str]:
    """Differences between two languages' entries that must not differ (ids, codes, triggers, timing, platforms)."""
    a = {e.id: e for e in first}
    b = {e.id: e for e in second}
    problems = [f"{i}: only in one language" for i in sorted(set(a) ^ set(b))]
    for entry_id in sorted(set(a) & set(b)):
        for field in _SHARED:
            if getattr(a[entry_id], field) != getattr(b[entry_id], field):
                problems.append(f"{entry_id}: {field} differs between languages")
        if [s.platform for s in a[entry_id].steps] != [s.platform for s in b[entry_id].steps]:
            problems.append(f"{entry_id}: steps differ between languages")
    return problems


def lint_documents(documents: Sequence[object]) -> list[str]:
    """All problems found in parsed advice documents (one per language, or several for one language)."""
    problems: list[str] = []
    by_lang: dict[str, list[Entry]] = {}
    for number, document in enumerate(documents, start=1):
        try:
            lang, entries = parse_document(document)
        except UserError as exc:
            problems.append(f"document {number}: {exc.message('en')}")
            continue
        by_lang.setdefault(lang, []).extend(entries)
        for entry in entries:
            problems += [f"{entry.id} ({lang}): {p}" for p in entry_problems(entry, lang)]
    if len(by_lang) == 2:
        problems += pair_problems(by_lang["en"], by_lang["zh_CN"])
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        sys.stderr.write("usage: python -m exposurecheck.core.advice.lint FILE [FILE ...]\n")
        return 2
    documents: list[object] = []
    for path in paths:
        try:
            documents.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"{path}: cannot read as JSON ({type(exc).__name__})\n")
            return 2
    problems = lint_documents(documents)
    for problem in problems:
        sys.stdout.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
