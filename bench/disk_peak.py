"""Peak disk use of a folder while something runs: a thread that sums file sizes every few milliseconds.

Used by the build benchmarks to measure temporary disk against the budgets in docs/pack-format.md and
docs/scale.md. Sampling can miss a peak shorter than the interval; the builders' scratch files grow and shrink
over seconds, so 20 ms is plenty.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def tree_bytes(folder: Path, *, only: str = "") -> int:
    """Bytes of the regular files under `folder` whose path contains `only` (allocated size would differ only by
    block rounding)."""
    total = 0
    stack = [str(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue  # a scratch folder removed while we looked
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False) and (not only or only in entry.path):
                    total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return total


class DiskPeak:
    """`with DiskPeak(folder) as peak: ...` then `peak.total` (all files) and `peak.scratch` (paths containing
    `scratch_marker`), the largest values seen, and `peak.sampler_cpu`: the CPU seconds the sampling itself took
    (a folder of many files, such as a site of 16,384 buckets, costs real CPU to sum: subtract it from the
    process's CPU time to get the build's)."""

    def __init__(self, folder: Path, scratch_marker: str = "", interval: float = 0.02) -> None:
        self.folder = folder
        self.marker = scratch_marker
        self.interval = interval
        self.total = 0
        self.scratch = 0
        self.sampler_cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        self.total = max(self.total, tree_bytes(self.folder))
        if self.marker:
            self.scratch = max(self.scratch, tree_bytes(self.folder, only=self.marker))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(self.interval)
        self.sampler_cpu = time.thread_time()  # this thread's own CPU time, all of it spent sampling

    def __enter__(self) -> DiskPeak:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
