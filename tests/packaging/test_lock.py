"""The hashed lock files in requirements/ cover pyproject.toml: every dependency pinned there, with hashes, in a
version pyproject allows. scripts/bootstrap.sh installs requirements/dev.txt with --require-hashes, so a
dependency added to pyproject but not to the lock would otherwise only show up as a failed install."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import REPO

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _locked(name: str) -> dict[str, Version]:
    text = (REPO / "requirements" / name).read_text(encoding="utf-8")
    pins = {}
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            assert "--hash=sha256:" in block, f"{name}: {match.group(1)} has no hash"
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = Version(match.group(2))
    return pins


def _declared() -> dict[str, list[Requirement]]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return {
        "app.txt": [Requirement(r) for r in project["dependencies"]],
        "server.txt": [Requirement(r) for r in project["dependencies"] + extras["server"]],
        "dev.txt": [Requirement(r) for group in (project["dependencies"], *extras.values()) for r in group],
    }


@pytest.mark.parametrize("lock", ["app.txt", "server.txt", "dev.txt"])
def test_lock_pins_every_declared_dependency_within_its_bounds(lock: str) -> None:
    pins = _locked(lock)
    for requirement in _declared()[lock]:
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if name == "exposure-check":
            continue  # the project's own extras, expanded above
        assert name in pins, f"{lock} lacks {requirement.name}: run scripts/lock.sh"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{lock}: {name} {pins[name]}"


def test_the_locks_agree_and_carry_the_installers() -> None:
    dev = _locked("dev.txt")
    for lock in ("app.txt", "server.txt"):
        for name, version in _locked(lock).items():
            assert dev.get(name) == version, f"{lock} and dev.txt disagree on {name}"
    for tool in ("pip", "setuptools", "wheel"):
        assert tool in dev, f"dev.txt must lock {tool} too (bootstrap builds without isolation)"


def test_bootstrap_installs_from_the_lock_with_hashes() -> None:
    bootstrap = (REPO / "scripts" / "bootstrap.sh").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/dev.txt" in bootstrap
    assert "--no-deps --no-build-isolation -e ." in bootstrap
