"""Where the app's data files are, in a source checkout and in a frozen (PyInstaller) bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_root() -> Path:
    """The `resources/` folder: inside the bundle when frozen, at the repository's top level otherwise.

    `EXPOSURECHECK_RESOURCES` overrides both, for tests and for NGOs that ship a customised copy.
    """
    override = os.environ.get("EXPOSURECHECK_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))
