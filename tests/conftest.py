"""Suite-wide fixtures: every test runs with the app's folders in tmp_path, and real-world data is found in place."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYTHONPATH = os.pathsep.join([str(REPO / "desktop"), str(REPO / "server")])


def _testdata_root() -> Path:
    override = os.environ.get("EXPOSURECHECK_TESTDATA")
    return Path(override) if override else REPO.parent / "shared" / "testdata"


TESTDATA = _testdata_root()


@pytest.fixture
def testdata() -> Path:
    """The shared real-world test material; tests that need it skip with a reason where it is absent."""
    if not TESTDATA.is_dir():
        pytest.skip(f"shared test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture(autouse=True)
def app_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every folder the app writes to at a throwaway place, so no test touches a real profile."""
    root = tmp_path_factory.mktemp("appdirs")
    dirs = {name: root / name for name in ("config", "data", "state")}
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("EXPOSURECHECK_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("EXPOSURECHECK_STATE_DIR", str(dirs["state"]))
    monkeypatch.setenv("EXPOSURECHECK_PACK_DIRS", str(root / "no-packs"))
    monkeypatch.setenv("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    return dirs


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = PYTHONPATH
    env.setdefault("LANG", "C.UTF-8")
    env.pop("LC_ALL", None)
    if extra:
        env.update(extra)
    return env


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, admin: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m exposurecheck ARGS` (or the admin tool) in a subprocess, as a user or script would."""
    module = "exposurecheck_server" if admin else "exposurecheck"
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(env),
        timeout=timeout,
        check=False,
    )
