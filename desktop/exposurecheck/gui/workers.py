"""Lookups run in a QThreadPool (injected, so tests control it) and report back through signals.

The core reports progress through plain callables; here they become Qt signals, which Qt queues to the GUI
thread because the signal object lives there. Cancel sets an event the sources poll between network calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

# The core's check machinery imports the identifier normalizers; the window creates its runner before the first
# paint, so these are imported when the first check starts.
if TYPE_CHECKING:
    from exposurecheck.core.catalog import Catalog
    from exposurecheck.core.identifiers import Identifier, IdentifierType
    from exposurecheck.core.report import Reason, SourceStatus
    from exposurecheck.core.sources.base import Source


class CheckSignals(QObject):
    progress = Signal(str, float)  # source name, fraction done
    source_done = Signal(object)  # SourceStatus
    finished = Signal(object, object)  # Report, Catalog (the bundled one plus what the packs that ran carry)
    failed = Signal(str)  # the exception's type name only: its message could quote input


class CheckJob(QRunnable):
    """One call to `core.check.check()` off the GUI thread."""

    def __init__(
        self,
        identifiers: Sequence[Identifier],
        sources: Sequence[Source],
        held_back: Mapping[IdentifierType, Reason] | None = None,
    ) -> None:
        super().__init__()
        # The window keeps a reference to the job until it finishes; Qt must not delete the wrapper under it.
        self.setAutoDelete(False)
        self.signals = CheckSignals()
        self._identifiers = tuple(identifiers)
        self._sources = tuple(sources)
        self._held_back = dict(held_back or {})
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        from exposurecheck.core.check import check
        from exposurecheck.core.sources.base import CancelToken

        try:
            report = check(
                self._identifiers,
                self._sources,
                progress=self._progress,
                on_source_done=self._source_done,
                cancel=CancelToken(self._cancelled.is_set),
                held_back=self._held_back,
            )
            catalog = self._catalog()  # the packs' own breach descriptions, under the app's reviewed ones
        except Exception as exc:  # shown as a calm message by the window; never re-raised in a pool thread
            self.signals.failed.emit(type(exc).__name__)
            return
        self.signals.finished.emit(report, catalog)

    def _catalog(self) -> Catalog:
        # Read here, off the GUI thread, because it opens the pack files.
        from exposurecheck.core.check import catalog_for

        return catalog_for(self._sources)

    def _progress(self, name: str, fraction: float) -> None:
        self.signals.progress.emit(name, float(fraction))

    def _source_done(self, status: SourceStatus) -> None:
        self.signals.source_done.emit(status)


class CheckRunner(QObject):
    """At most one check at a time, for the window: starts jobs in the injected pool, cancels them, and forwards
    only the current job's signals (a cancelled job that answers late is ignored)."""

    progress = Signal(str, float)
    source_done = Signal(object)
    finished = Signal(object, object)  # Report, Catalog
    failed = Signal()

    def __init__(self, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._job: CheckJob | None = None
        # Cancelled jobs still running: kept referenced until they end so their signal objects outlive the emit.
        self._abandoned: list[CheckJob] = []

    @property
    def busy(self) -> bool:
        return self._job is not None

    @property
    def abandoned(self) -> int:
        """Cancelled jobs that have not ended yet."""
        return len(self._abandoned)

    def start(
        self,
        identifiers: Sequence[Identifier],
        sources: Sequence[Source],
        held_back: Mapping[IdentifierType, Reason] | None = None,
    ) -> None:
        """Run a check; `held_back` as for `core.check.check` (kinds offline only kept from their sources)."""
        self.cancel()
        job = CheckJob(identifiers, sources, held_back)
        job.signals.progress.connect(lambda name, fraction, job=job: self._forward_progress(job, name, fraction))
        job.signals.source_done.connect(lambda status, job=job: self._forward_done(job, status))
        job.signals.finished.connect(lambda report, catalog, job=job: self._finished(job, report, catalog))
        job.signals.failed.connect(lambda _name, job=job: self._failed(job))
        self._job = job
        self._pool.start(job)

    def cancel(self) -> bool:
        """Stop the current job, if any; True when there was one."""
        if self._job is None:
            return False
        self._job.cancel()
        self._abandoned.append(self._job)
        self._job = None
        return True

    def _forward_progress(self, job: CheckJob, name: str, fraction: float) -> None:
        if job is self._job:
            self.progress.emit(name, fraction)

    def _forward_done(self, job: CheckJob, status: SourceStatus) -> None:
        if job is self._job:
            self.source_done.emit(status)

    def _finished(self, job: CheckJob, report: object, catalog: object) -> None:
        if self._end(job):
            self.finished.emit(report, catalog)

    def _failed(self, job: CheckJob) -> None:
        if self._end(job):
            self.failed.emit()

    def _end(self, job: CheckJob) -> bool:
        """Forget `job`; True when it was the current one (its answer is wanted)."""
        if job is self._job:
            self._job = None
            return True
        if job in self._abandoned:
            self._abandoned.remove(job)
        return False


class TaskSignals(QObject):
    done = Signal(object)  # the function's result
    failed = Signal(object)  # the UserError it raised (other exceptions: see Task.run)


class Task(QRunnable):
    """One slow local call (deriving a key from a passphrase, say) off the GUI thread. A `UserError` comes back
    through `failed` for the page to show; any other exception is a bug and goes to the exception hook."""

    def __init__(self, function: Callable[[], object]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the caller keeps the task until it reports, so its signals outlive the emit
        self.signals = TaskSignals()
        self._function = function

    def run(self) -> None:
        from exposurecheck.core.errors import UserError

        try:
            result = self._function()
        except UserError as exc:
            self.signals.failed.emit(exc)
            return
        except Exception as exc:  # not a person's mistake: report it as an internal error, never its text
            self.signals.failed.emit(UserError("gui.task_failed", code=type(exc).__name__))
            return
        self.signals.done.emit(result)
