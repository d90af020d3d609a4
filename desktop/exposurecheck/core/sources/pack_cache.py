"""Opened packs kept across checks, so the second check against a pack does not verify it all over again.

Opening a pack checks its signature and, for packs up to 32 MiB of body, hashes every byte (tens of ms); a big
pack's chunks are authenticated as lookups touch them, and that work is lost when the reader is dropped. The app
(window or help desk) runs many checks against the same few packs, so readers are kept here, keyed by the
pack's path and the publisher keys given for it.

A kept reader is reused only while it is still what was verified:
- every file of the pack has the same inode, size, modification and change time as when it was opened (a
  replaced, rebuilt or edited file is opened afresh; a file that is gone, e.g. a stick pulled out, is dropped
  without touching its mapping, so no read of a vanished page can happen here);
- its publisher is still trusted (a key removed with `trust remove` stops a kept pack at once).
At most `LIMIT` packs are kept; the least recently used one is closed first.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from exposurecheck.core.packs.opening import open_pack, trust_level
from exposurecheck.core.packs.reader import PackReader

LIMIT = 8

FileState = tuple[int, int, int, int]
_Key = tuple[str, tuple[bytes, ...]]

_lock = threading.Lock()
_kept: OrderedDict[_Key, tuple[PackReader, tuple[FileState | None, ...]]] = OrderedDict()


def _state(path: Path) -> FileState | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _states(reader: PackReader) -> tuple[FileState | None, ...]:
    return tuple(_state(path) for path in reader.files)


def opened_pack(path: Path, trusted_keys: Sequence[bytes] = ()) -> PackReader:
    """An authenticated reader for the pack at `path`: a kept one if still valid, else freshly opened (and kept).

    Raises `UserError` exactly as `open_pack` does.
    """
    key: _Key = (os.path.abspath(path), tuple(trusted_keys))
    with _lock:
        kept = _kept.get(key)
        if kept is not None:
            reader, states = kept
            if _states(reader) == states and trust_level(reader.publisher_key, key[1]) is not None:
                _kept.move_to_end(key)
                return reader
            del _kept[key]
            reader.close()
        before = _state(Path(path))
        reader = open_pack(Path(path), extra_keys=key[1])
        states = _states(reader)
        if states[0] == before and None not in states:  # unchanged while it was being verified: safe to keep
            _kept[key] = (reader, states)
            while len(_kept) > LIMIT:
                _old_key, (old, _s) = _kept.popitem(last=False)
                old.close()
        return reader


def forget(path: Path) -> None:
    """Close and drop every kept reader of the pack at `path` (e.g. before its stick is removed)."""
    wanted = os.path.abspath(path)
    with _lock:
        for key in [k for k in _kept if k[0] == wanted]:
            _kept.pop(key)[0].close()


def forget_all() -> None:
    with _lock:
        while _kept:
            _kept.popitem()[1][0].close()
