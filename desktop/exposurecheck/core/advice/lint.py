"""Check advice files before shipping them: `python -m exposurecheck.core.advice.lint FILE [FILE ...]`.

For NGOs writing their own entries, and used by CI on the bundled files. It runs the same rules the app applies
when it loads entries (shape, allowed values, no markup), the plain-language checks, two safety rules, and — given
one file per language — that both languages carry the same ids with the same shared fields, and that each text
(title, summary, why, every step, the done check) names the same numbers and reference codes in both: a hotline,
a count of wrong PINs or a "(P-03)" that one language lost is drift. Exit status 0 means no problems.

The safety rules:
- a default SIM PIN (1234 or 0000) may only appear after the lock-out warning (3 wrong PINs lock the card and ask
  for the PUK), so nobody reads "enter 1234" and starts guessing before knowing that guessing can lock them out;
- an entry marked P or U (partly or not confirmed) must word its facts softly: it needs at least one hedge such as
  "usually", "may" or "ask your carrier" (一般、可能、问运营商). A hedge somewhere does not prove every fact is
  hedged; a reviewer still reads the entry, but an entry with none at all is certainly worded too firmly.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from exposurecheck.core.advice.content import Entry, parse_document
from exposurecheck.core.advice.readability import (
    MAX_TITLE_CHARS_ZH,
    MAX_TITLE_WORDS_EN,
    chinese_problems,
    chinese_stats,
    chinese_wording_problems,
    english_problems,
    english_stats,
)
from exposurecheck.core.errors import UserError

_SHARED = ("code", "data_classes", "severity", "when", "region", "time_needed_min")

# A default PIN as a step would show it: 1234 or 0000 on their own, not inside 123456 nor as a group of a phone
# number written with dashes or spaces (an NGO's hotline 400-000-0000 or 010-1234-5678 is not a PIN).
_DEFAULT_PIN = re.compile(r"(?<![0-9])(?<![0-9][- ])(?:1234|0000)(?![0-9])(?![- ][0-9])")
# The lock-out warning names the PUK code (both languages print it as PUK) or says what wrong PINs do.
_LOCKOUT_WARNING = re.compile(r"PUK|wrong PINs?|输错")
_HEDGES = {
    "en": re.compile(
        r"\b(?:usually|often|may|might|can differ|differs?|may differ|not sure|not confirmed|not clear|reports say|"
        r"ask your|check with|if you can still|partly)\b",
        re.IGNORECASE,
    ),
    "zh_CN": re.compile(r"一般|通常|可能|也许|不一定|据报道|还不清楚|未经|问运营商|以.{0,6}为准|曾|如果还能"),
}


def _reading_order(entry: Entry) -> list[str]:
    # What a person reads, in the order they read it: title, summary, why, then the steps.
    return [entry.title, entry.summary, entry.why, *(s.text for s in entry.steps)]


def pin_order_problems(entry: Entry) -> list[str]:
    """A default PIN shown before (or without) the warning that wrong PINs lock the card."""
    text = "\n".join(_reading_order(entry))
    pin = _DEFAULT_PIN.search(text)
    if pin is None:
        return []
    warning = _LOCKOUT_WARNING.search(text)
    if warning is None or warning.start() > pin.start():
        return ["shows a default PIN before the warning that 3 wrong PINs lock the card (PUK)"]
    return []


def soft_wording_problems(entry: Entry, lang: str) -> list[str]:
    """An entry marked P or U whose text has no hedge at all."""
    if entry.review not in ("P", "U"):
        return []
    if _HEDGES[lang].search(" ".join([*_reading_order(entry), entry.done_check])):
        return []
    return [f"marked {entry.review} (not fully confirmed) but nothing in it is worded softly"]


def _body(entry: Entry) -> list[str]:
    return [entry.summary, entry.why, *(s.text for s in entry.steps), entry.done_check]


def entry_problems(entry: Entry, lang: str) -> list[str]:
    """Plain-language and safety problems of one entry in `lang` (empty when it passes)."""
    problems = pin_order_problems(entry) + soft_wording_problems(entry, lang)
    if lang == "zh_CN":
        problems += chinese_problems([entry.title, *_body(entry)])
        problems += [p for h in entry.help for p in chinese_wording_problems(h.label)]
        if chinese_stats([entry.title]).words > MAX_TITLE_CHARS_ZH:
            problems.append(f"title longer than {MAX_TITLE_CHARS_ZH} characters")
        return problems
    problems += english_problems(_body(entry))
    if english_stats([entry.title + "."]).words > MAX_TITLE_WORDS_EN:
        problems.append(f"title longer than {MAX_TITLE_WORDS_EN} words")
    return problems


# Numbers as digits (phone numbers, counts, articles of a law) and reference codes ("P-03"): both languages write
# them the same way (the Chinese style guide gives numbers as digits), so a set that differs means a lost fact.
_FACT = re.compile(r"(?<![A-Za-z])[A-Z]-[0-9]{2,3}(?![0-9])|[0-9]+(?:\.[0-9]+)?")


def _facts(text: str) -> set[str]:
    return set(_FACT.findall(text))


def _texts(entry: Entry) -> list[tuple[str, str]]:
    named = [("title", entry.title), ("summary", entry.summary), ("why", entry.why), ("done_check", entry.done_check)]
    return named + [(f"step {number}", step.text) for number, step in enumerate(entry.steps, start=1)]


def fact_drift(first: Entry, second: Entry) -> list[str]:
    """The texts of one entry whose numbers or reference codes differ between two languages."""
    problems = []
    for (where, one), (_where, other) in zip(_texts(first), _texts(second), strict=False):
        only = _facts(one) ^ _facts(other)
        if only:
            problems.append(f"{first.id}: {where} names {', '.join(sorted(only))} in one language only")
    return problems


def pair_problems(first: Sequence[Entry], second: Sequence[Entry]) -> list[str]:
    """Differences between two languages' entries that must not differ (ids, codes, triggers, timing, platforms,
    the numbers and codes each text names, the help lines' numbers and addresses)."""
    a = {e.id: e for e in first}
    b = {e.id: e for e in second}
    problems = [f"{i}: only in one language" for i in sorted(set(a) ^ set(b))]
    for entry_id in sorted(set(a) & set(b)):
        for field in _SHARED:
            if getattr(a[entry_id], field) != getattr(b[entry_id], field):
                problems.append(f"{entry_id}: {field} differs between languages")
        if [s.platform for s in a[entry_id].steps] != [s.platform for s in b[entry_id].steps]:
            problems.append(f"{entry_id}: steps differ between languages")
        if (a[entry_id].review, a[entry_id].source_reviews) != (b[entry_id].review, b[entry_id].source_reviews):
            problems.append(f"{entry_id}: confirmation marks differ between languages")
        if len(a[entry_id].steps) == len(b[entry_id].steps):
            problems += fact_drift(a[entry_id], b[entry_id])
        contacts = [[(h.phone, h.url, h.official) for h in e.help] for e in (a[entry_id], b[entry_id])]
        if contacts[0] != contacts[1]:
            problems.append(f"{entry_id}: help numbers or addresses differ between languages")
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
