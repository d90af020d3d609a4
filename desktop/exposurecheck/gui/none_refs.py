"""A guard for a PySide6 6.12.0 bug on Python 3.11: every call of a Qt method that returns void drops one
reference to `None` (see docs/TEAM-NOTES.md). Building a case sheet makes a few thousand such calls, enough for the
interpreter to abort with "none_dealloc" at exit.

`restore_none_refs()` counts `None`'s references around a block of Qt calls and gives back what went missing. On
Python 3.12+ (`None` is immortal) and on PySide6 versions without the bug it measures no loss and does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_IMMORTAL = sys.version_info >= (3, 12)


@contextmanager
def restore_none_refs() -> Iterator[None]:
    """Give back references to `None` that Qt calls inside the block dropped (never takes any away)."""
    if _IMMORTAL:
        yield
        return
    before = sys.getrefcount(None)
    try:
        yield
    finally:
        # Another thread may have taken or released references meanwhile; adding a few too many is harmless
        # (None is never freed anyway), adding too few only leaves the bug as it was.
        missing = before - sys.getrefcount(None)
        for _ in range(max(0, missing)):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
