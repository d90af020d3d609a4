"""No dead end: a kind of detail that could not be checked still gets its steps, labelled as not from a match.

When no source here could look a phone number up (no data file with phone numbers, offline only, a service that
could not be reached), "nothing found" would be untrue and an empty plan would leave the person stranded. The
plan instead holds the steps for that kind of detail as the questionnaire would give them (what is known about
large leaks), says in its summary that they are not from a match, and names one plain way to a real check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from exposurecheck.core.advice.model import PlanItem
from exposurecheck.core.advice.plan import item_words
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Outcome, Reason, Report

# The data classes each kind of identifier is: what a finding of it means, and what an unchecked one presumes.
KIND_CLASSES: dict[IdentifierType, tuple[str, ...]] = {
    IdentifierType.PHONE: ("Phone numbers",),
    IdentifierType.EMAIL: ("Email addresses",),
    IdentifierType.CN_ID: ("Government issued IDs", "cn_resident_id"),
    IdentifierType.USERNAME: ("Usernames",),
    IdentifierType.PASSWORD: ("Passwords",),
}


def presumed_classes(kinds: Iterable[IdentifierType]) -> set[str]:
    """The data classes to plan for when these kinds could not be checked."""
    return {c for kind in kinds for c in KIND_CLASSES[kind]}


def mark_presumed(items: Sequence[PlanItem], found_classes: set[str]) -> tuple[PlanItem, ...]:
    """Items that only an unchecked kind put in the plan, marked so every screen can label them."""
    from dataclasses import replace

    return tuple(
        item if not item.triggered_by or set(item.triggered_by) & found_classes else replace(item, presumed=True)
        for item in items
    )


def checked_sentence(report: Report, lang: str) -> str:
    """ "Your email address was not found in the data checked here." when nothing was found but something was
    really checked; "" otherwise."""
    kinds = [s.type.value for s in report.identifiers if s.outcome is Outcome.NOT_FOUND]
    if not kinds or any(s.outcome is Outcome.FOUND for s in report.identifiers):
        return ""
    words, named = item_words(kinds, lang)
    return tr(f"outcome.summary.not_found.{'one_item' if named == 1 else 'many_items'}", lang, items=words)


def unchecked_sentence(kinds: Sequence[IdentifierType], lang: str) -> str:
    """ "We could not check your phone number, so its steps below are based on what is known about large leaks,
    not on a match." """
    words, named = item_words([k.value for k in kinds], lang)
    return tr(f"outcome.summary.unchecked.{'one_item' if named == 1 else 'many_items'}", lang, items=words)


def real_check_note(report: Report, lang: str) -> str:
    """The one plain way to a real check (no network tips: the network is often not why). When a data file the
    person already has was not used because its publisher is not known yet, asking for a data file would send
    them in a circle: the way is to confirm that publisher."""
    if any(s.reason is Reason.UNKNOWN_PUBLISHER for s in report.identifiers):
        return tr("outcome.note.confirm_publisher", lang)
    return tr("outcome.note.real_check", lang)
