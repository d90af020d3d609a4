"""Where the app's data files are: in a source checkout, an installed wheel, and a frozen (PyInstaller) bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Where a wheel carries the resources: setup.py copies the top-level `resources/` folder here at build time.
PACKAGED = Path(__file__).resolve().parent / "_resources"


def resources_root() -> Path:
    """The `resources/` folder: inside the bundle when frozen, inside the package when installed from a wheel, at
    the repository's top level in a source checkout (an editable install included).

    `EXPOSURECHECK_RESOURCES` overrides them all, for tests and for NGOs that ship a customised copy.
    """
    override = os.environ.get("EXPOSURECHECK_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    if PACKAGED.is_dir():
        return PACKAGED
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))
