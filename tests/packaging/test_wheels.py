"""The wheels work where people and operators install them: built offline from a clean copy of the sources,
installed into fresh virtual environments, run from outside the repository.

- the app's wheel carries the resources (translations, demo pack): `exposure-check check --source demo` answers in
  Chinese from the installed copy, and the wheel requires Qt for the window;
- the operator wheel (`exposure-check-server`) has no Qt and no window, and its tools import and run in an
  environment where PySide6 does not exist at all.

No network: the wheels are built with the setuptools already installed, and the environments get their
dependencies from this project's own .venv (linked in, PySide6 left out for the operator one), not from an index.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import REPO

pytestmark = pytest.mark.slow

_NEVER_LINKED = ("__editable__", "exposure_check", "exposurecheck", "distutils-precedence.pth", "__pycache__")
_QT = ("pyside6", "shiboken6")


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wheels")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_wheels.py"), "--out", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = {w.name.split("-")[0]: w for w in out.glob("*.whl")}
    return {"app": found["exposure_check"], "server": found["exposure_check_server"]}


def _environment(root: Path, wheel: Path, *, with_qt: bool) -> Path:
    """A fresh venv with only `wheel` installed; its dependencies are linked from this .venv's site-packages."""
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        check=True, timeout=300,
    )
    ours = Path(sysconfig.get_paths()["purelib"])
    deps = root / "deps"
    deps.mkdir()
    for entry in ours.iterdir():
        name = entry.name.lower()
        if name.startswith(_NEVER_LINKED) or (not with_qt and name.startswith(_QT)):
            continue
        (deps / entry.name).symlink_to(entry)
    site = next((root / "lib").glob("python3*/site-packages"))
    (site / "dependencies-from-the-dev-venv.pth").write_text(str(deps) + "\n", encoding="utf-8")
    return root


def _run(root: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EXPOSURECHECK_RESOURCES")}
    env.update({"HOME": str(cwd), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen", "EXPOSURECHECK_PACK_DIRS": "",
                "EXPOSURECHECK_CONFIG_DIR": str(cwd / "cfg"), "EXPOSURECHECK_DATA_DIR": str(cwd / "data"),
                "EXPOSURECHECK_STATE_DIR": str(cwd / "state")})
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
                          check=False)


def test_the_app_wheel_runs_a_translated_demo_check_from_its_own_resources(
    wheels: dict[str, Path], tmp_path: Path
) -> None:
    root = _environment(tmp_path / "app-env", wheels["app"], with_qt=True)
    where = _run(root, root / "bin" / "python", "-c",
                 "import exposurecheck.resources as r; print(r.resources_root())", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    resources = Path(where.stdout.strip())
    assert resources.is_relative_to(root) and resources.name == "_resources"  # not the repository's folder
    result = _run(root, root / "bin" / "exposure-check", "check", "--source", "demo", "--phone", "13800138000",
                  "--lang", "zh_CN", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "演示" in result.stdout  # translated text from the installed translations, not raw message keys
    assert "cli.found" not in result.stdout and "identifier.type" not in result.stdout
    metadata = _run(root, root / "bin" / "python", "-c",
                    "from importlib.metadata import requires; print(requires('exposure-check'))", cwd=tmp_path)
    assert "PySide6" in metadata.stdout  # `pip install` of the app brings Qt for the window


def test_the_operator_wheel_installs_and_runs_without_qt(wheels: dict[str, Path], tmp_path: Path) -> None:
    root = _environment(tmp_path / "server-env", wheels["server"], with_qt=False)
    probe = ("import importlib.util as u; "
             "import exposurecheck_server.cli, exposurecheck_server.service.server, exposurecheck_server.pack.builder, "
             "exposurecheck_server.kit.builder, exposurecheck_server.profile.commands; "
             "print(u.find_spec('PySide6') is None, u.find_spec('exposurecheck.gui') is None)")
    result = _run(root, root / "bin" / "python", "-c", probe, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
    keygen = _run(root, root / "bin" / "exposure-check-admin", "keygen", "--out", tmp_path / "keys", "--unencrypted",
                  cwd=tmp_path)
    assert keygen.returncode == 0, keygen.stderr
    assert "Fingerprint" in keygen.stdout  # translated output from the installed resources
    assert not (root / "bin" / "exposure-check").exists()  # the desktop command is the app's, not the operator's


def test_a_relative_out_folder_as_the_readme_prints_it_gets_the_wheel(tmp_path: Path) -> None:
    # README and docs/protocol.md print `--out dist/wheels`; pip runs in a staged copy's folder, so a relative path
    # once sent the wheels into that temporary copy, deleted with it (then an IndexError).
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_wheels.py"), "--only", "server", "--out", "dist/wheels"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert [w.name.split("-")[0] for w in (tmp_path / "dist" / "wheels").glob("*.whl")] == ["exposure_check_server"]


def _pins(requirements: str) -> dict[str, str]:
    pins = {}
    for block in re.split(r"\n(?=\S)", requirements):
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?: ; ([^\\]+))?", block)
        if match:
            assert "--hash=sha256:" in block, f"{match.group(1)} has no hash"
            if match.group(3) is None or Marker(match.group(3)).evaluate():  # the pin for this Python and platform
                pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_the_operator_wheel_comes_with_its_dependencies_pinned_by_hash(wheels: dict[str, Path]) -> None:
    """`pip install exposure_check_server-*.whl` alone would take its dependencies from the index unpinned (issue
    17.3: the lock drives every install). Beside the wheel: every package it needs, transitively, pinned with hashes
    at the locked version, and no Qt; README and docs/protocol.md install from it with --require-hashes."""
    requirements = wheels["server"].with_name(wheels["server"].name.split("-py3-")[0] + "-requirements.txt")
    assert requirements.is_file()
    pins = _pins(requirements.read_text(encoding="utf-8"))
    assert not {"pyside6-essentials", "shiboken6"} & pins.keys()
    with zipfile.ZipFile(wheels["server"]) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        needed = [Requirement(line.split(":", 1)[1].strip()) for line in archive.read(metadata).decode().splitlines()
                  if line.startswith("Requires-Dist:")]
    assert needed
    seen: set[str] = set()
    while needed:  # the closure, through the distributions installed from the lock in this environment
        requirement = needed.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        assert name in pins, f"{name} is not pinned beside the operator wheel"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])
        assert importlib.metadata.version(name) == pins[name], name
        needed += [Requirement(r) for r in importlib.metadata.requires(name) or []]
    for doc in ("README.md", "docs/protocol.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        assert "--require-hashes -r exposure_check_server-" in text, doc
