"""The plan a person sees after a check: frozen dataclasses shared by the GUI, the CLI and the case sheet.

Everything here is already translated into one language; nothing in a plan is an identifier, a hash or a prefix,
so a plan may be printed or shown on a case sheet as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

WHEN_ORDER = ("now", "today", "this_week", "ongoing")
TODAY_WHENS = ("now", "today")  # the groups "Do these N things today" counts, on every screen and the sheet
SEVERITY_ORDER = ("urgent", "high", "medium", "low")
PLATFORMS = ("ios", "android", "wechat", "alipay", "carrier")


@dataclass(frozen=True)
class Step:
    """One numbered step. `platform` is None when the step applies everywhere."""

    text: str
    platform: str | None = None


@dataclass(frozen=True)
class HelpContact:
    """Who can help: a hotline and/or a website. `official` marks government and the company's own channels."""

    label: str
    phone: str | None = None
    url: str | None = None
    official: bool = False


@dataclass(frozen=True)
class PlanItem:
    """One thing to do, with a stable help-desk reference `code` (for example "P-01").

    `triggered_by` holds the data-class keys (HIBP names or `cn_*`) that put this item in the plan; show them with
    `exposurecheck.core.catalog.label_for_class`.
    """

    id: str
    code: str
    severity: str
    when: str
    title: str
    summary: str
    why: str
    steps: tuple[Step, ...]
    time_needed_min: int
    done_check: str
    help: tuple[HelpContact, ...]
    sources: tuple[str, ...]
    last_reviewed: str
    triggered_by: tuple[str, ...] = ()
    # How well the facts behind the item are confirmed: "V", "P" or "U" (the weakest mark), or None if not given.
    review: str | None = None
    # True when only a kind of detail that could not be checked put this item in the plan: it rests on what is
    # known about large leaks, not on a match, and every screen says so.
    presumed: bool = False


@dataclass(frozen=True)
class PlanGroup:
    """Items due at the same time; `when` is one of WHEN_ORDER and `title` is translated ("Today" / "今天")."""

    when: str
    title: str
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class LeakedBreach:
    """A breach the person's details were (or, for an estimate, probably were) in, in one language."""

    id: str
    title: str
    date: str
    description: str
    data_classes: tuple[str, ...]
    demo: bool = False


@dataclass(frozen=True)
class Plan:
    """The whole plan: a one-sentence summary, the groups in time order, and the breaches behind it.

    `estimate` is True when the plan comes from the presumed-exposure questionnaire rather than a check;
    `demo` is True when any result behind it came from demo data (the UI must label it). `unchecked` names the
    kinds of detail (`IdentifierType` values) a check could not look up, whose steps are presumed, and
    `unchecked_note` then says how to get a real check.
    """

    lang: str
    summary: str
    groups: tuple[PlanGroup, ...]
    breaches: tuple[LeakedBreach, ...] = ()
    estimate: bool = False
    demo: bool = False
    unchecked: tuple[str, ...] = ()
    unchecked_note: str = ""

    def items(self) -> tuple[PlanItem, ...]:
        """Every item, in the order shown (group by group)."""
        return tuple(item for group in self.groups for item in group.items)

    def today_items(self) -> tuple[PlanItem, ...]:
        """The things to do today (the "now" and "today" groups): the N of "Do these N things today", the same in
        the summary, on the results page and in guided mode."""
        return tuple(item for group in self.groups if group.when in TODAY_WHENS for item in group.items)

    def find(self, code: str) -> PlanItem | None:
        """The item with help-desk reference `code` (case-insensitive), or None."""
        wanted = code.strip().upper()
        for item in self.items():
            if item.code.upper() == wanted:
                return item
        return None
