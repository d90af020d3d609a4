"""The front door: `check(identifiers, sources) -> Report`.

Sources run side by side, each in its own thread (core/source_threads.py); one failing, slow or hung source never
spoils the others, and the check ends by its deadline or as soon as the person cancels. Progress and cancellation
travel through plain callables, which the GUI wraps in Qt signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from exposurecheck.core.catalog import Catalog, load_bundled_catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType, mask
from exposurecheck.core.outcomes import SourceOutcome, identifier_statuses
from exposurecheck.core.report import Exposure, Reason, Report, SourceResult, SourceState, SourceStatus
from exposurecheck.core.source_threads import CHECK_SECONDS, run_sources
from exposurecheck.core.sources.base import Cancelled, CancelToken, ProgressCallback, Source

log = logging.getLogger(__name__)

SourceDone = Callable[[SourceStatus], None]


def _ignore_progress(_name: str, _fraction: float) -> None:
    pass


def _ignore_done(_status: SourceStatus) -> None:
    pass


def check(
    identifiers: Sequence[Identifier],
    sources: Sequence[Source],
    *,
    progress: ProgressCallback = _ignore_progress,
    on_source_done: SourceDone = _ignore_done,
    cancel: CancelToken | None = None,
    held_back: Mapping[IdentifierType, Reason] | None = None,
    seconds: float = CHECK_SECONDS,
) -> Report:
    """Look every identifier up in every source that accepts its type and gather one report, with one status per
    identifier (`core.outcomes`). `held_back`: kinds whose sources were left out on purpose (offline only), so an
    identifier nothing else checked says why; `SourcePlan.held_back` gives it."""
    cancel = cancel or CancelToken()
    checked_types = tuple(dict.fromkeys(i.type for i in identifiers))
    # Every source gets its answer or its plain error by `seconds`, or at once when the person cancels.
    outcomes = run_sources(
        sources,
        lambda source: _run_one(source, identifiers, progress, cancel),
        _gave_up,
        on_done=lambda outcome: on_source_done(outcome[0].status),
        is_cancelled=cancel.is_cancelled,
        seconds=seconds,
    )
    return Report(
        exposures=tuple(e for _, result in outcomes for e in result.exposures),
        sources=tuple(outcome.status for outcome, _ in outcomes),
        sent=tuple(result.sent for _, result in outcomes if result.sent is not None),
        checked_types=checked_types,
        identifiers=identifier_statuses(identifiers, [o for o, _ in outcomes], held_back),
    )


def _gave_up(source: Source, why: str) -> tuple[SourceOutcome, SourceResult]:
    """The outcome of a source still running when the person cancelled or the check's time ran out."""
    if why == "cancelled":
        status = SourceStatus(source.name, SourceState.CANCELLED, demo=source.demo, insecure=source.insecure)
    else:
        status = SourceStatus(source.name, SourceState.ERROR, "deadline.source", demo=source.demo,
                              insecure=source.insecure)
    return SourceOutcome(status, source.accepts, frozenset(), frozenset()), SourceResult()


def _run_one(
    source: Source, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
) -> tuple[SourceOutcome, SourceResult]:
    positions = [n for n, i in enumerate(identifiers) if i.type in source.accepts]
    wanted = [identifiers[n] for n in positions]

    def ended(state: SourceState, key: str | None = None, params: tuple[tuple[str, str], ...] = ()) -> SourceOutcome:
        status = SourceStatus(source.name, state, key, params, demo=source.demo, insecure=source.insecure)
        return SourceOutcome(status, source.accepts, frozenset(), frozenset())

    if not wanted:
        return ended(SourceState.SKIPPED), SourceResult()
    try:
        cancel.raise_if_cancelled()
        result = source.lookup(wanted, progress, cancel)
        covered = source.covered_types()
    except Cancelled:
        return ended(SourceState.CANCELLED), SourceResult()
    except UserError as exc:
        return ended(SourceState.ERROR, exc.key, tuple((k, str(v)) for k, v in exc.params.items())), SourceResult()
    except Exception as exc:  # a bug in one source must not take the others down, nor show a traceback
        # Only the exception's type is logged: its text could quote input.
        log.error("source %s failed unexpectedly (%s)", source.name, type(exc).__name__)
        return ended(SourceState.ERROR, "check.source_crashed"), SourceResult()
    progress(source.name, 1.0)
    status = SourceStatus(source.name, SourceState.OK, demo=source.demo, notices=result.notices,
                          insecure=source.insecure)
    found = frozenset(positions[n] for n in _found_positions(wanted, result.exposures))
    return SourceOutcome(status, source.accepts, frozenset(covered), found), result


def _found_positions(wanted: Sequence[Identifier], exposures: Sequence[Exposure]) -> set[int]:
    """Which of `wanted` the exposures are about. Sources say so (`Exposure.subject`); for one that does not, the
    masked hint decides, which is exact unless two identifiers share a hint (then both count as found)."""
    found: set[int] = set()
    for exposure in exposures:
        if 0 <= exposure.subject < len(wanted) and wanted[exposure.subject].type is exposure.type:
            found.add(exposure.subject)
            continue
        found.update(n for n, i in enumerate(wanted) if i.type is exposure.type and mask(i) == exposure.hint)
    return found


def catalog_for(sources: Sequence[Source]) -> Catalog:
    """The bundled catalog plus whatever the sources carry, so a breach only a pack knows still has a name.

    Where both describe one breach id, the bundled entry wins: it is reviewed and written in both languages.
    """
    combined = Catalog([])
    for source in sources:
        try:
            carried = source.catalog()
        except UserError:
            carried = None  # a refused pack already shows its error in the source status
        except Exception as exc:  # a damaged file must not take the whole report down; its source shows the error
            log.error("source %s: catalog unreadable (%s)", source.name, type(exc).__name__)
            carried = None
        if carried is not None:
            combined = combined.merge(carried)
    return combined.merge(load_bundled_catalog())
