"""Every folder the app may write to, in one place, so that "wipe everything" and the privacy audit know them all.

Each can be redirected by an environment variable (tests and the audit point them at throwaway folders; NGOs can
point them at a stick). Nothing here creates a folder: the writer does, with mode 0700.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "exposure-check"


def config_dir() -> Path:
    """Settings that say nothing about the person: language, chosen sources, trusted publisher keys."""
    return _dir("EXPOSURECHECK_CONFIG_DIR", platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The encrypted vault, and nothing else."""
    return _dir("EXPOSURECHECK_DATA_DIR", platformdirs.user_data_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """Small bookkeeping that says nothing about the person (e.g. the last manifest sequence number seen)."""
    return _dir("EXPOSURECHECK_STATE_DIR", platformdirs.user_state_dir(APP_NAME, appauthor=False))


def all_dirs() -> tuple[Path, ...]:
    return (config_dir(), data_dir(), state_dir())


def _dir(variable: str, default: str) -> Path:
    return Path(os.environ.get(variable) or default)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) with mode 0700 and tighten it if it already exists with looser bits."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and (path.stat().st_mode & 0o077):
        path.chmod(0o700)
    return path
