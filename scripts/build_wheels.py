"""Build the two wheels, offline, from a clean copy of the sources (the work tree is never written to).

- `exposure_check-VERSION-py3-none-any.whl`: the app for people (`exposure-check`, window included: it requires Qt),
  plus the operator tools; built from pyproject.toml and setup.py as they are.
- `exposure_check_server-VERSION-py3-none-any.whl`: the operator tools only (`exposure-check-admin`: keygen, pack,
  service build/serve, profile, kit), without the window and without Qt, for a server. Same code, same resources;
  its project metadata is pyproject.toml's with PySide6 left out and the `server` extra's packages required.

Install one or the other, not both in one environment (they share the `exposurecheck` package).

    .venv/bin/python scripts/build_wheels.py --out dist/wheels
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("desktop", "server", "resources", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "pyproject.toml")
SERVER_NAME = "exposure-check-server"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "_resources")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "wheels")
    parser.add_argument("--only", choices=("app", "server"), default=None, help="build just one of the two")
    args = parser.parse_args(argv)
    # pip runs in the staged copy's folder, so a relative --out (the README's `--out dist/wheels`) must be made
    # absolute here, or the wheels land in the temporary copy and are deleted with it.
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    problem = _setuptools_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    built = []
    with tempfile.TemporaryDirectory(prefix="ec-wheels-") as temp:
        if args.only in (None, "app"):
            built.append(_wheel(_stage(Path(temp) / "app"), args.out))
        if args.only in (None, "server"):
            stage = _stage(Path(temp) / "server", skip_gui=True)
            (stage / "pyproject.toml").write_text(server_pyproject(ROOT / "pyproject.toml"), encoding="utf-8")
            wheel = _wheel(stage, args.out)
            built.append(wheel)
            requirements = server_requirements_path(wheel)
            requirements.write_text(server_requirements((ROOT / "requirements" / "server.txt").read_text("utf-8")),
                                    encoding="utf-8")
            built.append(requirements)
    for wheel in built:
        print(wheel)
    return 0


# Only the window needs them; the operator wheel requires neither.
_QT_PINS = re.compile(r"(?i)^(pyside6-essentials|shiboken6)==")


def server_requirements_path(wheel: Path) -> Path:
    """exposure_check_server-VERSION-requirements.txt, next to the wheel it belongs to."""
    return wheel.with_name(wheel.name.split("-py3-")[0] + "-requirements.txt")


def server_requirements(server_lock: str) -> str:
    """The operator wheel's dependencies with their hashes: requirements/server.txt (the app's dependencies and the
    server extra, locked with everything else) without Qt. `pip install exposure_check_server-*.whl` alone would
    resolve cryptography, requests, numpy, ... from the index at whatever version is newest that day, unhashed."""
    blocks = re.split(r"\n(?=\S)", server_lock.strip())
    kept = [block for block in blocks if not block.startswith("#") and not _QT_PINS.match(block)]
    header = (
        "# The dependencies of the exposure-check-server wheel beside this file, each pinned with its hashes:\n"
        "# requirements/server.txt without Qt (scripts/build_wheels.py writes it). Install them, then the wheel:\n"
        "#   pip install --require-hashes -r THIS_FILE\n"
        "#   pip install --no-deps exposure_check_server-*.whl\n"
    )
    return header + "\n".join(kept) + "\n"


def _setuptools_problem() -> str | None:
    """Why this Python cannot build the wheels offline, or None. The build uses the setuptools installed here (no
    network), and pyproject.toml's licence expression needs setuptools 77 or later; an older one fails deep in pip
    with a page of schema errors."""
    hint = "Run this script with .venv/bin/python (scripts/bootstrap.sh makes it)."
    try:
        found = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return f"{sys.executable} has no setuptools. {hint}"
    major = re.match(r"\d+", found)
    if major is None or int(major.group()) < 77:
        return f"{sys.executable} has setuptools {found}; building the wheels needs 77 or later. {hint}"
    return None


def _stage(folder: Path, *, skip_gui: bool = False) -> Path:
    folder.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=_IGNORE)
        else:
            shutil.copy2(source, folder / name)
    if skip_gui:
        shutil.rmtree(folder / "desktop" / "exposurecheck" / "gui")
    return folder


def _wheel(stage: Path, out: Path) -> Path:
    before = set(out.glob("*.whl"))
    # --no-build-isolation: build with the setuptools already installed here, so no network is needed.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "--wheel-dir", str(out), str(stage)],
        check=True,
        cwd=stage,
    )
    new = set(out.glob("*.whl")) - before
    name = tomllib.loads((stage / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    prefix = name.replace("-", "_") + "-"
    matches = sorted(w for w in (new or out.glob("*.whl")) if w.name.startswith(prefix))
    return matches[-1]


def server_pyproject(main: Path) -> str:
    """The operator distribution's pyproject.toml: the app's, renamed, without Qt, the GUI or the desktop command."""
    text = main.read_text(encoding="utf-8")
    project = tomllib.loads(text)["project"]
    required = [dep for dep in project["dependencies"] if not dep.lower().startswith("pyside6")]
    required += project.get("optional-dependencies", {}).get("server", [])
    dependencies = "".join(f"    {dep!r},\n" for dep in required).replace("'", '"')
    text = re.sub(r'(?m)^name = "exposure-check"$', f'name = "{SERVER_NAME}"', text, count=1)
    text = re.sub(r'(?m)^description = .*$', 'description = "Exposure Check operator tools: keys, packs, lookup '
                  'service, profiles and kits (no desktop window, no Qt)."', text, count=1)
    text = re.sub(r"(?ms)^dependencies = \[\n.*?^\]\n", f"dependencies = [\n{dependencies}]\n", text, count=1)
    text = re.sub(r'(?m)^exposure-check = "exposurecheck\.cli\.main:main"\n', "", text, count=1)
    return text.replace('"exposure-check[', f'"{SERVER_NAME}[')  # extras that name the project name this one


if __name__ == "__main__":
    raise SystemExit(main())
