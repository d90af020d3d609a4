"""The risk model: data classes that leaked (or probably leaked) → a plan grouped by when to act.

The model is deliberately simple and explainable to a help-desk caller: an entry is in the plan when any of its
trigger classes leaked; entries are grouped Act now / Today / This week / Ongoing and ordered by severity, then by
their order in the entries file, so the order never changes between runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from exposurecheck.core.advice.content import ALWAYS, Entry
from exposurecheck.core.advice.model import (
    SEVERITY_ORDER,
    TODAY_WHENS,
    WHEN_ORDER,
    LeakedBreach,
    PlanGroup,
    PlanItem,
)
from exposurecheck.core.catalog import Catalog, known_classes, label_for_class
from exposurecheck.core.i18n import tr

# What each identifier type or data class is called in the summary sentence, in the order it is named there.
_ITEM_ORDER = ("phone", "cn_id", "email", "address", "name", "parcels", "police", "health", "username", "password")
_CLASS_ITEMS = {
    "Phone numbers": "phone",
    "Government issued IDs": "cn_id",
    "cn_resident_id": "cn_id",
    "Email addresses": "email",
    "Physical addresses": "address",
    "Names": "name",
    "cn_express_delivery_records": "parcels",
    "cn_police_case_records": "police",
    "cn_police_subject_records": "police",
    "cn_health_code_status": "health",
    "Usernames": "username",
    "Passwords": "password",
}
_MAX_NAMED_ITEMS = 3


def select_items(entries: Iterable[Entry], classes: Collection[str]) -> tuple[PlanItem, ...]:
    """The entries triggered by `classes` (plus the always-shown basics), as plan items, deduplicated by id."""
    chosen: dict[str, PlanItem] = {}
    for entry in entries:
        triggered = tuple(c for c in entry.data_classes if c in classes)
        if not triggered and ALWAYS not in entry.data_classes:
            continue
        chosen.setdefault(entry.id, _item(entry, triggered))
    return tuple(chosen.values())


def _item(entry: Entry, triggered: tuple[str, ...]) -> PlanItem:
    return PlanItem(
        id=entry.id,
        code=entry.code,
        severity=entry.severity,
        when=entry.when,
        title=entry.title,
        summary=entry.summary,
        why=entry.why,
        steps=entry.steps,
        time_needed_min=entry.time_needed_min,
        done_check=entry.done_check,
        help=entry.help,
        sources=entry.sources,
        last_reviewed=entry.last_reviewed,
        triggered_by=triggered,
        review=entry.review,
    )


def group_items(items: Iterable[PlanItem], lang: str) -> tuple[PlanGroup, ...]:
    """Items into the four time groups, each sorted by severity; empty groups are left out.

    The sort is stable, so items of equal severity keep the order of the entries file: content authors decide
    which of two equally serious steps comes first.
    """
    items = tuple(items)
    groups = []
    for when in WHEN_ORDER:
        members = sorted((i for i in items if i.when == when), key=lambda i: SEVERITY_ORDER.index(i.severity))
        if members:
            groups.append(PlanGroup(when=when, title=tr(f"advice.group.{when}", lang), items=tuple(members)))
    return tuple(groups)


def leaked_breaches(breach_ids: Iterable[str], catalog: Catalog, lang: str) -> tuple[LeakedBreach, ...]:
    """The breaches behind a plan in `lang`; an id missing from the catalog is still listed, plainly named."""
    result = []
    for breach_id in dict.fromkeys(breach_ids):
        breach = catalog.get(breach_id)
        if breach is None:
            result.append(LeakedBreach(breach_id, tr("advice.breach.unknown", lang, id=breach_id), "", "", ()))
            continue
        result.append(
            LeakedBreach(
                id=breach.id,
                title=breach.title(lang),
                date=breach.date,
                description=breach.description(lang),
                data_classes=tuple(label_for_class(c, lang) for c in breach.data_classes),
                demo=breach.demo,
            )
        )
    return tuple(result)


def join_words(words: Sequence[str], lang: str) -> str:
    """ "a", "a and b", "a, b and c" (or 甲、乙和丙) in `lang`."""
    if len(words) <= 1:
        return "".join(words)
    return tr("advice.join.sep", lang).join(words[:-1]) + tr("advice.join.last", lang) + words[-1]


def item_words(kinds: Iterable[str], lang: str) -> tuple[str, int]:
    """The summary's list of things ("phone number and ID number") and how many things were named."""
    ordered = [k for k in _ITEM_ORDER if k in set(kinds)]
    words = [tr(f"advice.item.{k}", lang) for k in ordered[:_MAX_NAMED_ITEMS]]
    if len(ordered) > _MAX_NAMED_ITEMS:
        words.append(tr("advice.item.more", lang))
    return join_words(words, lang), len(ordered)


def class_kinds(classes: Iterable[str]) -> set[str]:
    return {_CLASS_ITEMS[c] for c in classes if c in _CLASS_ITEMS}


# Catalog classes that name the same data: listed once, by the first one's label.
_SAME_DATA = {"cn_resident_id": "Government issued IDs"}


def distinct_class_labels(classes: Iterable[str], lang: str) -> tuple[str, ...]:
    """Labels for data classes (catalog keys, or labels already in `lang`), each piece of data once: the HIBP
    class and its `cn_*` counterpart for the same thing (the ID number) give one label, not two."""
    by_label = {label_for_class(key, lang): key for key in known_classes()}
    seen: dict[str, str] = {}  # the data named -> its label
    for data_class in classes:
        key = by_label.get(data_class, data_class)
        seen.setdefault(_SAME_DATA.get(key, key), label_for_class(key, lang))
    return tuple(dict.fromkeys(seen.values()))


def todo_sentence(groups: Sequence[PlanGroup], lang: str) -> str:
    count = sum(len(g.items) for g in groups if g.when in TODAY_WHENS)  # = Plan.today_items()
    if count == 0:
        return tr("advice.summary.todo.none", lang)
    return tr("advice.summary.todo", lang, count=count)


def found_sentence(kinds: Iterable[str], leak_count: int, lang: str) -> str:
    """ "Your phone number and ID number were in 2 leaks." """
    words, named = item_words(kinds, lang)
    # The subject's number ("was" / "were") follows how many things are named; the leak count picks its own form.
    item_form = "one_item" if named == 1 else "many_items"
    return tr(f"advice.summary.found.{item_form}", lang, items=words, count=leak_count)


def seen_sentence(kinds: Iterable[str], lang: str) -> str:
    """ "Your password was found in known leaks." (a source that gives no breach names, e.g. Pwned Passwords)"""
    words, named = item_words(kinds, lang)
    return tr(f"advice.summary.seen.{'one_item' if named == 1 else 'many_items'}", lang, items=words)


def presumed_sentence(kinds: Iterable[str], lang: str) -> str:
    words, named = item_words(kinds, lang)
    if named == 0:
        return tr("advice.summary.presumed.details", lang)
    form = "one_item" if named == 1 else "many_items"
    return tr(f"advice.summary.presumed.{form}", lang, items=words)
