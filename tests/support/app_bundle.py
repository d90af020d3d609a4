"""A stand-in for the app's executable in test bundles: answers `--version` exactly as the app does, so
`kit build` (which asks every bundle for its version) accepts the bundle without a real PyInstaller build."""

from __future__ import annotations

import stat
from pathlib import Path

from exposurecheck import __version__


def write_app_stand_in(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\necho "exposure-check {__version__}"\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
