"""Third-party notices for the frozen app, generated from the files PyInstaller really puts in the bundle.

build.spec calls `write_notices()` with the final table of contents (after everything left out is gone), so a
library added by a new dependency or a PyInstaller hook appears here by itself, and one that leaves stops being
listed. Every file is traced to where it came from:

- a file of an installed Python distribution (its RECORD) -> that distribution, with its licence files and
  licence metadata; PySide6 and shiboken6 carry no licence file in their wheels, so their LGPL-3.0 text and the
  ICU licence (the Qt libraries in the wheel include ICU) come from packaging/licenses/;
- a file of the Python installation -> Python, with the interpreter's own LICENSE.txt (on Windows it also covers
  the DLLs python.org ships: OpenSSL, libffi, SQLite, ...);
- on Debian/Ubuntu, a system library -> its Debian package (dpkg), with /usr/share/doc/<package>/copyright;
- libsodium built or downloaded for Windows/macOS -> packaging/licenses/libsodium-ISC.txt;
- the project's own files -> Exposure Check (GPL-3.0-or-later, LICENSE).

Anything that cannot be traced is listed under "not traced" (tests/frozen fails on Linux if that list is not
empty). The output is sorted and carries no date, so two builds of one commit write the same bytes.

Written into the bundle's `licenses/` folder: LICENSE (the GPL), THIRD-PARTY-NOTICES.txt and inventory.json
(each bundled file and the component it belongs to, for tests and for anyone auditing a release).
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
CURATED = HERE / "licenses"
NOTICES_NAME = "THIRD-PARTY-NOTICES.txt"
INVENTORY_NAME = "inventory.json"

# The checkout's own sources; build/ (libsodium's staging copy) and vendor/ hold other people's files.
_PROJECT_PARTS = ("desktop", "resources", "packaging")
_LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
# Python distributions whose wheels carry no licence file: the text their metadata names, kept in the repository.
_CURATED_FOR_DIST = {
    "pyside6-essentials": ("LGPL-3.0.txt", "ICU.txt"),
    "shiboken6": ("LGPL-3.0.txt",),
}
_QT_NOTE = (
    "Qt for Python (PySide6, shiboken6) and the Qt libraries are used under the GNU Lesser General Public License\n"
    "version 3 (the GPL it builds on is the LICENSE file next to this one). They are separate shared libraries in\n"
    "the bundle (_internal/PySide6/), which you may replace with your own build of the same version. Their source\n"
    "code: https://download.qt.io/official_releases/QtForPython/ and https://code.qt.io/ (the version is given\n"
    "above); the project will also send it on request (see SECURITY.md for how to reach us)."
)


@dataclass
class Component:
    key: str
    name: str
    version: str
    licence: str
    origin: str
    texts: list[tuple[str, str]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    modules: int = 0


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace").strip()


class _Tracer:
    """Finds the component each source file belongs to."""

    def __init__(self, project_root: Path, project_name: str, version: str) -> None:
        self.project_root = project_root.resolve()
        self.components: dict[str, Component] = {}
        self.project = self._add(
            Component(
                "project", project_name, version, "GPL-3.0-or-later", "this project", [("LICENSE", "see LICENSE")]
            )
        )
        self.by_file: dict[Path, metadata.Distribution] = {}
        for dist in metadata.distributions():
            if _normalize(dist.metadata["Name"] or "") == _normalize(project_name):
                continue  # an editable install of this checkout: its files are the project's
            for record in dist.files or ():
                self.by_file.setdefault(Path(dist.locate_file(record)).resolve(), dist)
        self.python_roots = {Path(sys.base_prefix).resolve(), Path(sys.base_exec_prefix).resolve()}
        self.pending_system: dict[str, list[tuple[str, str | None]]] = {}
        self.untraced: set[str] = set()

    def _add(self, component: Component) -> Component:
        return self.components.setdefault(component.key, component)

    def trace(self, dest: str, source: str, typecode: str) -> None:
        module = typecode == "PYMODULE"
        path = Path(source).resolve() if source else None
        component = self._component(dest, path)
        if component is None:
            if path is not None and sys.platform.startswith("linux") and not module:
                self.pending_system.setdefault(str(Path(source)), []).append((dest, str(path)))
                return
            component = self._curated_by_name(dest)
        if component is None:
            if not module:
                self.untraced.add(dest)
            return
        if module:
            component.modules += 1
        else:
            component.files.add(dest)

    def _component(self, dest: str, path: Path | None) -> Component | None:
        if dest == "base_library.zip" or path is None:
            return self._python()  # PyInstaller's zip of the standard library modules needed at start
        if any(path.is_relative_to(self.project_root / part) for part in _PROJECT_PARTS):
            return self.project
        dist = self.by_file.get(path)
        if dist is not None:
            return self._distribution(dist)
        if any(path.is_relative_to(root) for root in self.python_roots):
            return self._python()
        return None

    def _python(self) -> Component:
        version = ".".join(map(str, sys.version_info[:3]))
        component = self._add(Component("python", "Python", version, "PSF-2.0", "the Python installation"))
        if not component.texts:
            for candidate in _python_licence_files():
                component.texts.append(("Python licence", _read(candidate)))
                break
        return component

    def _distribution(self, dist: metadata.Distribution) -> Component:
        name = dist.metadata["Name"] or "?"
        key = f"pypi:{_normalize(name)}"
        if key in self.components:
            return self.components[key]
        component = self._add(Component(key, name, dist.version, _licence_of(dist), "Python package (PyPI)"))
        for record in sorted(dist.files or (), key=str):
            in_metadata = ".dist-info" in str(record)
            if in_metadata and _LICENCE_FILE.match(Path(str(record)).name):
                component.texts.append((str(record), _read(Path(dist.locate_file(record)))))
        for curated in _CURATED_FOR_DIST.get(_normalize(name), ()):
            component.texts.append((f"packaging/licenses/{curated}", _read(CURATED / curated)))
        if _normalize(name) in _CURATED_FOR_DIST:
            component.texts.append(("Qt and LGPL", _QT_NOTE))
        return component

    def _curated_by_name(self, dest: str) -> Component | None:
        if re.search(r"(^|/)(lib)?sodium[-.\d]*\.(so|dll|dylib)", dest):
            component = self._add(
                Component("libsodium", "libsodium", "", "ISC", "libsodium release (see docs/releasing.md)")
            )
            if not component.texts:
                component.texts.append(("libsodium", _read(CURATED / "libsodium-ISC.txt")))
            return component
        return None

    def finish(self) -> None:
        """Ask dpkg, once, which Debian package each remaining system file comes from."""
        if not self.pending_system:
            return
        owners = _dpkg_owners(self.pending_system)
        for source, uses in sorted(self.pending_system.items()):
            package = owners.get(source)
            for dest, _resolved in uses:
                component = self._debian(package) if package else self._curated_by_name(dest)
                if component is None:
                    self.untraced.add(dest)
                else:
                    component.files.add(dest)

    def _debian(self, package: str) -> Component:
        key = f"debian:{package}"
        if key in self.components:
            return self.components[key]
        version = _dpkg_version(package)
        copyright_file = Path("/usr/share/doc") / package.split(":")[0] / "copyright"
        component = self._add(Component(key, package, version, "see below", "Debian package (system library)"))
        if copyright_file.is_file():
            component.texts.append((str(copyright_file), _read(copyright_file)))
        return component


def _python_licence_files() -> list[Path]:
    base = Path(sys.base_prefix)
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    candidates = [base / "LICENSE.txt", base / "lib" / version / "LICENSE.txt", base / "Lib" / "LICENSE.txt"]
    candidates += [Path("/usr/share/doc") / version / "copyright"]
    return [path for path in candidates if path.is_file()]


def _licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return " / ".join(classifiers)
    text = (meta.get("License") or "").strip()
    return text if text and len(text) < 80 and "\n" not in text else "see the licence text below"


def _variants(path: str) -> list[str]:
    """The path as given and as resolved, each with and without /usr (Debian's merged /usr: dpkg knows one)."""
    out: list[str] = []
    for candidate in (path, str(Path(path).resolve())):
        out.append(candidate)
        if candidate.startswith("/usr/"):
            out.append(candidate[4:])
        elif candidate.startswith("/"):
            out.append("/usr" + candidate)
    return list(dict.fromkeys(out))


def _dpkg_owners(sources: Iterable[str]) -> dict[str, str]:
    wanted = {variant: source for source in sources for variant in _variants(source)}
    try:
        result = subprocess.run(["dpkg-query", "-S", *wanted], capture_output=True, text=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    owners: dict[str, str] = {}
    for line in result.stdout.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        packages, path = line.split(": ", 1)
        source = wanted.get(path.strip())
        if source and source not in owners:
            owners[source] = packages.split(",")[0].strip()
    return owners


def _dpkg_version(package: str) -> str:
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip()


def _render(tracer: _Tracer, project_name: str) -> str:
    components = sorted(
        (c for c in tracer.components.values() if c.files or c.modules),
        key=lambda c: (c.key != "project", c.name.lower()),
    )
    lines = [
        f"{project_name} {tracer.project.version}: third-party software in this bundle",
        "=" * 78,
        "",
        f"{project_name} itself is free software under the GNU General Public License, version 3 or (at your",
        "option) any later version: see the LICENSE file next to this one. It is built with and ships the",
        "components below, each under its own licence, listed from the files really in this bundle.",
        "Breach descriptions that come from Have I Been Pwned are (c) Have I Been Pwned, CC BY 4.0.",
        "No font files are bundled: the app uses the fonts installed on the computer.",
        "",
        "Summary (component, version, licence, where it came from, files / Python modules in the bundle):",
        "",
    ]
    for c in components:
        lines.append(f"  {c.name} {c.version}".rstrip() + f" | {c.licence} | {c.origin} | {len(c.files)} / {c.modules}")
    if tracer.untraced:
        lines += ["", "Not traced to a component (please report this as a bug):"]
        lines += [f"  {name}" for name in sorted(tracer.untraced)]
    for c in components:
        if c.key == "project":
            continue
        lines += ["", "", "-" * 78, f"{c.name} {c.version}".rstrip(), f"Licence: {c.licence}", f"From: {c.origin}"]
        if c.files:
            shown = sorted(c.files)
            lines.append(
                "Files: " + ", ".join(shown[:12]) + (f", and {len(shown) - 12} more" if len(shown) > 12 else "")
            )
        for title, text in c.texts:
            lines += ["", f"--- {title} ---", "", text]
        if not c.texts:
            lines += ["", "(no licence file was found for this component; its licence is named above)"]
    return "\n".join(lines) + "\n"


def write_notices(
    entries: Iterable[tuple[str, str, str]],
    out_dir: Path,
    *,
    project_root: Path,
    project_name: str,
    version: str,
    extra_files: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """Write LICENSE, THIRD-PARTY-NOTICES.txt and inventory.json for the bundle whose table of contents is
    `entries` ((name in bundle, source, typecode), as PyInstaller's Analysis gives them). `extra_files` maps names
    in the bundle that are not in the table (the executables) to the component key that provides them.
    Returns (source, folder in bundle) pairs ready for PyInstaller's datas."""
    tracer = _Tracer(project_root, project_name, version)
    links = []
    for dest, source, typecode in entries:
        if typecode == "SYMLINK":  # a link inside the bundle (source: its target, relative to the link)
            links.append((dest.replace("\\", "/"), source.replace("\\", "/")))
        else:
            tracer.trace(dest.replace("\\", "/"), source, typecode)
    tracer.finish()
    owner = {name: component for component in tracer.components.values() for name in component.files}
    for dest, target in links:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(dest), target))
        # A link to a file, or (macOS frameworks: Versions/Current -> A) to a folder of one component's files.
        component = owner.get(resolved) or next(
            (owned for name, owned in sorted(owner.items()) if name.startswith(resolved + "/")), None
        )
        if component is None:
            tracer.untraced.add(dest)
        else:
            component.files.add(dest)
    for dest, key in (extra_files or {}).items():
        component = tracer.components.get(key) or (
            tracer._distribution(metadata.distribution(key[len("pypi:") :])) if key.startswith("pypi:") else None
        )
        if component is not None:
            component.files.add(dest)
    out_dir.mkdir(parents=True, exist_ok=True)
    licence = out_dir / "LICENSE"
    licence.write_bytes((project_root / "LICENSE").read_bytes())
    notices = out_dir / NOTICES_NAME
    notices.write_text(_render(tracer, project_name), encoding="utf-8", newline="\n")
    inventory = {
        "components": [
            {
                "name": c.name,
                "version": c.version,
                "licence": c.licence,
                "origin": c.origin,
                "files": sorted(c.files),
                "python_modules": c.modules,
            }
            for c in sorted(tracer.components.values(), key=lambda c: c.key)
            if c.files or c.modules
        ],
        "untraced": sorted(tracer.untraced),
    }
    inventory_path = out_dir / INVENTORY_NAME
    inventory_path.write_text(
        json.dumps(inventory, indent=1, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n"
    )
    return [(str(path), "licenses") for path in (licence, notices, inventory_path)]
