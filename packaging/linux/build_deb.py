"""Wrap the one-folder bundle dist/exposure-check/ into dist/exposure-check_<version>_amd64.deb, then validate it.

    .venv/bin/python packaging/linux/build_deb.py [--bundle DIR] [--out DIR] [--no-lintian]

scripts/build_bundle.sh --deb runs this after building and checking the bundle. What goes where:

    /usr/lib/exposure-check/                      the bundle as built (its licenses/ folder included)
    /usr/bin/exposure-check                       a symbolic link to it (PyInstaller's loader follows the link
                                                  back to its folder)
    /usr/share/applications/<id>.desktop          the menu entry (desktop-file-validate)
    /usr/share/metainfo/<id>.metainfo.xml         software-centre data (appstreamcli validate --no-net)
    /usr/share/icons/hicolor/*/apps/<id>.png|svg  16 to 512 px and scalable, rendered from the app's SVG
    /usr/share/man/man1/exposure-check.1.gz       the manual page
    /usr/share/doc/exposure-check/                copyright (machine-readable) and changelog.gz
    /usr/share/lintian/overrides/exposure-check   the lintian tags a PyInstaller bundle cannot avoid, each explained

Depends: what the bundle leaves to the system (build.spec's _HOST_LIBRARIES and everything else its libraries
link to), computed by dpkg-shlibdeps from every ELF file in the bundle, plus a Chinese font. Recommends: a
Secret Service keyring (without one the app works but cannot keep a check).

Reproducible: every timestamp is SOURCE_DATE_EPOCH (default: the last commit's time), owners are root, gzip
is run with -n, and dpkg-deb writes the same bytes for the same tree.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from icons import Renderer, write_hicolor  # noqa: E402  (packaging/ is not a package)

APP_ID = "org.exposurecheck.ExposureCheck"
PACKAGE = "exposure-check"
INSTALL_DIR = Path("usr/lib") / PACKAGE
# The project has no public contact address yet: `.invalid` (RFC 2606) says so rather than inventing one. A
# release sets DEB_MAINTAINER to the real contact (docs/releasing.md).
MAINTAINER = os.environ.get("DEB_MAINTAINER", "Exposure Check project <maintainers@exposure-check.invalid>")
# Not libraries, so dpkg-shlibdeps cannot see them: a font with Chinese glyphs (without one Chinese renders as
# boxes), and for Recommends the keyring the vault stores its key in.
EXTRA_DEPENDS = "fonts-wqy-microhei | fonts-noto-cjk | fonts-arphic-ukai"
RECOMMENDS = "gnome-keyring | keepassxc"
DESCRIPTION = """\
check whether your details were in a data breach
 Exposure Check tells you whether your phone number, email address, Chinese
 resident ID number, username or password shows up in known data breaches,
 and then, in plain Chinese or English, what that means and what to do.
 .
 Identifiers are normalized and hashed on this computer; only a short prefix
 of a hash or blinded values leave it, and offline data packs send nothing."""


def read_version() -> str:
    tree = ast.parse((ROOT / "desktop" / "exposurecheck" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return str(ast.literal_eval(node.value))
    raise SystemExit("build_deb: no __version__ in desktop/exposurecheck/__init__.py")


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit's time (the same for every build of one commit)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"], capture_output=True, text=True, check=True
        )
        return int(out.stdout.strip())
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 0


def run(*command: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], text=True, check=True, **kwargs)  # type: ignore[call-overload]


def gzip_file(data: bytes, path: Path) -> None:
    """gzip -9n: no name and no time in the header, so the bytes depend on the content only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out:
        out.write(data)


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def lay_out(bundle: Path, root: Path, version: str, epoch: int) -> None:
    app = root / INSTALL_DIR
    shutil.copytree(bundle, app, symlinks=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin" / PACKAGE).symlink_to(Path("..") / "lib" / PACKAGE / PACKAGE)

    share = root / "usr/share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(HERE / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    (share / "metainfo").mkdir()
    date = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")
    metainfo = (HERE / f"{APP_ID}.metainfo.xml.in").read_text(encoding="utf-8")
    metainfo = metainfo.replace("@VERSION@", version).replace("@DATE@", date)
    (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_text(metainfo, encoding="utf-8")
    write_hicolor(share / "icons" / "hicolor", APP_ID, Renderer())
    gzip_file((HERE / "exposure-check.1").read_bytes(), share / "man/man1/exposure-check.1.gz")

    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_file(), encoding="utf-8")
    gzip_file(debian_changelog(version, epoch).encode("utf-8"), doc / "changelog.gz")
    overrides = share / "lintian/overrides" / PACKAGE
    overrides.parent.mkdir(parents=True)
    overrides.write_text(lintian_overrides(), encoding="utf-8")


def copyright_file() -> str:
    """Debian's machine-readable copyright: the app, and where the notices of what it bundles are."""
    notices = f"/{INSTALL_DIR}/_internal/licenses/THIRD-PARTY-NOTICES.txt"
    return f"""Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Exposure Check
Comment: The app bundles Python, Qt for Python (LGPL-3.0), libsodium (ISC) and other
 free software, each under its own licence. The full list, generated from the files
 in the bundle, with every licence text, is {notices}
 (also shown in the app: About).

Files: *
Copyright: The Exposure Check contributors
License: GPL-3+

Files: usr/lib/exposure-check/_internal/PySide6/*
 usr/lib/exposure-check/_internal/libQt6*
 usr/lib/exposure-check/_internal/libpyside6*
 usr/lib/exposure-check/_internal/libshiboken6*
 usr/lib/exposure-check/_internal/shiboken6/*
Copyright: The Qt Company Ltd. and other contributors
License: LGPL-3
Comment: ICU, included in the Qt libraries, is under the ICU licence; see {notices}.

Files: usr/lib/exposure-check/_internal/libsodium*
Copyright: 2013-2024 Frank Denis <j at pureftpd dot org>
License: ISC
 Permission to use, copy, modify, and/or distribute this software for any
 purpose with or without fee is hereby granted, provided that the above
 copyright notice and this permission notice appear in all copies.
 .
 THE SOFTWARE IS PROVIDED "AS IS" AND ISC DISCLAIMS ALL WARRANTIES WITH REGARD
 TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF MERCHANTABILITY AND
 FITNESS. IN NO EVENT SHALL ISC BE LIABLE FOR ANY SPECIAL, DIRECT, INDIRECT,
 OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES WHATSOEVER RESULTING FROM LOSS OF USE,
 DATA OR PROFITS, WHETHER IN AN ACTION OF CONTRACT, NEGLIGENCE OR OTHER
 TORTIOUS ACTION, ARISING OUT OF OR IN CONNECTION WITH THE USE OR PERFORMANCE
 OF THIS SOFTWARE.

License: GPL-3+
 This program is free software: you can redistribute it and/or modify it under
 the terms of the GNU General Public License as published by the Free Software
 Foundation, either version 3 of the License, or (at your option) any later
 version.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 3 can be found in "/usr/share/common-licenses/GPL-3".

License: LGPL-3
 On Debian systems, the complete text of the GNU Lesser General Public License
 version 3 can be found in "/usr/share/common-licenses/LGPL-3".
"""


def debian_changelog(version: str, epoch: int) -> str:
    """A one-entry Debian changelog: the package is built from the project's own release (CHANGELOG.md)."""
    when = datetime.fromtimestamp(epoch, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (
        f"{PACKAGE} ({version}) unstable; urgency=medium\n\n"
        f"  * Exposure Check {version}; the changes are in CHANGELOG.md of the source.\n\n"
        f" -- {MAINTAINER}  {when}\n"
    )


# Tags lintian raises on any PyInstaller bundle, and why each one is accepted (shipped in the package so the
# reasons travel with it). Patterns use lintian's override syntax ([pointer] with * wildcards).
_OVERRIDES = {
    # The bundle is one folder holding a private copy of Python, Qt and the libraries they need, found relative to
    # the program; no other package links to them. Debian's rules for shared libraries (shlibs, sonames, system
    # copies of common libraries) are for libraries other packages use.
    "embedded-library": "private copies in the bundle (bzip2, expat, libpng, ...), see build.spec for what stays",
    "shared-library-lacks-prerequisites": "private libraries of the bundle, loaded by it, not linked to by others",
    "custom-library-search-path": "PyInstaller and Qt set RUNPATH so their libraries find each other in the bundle",
    "library-not-linked-against-libc": "a Python extension module that calls no libc function at all",
    # The binaries come prebuilt (PyPI wheels, the Python interpreter, PyInstaller's bootloader) and are shipped
    # exactly as built and tested: rebuilding or stripping them here would make a different program.
    "unstripped-binary-or-object": "prebuilt binaries shipped as built and tested",
    "binary-has-unneeded-section": "prebuilt binaries shipped as built and tested",
    "hardening-no-bindnow": "prebuilt binaries (wheels, Python, PyInstaller's loader), not compiled here",
    "hardening-no-fortify-functions": "prebuilt binaries (wheels, Python, PyInstaller's loader), not compiled here",
    "hardening-no-pie": "PyInstaller's prebuilt loader (the program file); not compiled here",
    "spelling-error-in-binary": "strings inside third-party prebuilt libraries, not text of this package",
    # Licence texts must travel with the components they cover; the app shows them in About.
    "extra-license-file": "licence texts the bundled components require to travel with them",
    "package-contains-documentation-outside-usr-share-doc": "licence texts and notes the app reads from its folder",
}


def lintian_overrides() -> str:
    lines = [f"# {PACKAGE}: lintian tags a PyInstaller one-folder bundle cannot avoid; why each is accepted."]
    for tag, reason in sorted(_OVERRIDES.items()):
        lines += [f"# {reason}", f"{PACKAGE}: {tag} *"]
    return "\n".join(lines) + "\n"


def normalize_tree(root: Path, epoch: int) -> None:
    """Permissions as Debian expects (0755 folders and programs, 0644 everything else) and one timestamp."""
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_symlink():
            os.utime(path, (epoch, epoch), follow_symlinks=False)
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            executable = path.stat().st_mode & stat.S_IXUSR and is_elf(path) and ".so" not in path.name
            path.chmod(0o755 if executable else 0o644)
        os.utime(path, (epoch, epoch))


def depends(root: Path) -> str:
    """dpkg-shlibdeps over every ELF file in the bundle: the system packages the libraries it leaves out come from."""
    app = root / INSTALL_DIR
    elves = sorted(p for p in app.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p))
    private = sorted({str(p.parent) for p in elves if ".so" in p.name})
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / "debian").mkdir()
        (Path(work) / "debian" / "control").write_text(
            f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: amd64\n", encoding="utf-8"
        )
        result = run(
            "dpkg-shlibdeps", "-O", "--ignore-missing-info", "--warnings=0",
            *(f"-l{folder}" for folder in private), *elves,
            cwd=work, capture_output=True,
        )  # fmt: skip
    match = re.search(r"^shlibs:Depends=(.*)$", result.stdout, re.MULTILINE)
    found = match.group(1).strip() if match else ""
    return ", ".join(part for part in (found, EXTRA_DEPENDS) if part)


