"""One honest answer per typed identifier: found, not found, or not checked and why.

"Not found" is said only when a source that really holds data of the identifier's kind looked and came back
empty. A source "holds" a kind when it says so after its lookup (`Source.covered_types()`: a pack knows the kinds
in its file, Pwned Passwords checks only passwords). Everything else is "not checked", with the most specific
reason there is, in this order: the source that checks it failed (a data file whose publisher is not known yet,
unreachable, or otherwise), the person
stopped the check, offline only kept away the only source that checks it, or nothing here holds that kind.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from exposurecheck.core.identifiers import Identifier, IdentifierType, mask
from exposurecheck.core.report import IdentifierStatus, Outcome, Reason, SourceState, SourceStatus

# Failures of the connection itself, as opposed to a source that answered badly or a pack that was refused:
# only these make "the service could not be reached" the honest reason.
NETWORK_FAILURES = frozenset({"http.unreachable", "http.timeout", "http.tls_failed", "http.failed"})
# A data file refused only because this app does not know its publisher: confirming the publisher would check it.
UNKNOWN_PUBLISHER = "pack.error.unknown_publisher"


@dataclass(frozen=True)
class SourceOutcome:
    """How one source's part of a check went, as the statuses need it."""

    status: SourceStatus
    accepts: frozenset[IdentifierType]  # the kinds it was asked about (`Source.accepts`)
    covered: frozenset[IdentifierType]  # the kinds it really checked (`Source.covered_types()`), when it ran
    found: frozenset[int]  # positions, in the check's identifier list, of the identifiers it found


def identifier_statuses(
    identifiers: Sequence[Identifier],
    outcomes: Sequence[SourceOutcome],
    held_back: Mapping[IdentifierType, Reason] | None = None,
) -> tuple[IdentifierStatus, ...]:
    """The status of each identifier, in order. `held_back`: kinds whose only sources were left out on purpose
    (offline only), with the reason to give when nothing else checked them."""
    held_back = held_back or {}
    return tuple(_status(position, identifier, outcomes, held_back) for position, identifier in enumerate(identifiers))


def _status(
    position: int,
    identifier: Identifier,
    outcomes: Sequence[SourceOutcome],
    held_back: Mapping[IdentifierType, Reason],
) -> IdentifierStatus:
    kind = identifier.type
    hint = mask(identifier)
    asked = [o for o in outcomes if kind in o.accepts]
    if any(position in o.found for o in asked):
        return IdentifierStatus(kind, hint, Outcome.FOUND)
    if any(o.status.state is SourceState.OK and kind in o.covered for o in asked):
        return IdentifierStatus(kind, hint, Outcome.NOT_FOUND)
    return IdentifierStatus(kind, hint, Outcome.NOT_CHECKED, _reason(kind, asked, held_back))


def _reason(
    kind: IdentifierType, asked: Collection[SourceOutcome], held_back: Mapping[IdentifierType, Reason]
) -> Reason:
    failed = [o.status for o in asked if o.status.state is SourceState.ERROR]
    if failed:
        if any(s.error_key == UNKNOWN_PUBLISHER for s in failed):
            return Reason.UNKNOWN_PUBLISHER  # the one failure the person can mend on the spot, without a network
        if all(s.error_key in NETWORK_FAILURES for s in failed):
            return Reason.UNREACHABLE
        return Reason.SOURCE_FAILED
    if any(o.status.state is SourceState.CANCELLED for o in asked):
        return Reason.CANCELLED
    return held_back.get(kind, Reason.NO_DATA)
