"""Finding packs to offer automatically: a `packs/` folder next to the app, and on mounted removable drives.

NGOs hand out sticks with the app and its packs; a person should not have to browse for a file. Only first files
(`*.ecpack`) are listed: further shards (`*.ecpack.2`, ...) are opened through their first file.
`EXPOSURECHECK_PACK_DIRS` (folders separated by os.pathsep) replaces the search, for tests and for NGOs that keep
packs elsewhere; set it empty to find none.
"""

from __future__ import annotations

import glob
import os
import string
import sys
from pathlib import Path

from exposurecheck.resources import is_frozen

PACK_SUFFIX = ".ecpack"
ENV_VAR = "EXPOSURECHECK_PACK_DIRS"
_DRIVE_REMOVABLE = 2  # GetDriveTypeW


def discover_packs() -> list[Path]:
    """Pack files found, each once, in a stable order (search folders in order, names sorted within each)."""
    found: dict[Path, None] = {}
    for folder in search_dirs():
        try:
            candidates = sorted(folder.glob("*" + PACK_SUFFIX))
        except OSError:  # a drive pulled out mid-scan, a folder we may not read
            continue
        for path in candidates:
            try:
                if path.is_file():
                    found.setdefault(path.resolve(), None)
            except OSError:
                continue
    return list(found)


def search_dirs() -> list[Path]:
    """Folders that are searched for packs (they need not exist)."""
    override = os.environ.get(ENV_VAR)
    if override is not None:
        return [Path(part) for part in override.split(os.pathsep) if part]
    folders: list[Path] = []
    if is_frozen():
        # Next to the installed or unpacked app (one-folder bundle, or the app's folder on a stick).
        folders.append(Path(sys.executable).resolve().parent / "packs")
    folders.extend(mount / "packs" for mount in removable_mounts())
    return folders


def removable_mounts() -> list[Path]:
    """Top folders of mounted removable drives on this system."""
    if sys.platform == "win32":
        return _windows_removable_drives()
    patterns = ["/Volumes/*"] if sys.platform == "darwin" else ["/media/*/*", "/run/media/*/*"]
    mounts: list[Path] = []
    for pattern in patterns:
        mounts.extend(Path(p) for p in sorted(glob.glob(pattern)))
    return mounts


def _windows_removable_drives() -> list[Path]:  # pragma: no cover - Windows only
    import ctypes

    drives = []
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]  # ctypes.windll exists on Windows only
    for letter in string.ascii_uppercase[3:]:  # A and B are floppies, C is the system drive
        root = f"{letter}:\\"
        if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) == _DRIVE_REMOVABLE:
            drives.append(Path(root))
    return drives
