"""Lookups run in a QThreadPool (injected, so tests control it) and report back through signals.

The core reports progress through plain callables; here they become Qt signals, which Qt queues to the GUI
thread because the signal object lives there. Cancel sets an event the sources poll between network calls.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, QRunnable, Signal

from exposurecheck.core.catalog import Catalog
from exposurecheck.core.check import catalog_for, check
from exposurecheck.core.identifiers import Identifier
from exposurecheck.core.report import SourceStatus
from exposurecheck.core.sources.base import CancelToken, Source


class CheckSignals(QObject):
    progress = Signal(str, float)  # source name, fraction done
    source_done = Signal(object)  # SourceStatus
    finished = Signal(object, object)  # Report, Catalog (the bundled one plus what the packs that ran carry)
    failed = Signal(str)  # the exception's type name only: its message could quote input


class CheckJob(QRunnable):
    """One call to `core.check.check()` off the GUI thread."""

    def __init__(self, identifiers: Sequence[Identifier], sources: Sequence[Source]) -> None:
        super().__init__()
        # The window keeps a reference to the job until it finishes; Qt must not delete the wrapper under it.
        self.setAutoDelete(False)
        self.signals = CheckSignals()
        self._identifiers = tuple(identifiers)
        self._sources = tuple(sources)
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def run(self) -> None:
        try:
            report = check(
                self._identifiers,
                self._sources,
                progress=self._progress,
                on_source_done=self._source_done,
                cancel=CancelToken(self._cancelled.is_set),
            )
            catalog = self._catalog()  # the packs' own breach descriptions, under the app's reviewed ones
        except Exception as exc:  # shown as a calm message by the window; never re-raised in a pool thread
            self.signals.failed.emit(type(exc).__name__)
            return
        self.signals.finished.emit(report, catalog)

    def _catalog(self) -> Catalog:
        # Read here, off the GUI thread, because it opens the pack files.
        return catalog_for(self._sources)

    def _progress(self, name: str, fraction: float) -> None:
        self.signals.progress.emit(name, float(fraction))

    def _source_done(self, status: SourceStatus) -> None:
        self.signals.source_done.emit(status)
