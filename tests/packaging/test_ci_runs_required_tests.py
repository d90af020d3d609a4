"""CI really runs the checks issues 17 and 18 ask of it: .ci/run sets CI, and under CI the frozen-bundle tests,
the .deb install into a clean Debian root and the screen-reader walk fail, instead of skipping, when something they
need is missing (a package not installed, a bundle not built). Each is run here as its own pytest, with the piece
taken away, with and without CI."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

NOWHERE = "/nonexistent-bin"
CASES = {
    # the test file, one of its tests, the environment that takes a needed piece away, what the failure names
    # (a regular expression)
    "screen reader": (
        "tests/gui/test_screen_reader.py",
        "test_every_focusable_control_is_named_in_its_language",
        {"PATH": NOWHERE},
        "Xvfb is not installed",
    ),
    "deb install": (
        "tests/packaging/test_deb_install.py",
        "test_installed_gui_self_test_passes",
        {"PATH": NOWHERE},
        "is not installed|needs root",  # as root the tools are missing; otherwise root is, first
    ),
    "frozen bundle": (
        "tests/frozen/test_bundle.py",
        "test_version",
        {"EXPOSURECHECK_BUNDLE": "/nonexistent-bundle"},
        "no frozen bundle at /nonexistent-bundle",
    ),
}


def _pytest(path: str, test: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", f"{path}", "-k", test],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_ci_run_sets_ci() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    exported = script.index('export CI="${CI:-true}"')
    assert exported < script.index("scripts/test")


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_required_test_fails_under_ci_and_skips_elsewhere(case: str) -> None:
    path, test, taken_away, reason = CASES[case]
    base = {key: value for key, value in os.environ.items() if key != "CI"}
    base.update(taken_away)
    elsewhere = _pytest(path, test, base)
    assert elsewhere.returncode == 0, elsewhere.stdout[-2000:] + elsewhere.stderr[-2000:]
    assert re.search(r"\b[1-9]\d* skipped", elsewhere.stdout) and re.search(reason, elsewhere.stdout), elsewhere.stdout
    under_ci = _pytest(path, test, {**base, "CI": "true"})
    assert under_ci.returncode == 1, under_ci.stdout[-2000:]
    assert "CI must run this test" in under_ci.stdout and re.search(reason, under_ci.stdout), under_ci.stdout[-2000:]
    assert "skipped" not in under_ci.stdout.splitlines()[-1], under_ci.stdout[-2000:]
