"""The builders' progress line: stage, rate and time left, on a terminal only.

One line on stderr, rewritten in place at most twice a second (a new stage and the end of a stage are always
shown, and `finish` draws the last state a throttled update skipped, so the line left on screen says where the build
really ended, not "writing buckets 0%"). Counts carry their unit ("2,325 of 4,000 records"). When stderr is not a
terminal (a pipe, a log file, cron) nothing is written: logs stay clean and scripts read the summary instead.
Like everything the builders print, it holds counts only.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from exposurecheck.core.i18n import tr
from exposurecheck_server.ingest.stats import IngestStats
from exposurecheck_server.ingest.summary import display_width

INTERVAL = 0.5  # seconds between updates within a stage


class TerminalProgress:
    def __init__(
        self,
        lang: str = "en",
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = self._stream.isatty() if enabled is None else enabled
        self._lang = lang
        self._clock = clock
        self._stage = "reading"  # builders create this just before they start reading: rates count from here
        self._stage_started = clock()
        self._last = float("-inf")
        self._width = 0
        self._skipped: str | None = None  # the newest text a throttled update did not draw

    def reading(self, stats: IngestStats) -> None:
        """Called after each block: share of the input read, values per second, time left."""
        self._enter("reading")
        elapsed = self._clock() - self._stage_started
        rate = stats.values_read / elapsed if elapsed > 0 else 0.0
        self._show(
            tr(
                "ingest.progress.reading",
                self._lang,
                share=f"{stats.fraction:.0%}",
                values=f"{stats.values_read:,}",
                rate=f"{rate:,.0f}",
                eta=_eta(elapsed, stats.fraction),
            ),
            force=stats.fraction >= 1,
        )

    def stage(self, stage: str, done: int, total: int | None = None) -> None:
        """A later stage ("sorting", "writing", "evaluating", ...): how far, and the time left if the total is known."""
        self._enter(stage)
        name = tr(f"ingest.stage.{stage}", self._lang)
        if total:
            elapsed = self._clock() - self._stage_started
            share = min(1.0, done / total)
            # "2,325 of 4,000 records": the unit goes with the total (its plural form follows the total).
            text = tr("ingest.progress.stage_total", self._lang, stage=name, share=f"{share:.0%}",
                      done=f"{done:,}", total=_counted(stage, total, self._lang), eta=_eta(elapsed, share))  # fmt: skip
        else:
            text = tr("ingest.progress.stage", self._lang, stage=name, done=_counted(stage, done, self._lang))
        self._show(text, force=bool(total) and done >= (total or 0))

    def finish(self) -> None:
        """End the progress line so the summary starts on a fresh one, after drawing the last state if a throttled
        update skipped it."""
        if self._enabled and self._skipped is not None:
            self._draw(self._skipped)
        if self._enabled and self._width:
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0

    def _enter(self, stage: str) -> None:
        if stage != self._stage:
            self._stage = stage
            self._stage_started = self._clock()
            self._last = float("-inf")  # a new stage is always shown

    def _show(self, text: str, force: bool = False) -> None:
        now = self._clock()
        if not self._enabled:
            return
        if now - self._last < INTERVAL and not force:
            self._skipped = text
            return
        self._last = now
        self._draw(text)

    def _draw(self, text: str) -> None:
        self._skipped = None
        # Padded in terminal columns (a Chinese character takes two), so no tail of a longer line is left behind.
        width = display_width(text)
        padding = " " * max(0, self._width - width)
        self._stream.write("\r" + text + padding)
        self._stream.flush()
        self._width = width


def _counted(stage: str, count: int, lang: str) -> str:
    """A stage's count with its unit: "4,000 records", "8 buckets", "12,345 entries"."""
    return tr(f"ingest.unit.{stage}", lang, count=count, number=f"{count:,}")


def _eta(elapsed: float, share: float) -> str:
    if share <= 0 or elapsed <= 0:
        return "--:--"
    left = int(elapsed * (1 - share) / share)
    hours, rest = divmod(left, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"
