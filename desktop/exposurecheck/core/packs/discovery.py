"""Finding packs to offer automatically: a `packs/` folder next to the app, and on mounted removable drives.

NGOs hand out sticks with the app and its packs; a person should not have to browse for a file. Only first files
(`*.ecpack`) are listed: further shards (`*.ecpack.2`, ...) are opened through their first file.
`EXPOSURECHECK_PACK_DIRS` (folders separated by os.pathsep) replaces the search, for tests and for NGOs that keep
packs elsewhere; set it empty to find none.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from exposurecheck.core.drives import removable_mounts
from exposurecheck.resources import is_frozen

PACK_SUFFIX = ".ecpack"
ENV_VAR = "EXPOSURECHECK_PACK_DIRS"


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
