"""The one build step pyproject.toml cannot say: the top-level `resources/` folder goes into the wheel.

`resources/` stays at the repository's top level (the PyInstaller bundle, the docs and the tests read it there), so
the wheel's build copies it into the package as `exposurecheck/_resources/`, where `exposurecheck.resources` finds
it in an installed copy. Everything else about the build is in pyproject.toml. The Qt-free operator wheel is made
by scripts/build_wheels.py from the same sources.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PACKAGED_AS = ("exposurecheck", "_resources")


class BuildWithResources(build_py):
    """build_py, then the resources copied next to the package's code."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib).joinpath(*PACKAGED_AS)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(ROOT / "resources", target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithResources})