def control(root: Path, version: str) -> str:
    size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version}\n"
        "Architecture: amd64\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {size_kb}\n"
        f"Depends: {depends(root)}\n"
        f"Recommends: {RECOMMENDS}\n"
        "Section: utils\n"
        "Priority: optional\n"
        f"Description: {DESCRIPTION}\n"
    )


def md5sums(root: Path) -> str:
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def validate(root: Path, deb: Path, lintian: bool) -> None:
    run("desktop-file-validate", root / "usr/share/applications" / f"{APP_ID}.desktop")
    run("appstreamcli", "validate", "--no-net", root / "usr/share/metainfo" / f"{APP_ID}.metainfo.xml")
    if lintian:
        # Errors and warnings fail the build; the overrides above are the accepted ones, each with its reason.
        run("lintian", "--fail-on", "error,warning", "--tag-display-limit", "0", deb)


def build(bundle: Path, out_dir: Path, lintian: bool = True) -> Path:
    if not (bundle / PACKAGE).is_file():
        raise SystemExit(f"build_deb: no bundle at {bundle}; build it with scripts/build_bundle.sh --build")
    version = read_version()
    epoch = source_date_epoch()
    staging = ROOT / "build" / "deb"
    shutil.rmtree(staging, ignore_errors=True)
    root = staging / "root"
    root.mkdir(parents=True)
    lay_out(bundle, root, version, epoch)
    normalize_tree(root, epoch)
    debian = root / "DEBIAN"
    debian.mkdir()
    (debian / "md5sums").write_text(md5sums(root), encoding="utf-8")
    (debian / "control").write_text(control(root, version), encoding="utf-8")
    normalize_tree(debian, epoch)
    os.utime(root, (epoch, epoch))
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_amd64.deb"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    # xz: the compression lintian and every dpkg accept. Level 6 (the default) for releases; the test suite asks for
    # 2 (DEB_XZ_LEVEL=2: measured here 41 s instead of 113 s, 59 MB instead of 54 MB).
    level = os.environ.get("DEB_XZ_LEVEL", "6")
    run(
        "dpkg-deb", "--root-owner-group", "-Zxz", f"-z{level}", "--build", root, deb, env=env, stdout=subprocess.DEVNULL
    )
    validate(root, deb, lintian)
    return deb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--no-lintian", action="store_true", help="skip lintian (the slowest check)")
    args = parser.parse_args()
    deb = build(args.bundle, args.out, lintian=not args.no_lintian)
    print(f"{deb.relative_to(ROOT) if deb.is_relative_to(ROOT) else deb}: {deb.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
