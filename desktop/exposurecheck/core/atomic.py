"""Writing a private file so that a crash, a full disk or a failed write never leaves half a file behind.

`write_private_atomic` writes to a temporary file in the same folder (created 0600 by `mkstemp`), flushes it to
disk, renames it over the target and flushes the folder, so the target is always either the old file or the new
one. `set_aside` moves an unreadable file out of the way under a timestamped name, so it is never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path

from exposurecheck.core.paths import ensure_private_dir

_TEMP_PREFIX = ".tmp-"


def write_private_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically; the file is mode 0600 in a 0700 folder.

    Raises `OSError` (the previous file is untouched and no temporary file is left) if any step fails.
    """
    folder = ensure_private_dir(path.parent)
    fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if os.name == "posix":
            os.chmod(temp_name, 0o600)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable. Windows cannot open a folder for fsync; there the rename is all we have.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def set_aside(path: Path, reason: str) -> Path:
    """Rename `path` to `<name>.<reason>-<UTC timestamp>` in the same folder and return the new path.

    A number is appended if that name is taken, so two set-asides in the same second never overwrite each other.
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    base = f"{path.name}.{reason}-{stamp}"
    target = path.with_name(base)
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{base}-{counter}")
    os.replace(path, target)
    _fsync_dir(path.parent)
    return target


STALE_AFTER_SECONDS = 300


def remove_stale_temp_files(folder: Path, *, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Remove temporary files a crashed write left behind (they may hold a complete encrypted copy).

    Only files older than `older_than` seconds: a younger one may be another process's write in progress.
    """
    removed = []
    cutoff = time.time() - older_than
    if folder.is_dir():
        for entry in folder.iterdir():
            if entry.name.startswith(_TEMP_PREFIX) and entry.is_file() and entry.stat().st_mtime < cutoff:
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed
