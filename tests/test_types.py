"""Types as a check: mypy (configured in pyproject.toml: every package, no untyped function) passes, and every
`type: ignore` says why it is there."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = [REPO / "desktop" / "exposurecheck", REPO / "server" / "exposurecheck_server"]
# `# type: ignore[code]` must be followed by `  # why`: an ignore without a reason cannot be judged later.
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<rest>.*)$")
REASONED = re.compile(r"^\[[a-z-]+(,\s*[a-z-]+)*\]\s+#\s*\S")


def test_mypy_passes_on_every_package(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    # A fresh cache: another mypy run sharing the project's cache cannot disturb this one (about 15 s cold).
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Success" in result.stdout


def test_mypy_is_configured_for_every_package() -> None:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert sorted(config["packages"]) == ["exposurecheck", "exposurecheck_server"]
    assert config["disallow_untyped_defs"] is True


def test_every_type_ignore_says_why() -> None:
    unexplained = []
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                match = IGNORE.search(line)
                if match and not REASONED.match(match.group("rest")):
                    unexplained.append(f"{path.relative_to(REPO)}:{number}")
    assert unexplained == []
