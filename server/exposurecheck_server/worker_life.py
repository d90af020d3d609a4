"""Worker processes end with the builder that started them.

A builder killed with SIGKILL (the out-of-memory killer, `kill -9`, a CI timeout) runs no clean-up, and a forked
pool worker still holds the write end of its own task queue, so it would wait for work forever: an orphan that
keeps the OPRF secret scalars (evaluation) or breach rows (reading) in memory until someone notices. Every pool the
builders start runs `exit_with_parent` in each worker first:

- on Linux, the kernel sends the worker SIGKILL the moment its parent dies (prctl PR_SET_PDEATHSIG);
- everywhere, a daemon thread sees within half a second that the worker was handed to another parent (its parent
  process id changed) and ends it: this covers systems without prctl, and a parent that died between the fork and
  the prctl call.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
CHECK_SECONDS = 0.5


def exit_with_parent(parent: int) -> None:
    """Make this worker process end when `parent` (the builder's process id, taken before the fork) dies."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the thread below still ends the worker
    if os.getppid() != parent:
        os._exit(1)  # the builder died before this worker got here
    threading.Thread(target=_watch, args=(parent,), name="exit-with-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(CHECK_SECONDS)
    os._exit(1)  # no clean-up to run: the builder that wanted the results is gone
