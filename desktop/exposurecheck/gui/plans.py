"""The plan for what is on screen: from a check's report (with the packs' breach catalog) or from questionnaire
answers, in the session's language, with an NGO profile's own advice entries when there are any."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from exposurecheck.core.errors import UserError

if TYPE_CHECKING:
    from exposurecheck.core.advice import Plan
    from exposurecheck.gui.session import Session


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
