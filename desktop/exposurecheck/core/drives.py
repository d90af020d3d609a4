"""Removable drives mounted now (USB sticks): where NGOs put the app, its data packs and their profile. Both the
pack search (`packs.discovery`) and the profile search (`trust.profile`) look there, so it sits below both."""

from __future__ import annotations

import glob
import string
import sys
from pathlib import Path

_DRIVE_REMOVABLE = 2  # GetDriveTypeW


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
