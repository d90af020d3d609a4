"""The front door: `check(identifiers, sources) -> Report`.

Sources run side by side, each in its own thread (core/source_threads.py); one failing, slow or hung source never
spoils the others, and the check ends by its deadline or as soon as the person cancels. Progress and cancellation
travel through plain callables, which the GUI wraps in Qt signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from exposurecheck.core.catalog import Catalog, load_bundled_catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier
from exposurecheck.core.report import Report, SourceResult, SourceState, SourceStatus
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
    seconds: float = CHECK_SECONDS,
) -> Report:
    """Look every identifier up in every source that accepts its type and gather one report."""
    cancel = cancel or CancelToken()
    checked_types = tuple(dict.fromkeys(i.type for i in identifiers))
    if not sources:
        return Report(checked_types=checked_types)
    # Every source gets its answer or its plain error by `seconds`, or at once when the person cancels.
    outcomes = run_sources(
        sources,
        lambda source: _run_one(source, identifiers, progress, cancel),
        _gave_up,
        on_done=lambda outcome: on_source_done(outcome[0]),
        is_cancelled=cancel.is_cancelled,
        seconds=seconds,
    )
    exposures = tuple(e for _, result in outcomes for e in result.exposures)
    sent = tuple(result.sent for _, result in outcomes if result.sent is not None)
    return Report(
        exposures=exposures,
        sources=tuple(status for status, _ in outcomes),
        sent=sent,
        checked_types=checked_types,
    )


def _gave_up(source: Source, why: str) -> tuple[SourceStatus, SourceResult]:
    """The outcome of a source still running when the person cancelled or the check's time ran out."""
    if why == "cancelled":
        return SourceStatus(source.name, SourceState.CANCELLED, demo=source.demo), SourceResult()
    return SourceStatus(source.name, SourceState.ERROR, "deadline.source", demo=source.demo), SourceResult()


def _run_one(
    source: Source, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
) -> tuple[SourceStatus, SourceResult]:
    wanted = [i for i in identifiers if i.type in source.accepts]
    if not wanted:
        return SourceStatus(source.name, SourceState.SKIPPED, demo=source.demo), SourceResult()
    try:
        cancel.raise_if_cancelled()
        result = source.lookup(wanted, progress, cancel)
    except Cancelled:
        return SourceStatus(source.name, SourceState.CANCELLED, demo=source.demo), SourceResult()
    except UserError as exc:
        params = tuple((k, str(v)) for k, v in exc.params.items())
        status = SourceStatus(source.name, SourceState.ERROR, exc.key, params, demo=source.demo)
        return status, SourceResult()
    except Exception as exc:  # a bug in one source must not take the others down, nor show a traceback
        # Only the exception's type is logged: its text could quote input.
        log.error("source %s failed unexpectedly (%s)", source.name, type(exc).__name__)
        status = SourceStatus(source.name, SourceState.ERROR, "check.source_crashed", demo=source.demo)
        return status, SourceResult()
    progress(source.name, 1.0)
    return SourceStatus(source.name, SourceState.OK, demo=source.demo), result


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
