"""What one person's session holds while the window is open, how it is forgotten ("End session"), and the plan
shown for it.

Nothing here is written to disk. The report and plan live only in memory until the person asks to keep them
(the vault encrypts them) or ends the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exposurecheck.core.errors import UserError

if TYPE_CHECKING:
    from exposurecheck.core.advice import Plan
    from exposurecheck.core.catalog import Catalog
    from exposurecheck.core.report import Report


@dataclass
class Session:
    lang: str
    offline_only: bool = False
    online_consent: bool = False
    training: bool = False
    report: Report | None = None
    plan: Plan | None = None
    catalog: Catalog | None = None  # breach descriptions for the report: bundled plus the packs' own
    presumed_answers: dict[str, bool] | None = None
    pack_files: list[str] = field(default_factory=list)  # packs opened by hand ("Open a data pack file…")
    done_items: set[str] = field(default_factory=set)
    # Text the app itself put on the clipboard (a diagnostic, a reference code), so "End session" can clear it
    # without wiping something the person copied from another program.
    clipboard_texts: list[str] = field(default_factory=list)

    @property
    def demo(self) -> bool:
        """Training mode, or demo data behind what is shown (even a "nothing found" from the demo pack): every
        screen and the case sheet then say DEMO."""
        plan, report = self.plan, self.report
        return (self.training or bool(plan is not None and plan.demo)
                or bool(report is not None and any(s.demo for s in report.sources)))

    def forget(self) -> None:
        """Drop everything about the person; the language and the offline switch are not about the person."""
        self.online_consent = False
        self.training = False
        self.report = None
        self.catalog = None
        self.plan = None
        self.presumed_answers = None
        self.pack_files.clear()
        self.done_items.clear()
        self.clipboard_texts.clear()


def make_plan(session: Session, extra_entries: Sequence[Mapping[str, Any]] = ()) -> tuple[Plan, bool]:
    """The plan, and whether the extra (NGO) entries had to be left out because they could not be read.

    An organisation's advice is untrusted input: if it is broken, the app's own advice still makes a complete plan,
    and the caller tells the person that the organisation's part is missing.
    """
    try:
        return _plan(session, extra_entries), False
    except UserError:
        if not extra_entries:
            raise
        return _plan(session, ()), True


def _plan(session: Session, extra: Sequence[Mapping[str, Any]]) -> Plan:
    from exposurecheck.core.advice import plan_for_presumed, plan_for_report

    if session.report is not None:
        return plan_for_report(session.report, session.lang, catalog=session.catalog, extra_entries=extra)
    return plan_for_presumed(session.presumed_answers or {}, session.lang, extra_entries=extra)
