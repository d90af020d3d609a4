"""Issue 17.3 for the .deb wrapper: the same bundle and SOURCE_DATE_EPOCH give the same package, byte for byte,
whatever the files' times on disk. Built here with the real packaging/linux/build_deb.py (dpkg-deb, dpkg-shlibdeps,
the icons rendered by Qt, the desktop and AppStream validators; lintian left out for time) around a small stand-in
bundle (a real ELF program, a licences folder), twice, a second apart, with every file of the bundle touched
and given other permissions in between.
PyInstaller's half (two bundle builds, minutes of both cores) is measured by hand: docs/releasing.md."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.ci import required
from tests.support.scripts import load_script

pytestmark = pytest.mark.slow


def _build_deb():
    return load_script(REPO / "packaging" / "linux" / "build_deb.py")


def _stand_in_bundle(folder: Path) -> Path:
    (folder / "_internal" / "licenses").mkdir(parents=True)
    shutil.copy("/bin/true", folder / "exposure-check")  # an ELF file for dpkg-shlibdeps to read
    (folder / "_internal" / "licenses" / "THIRD-PARTY-NOTICES.txt").write_text("notices\n", encoding="utf-8")
    (folder / "_internal" / "base_library.zip").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    return folder


def test_the_same_bundle_gives_the_same_deb(qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "desktop-file-validate", "appstreamcli"):
        if shutil.which(tool) is None:
            required(f"{tool} is not installed (scripts/bootstrap.sh installs it)")
    build_deb = _build_deb()
    root = tmp_path / "checkout"  # build_deb stages under ROOT/build/deb: not the real checkout's
    (root / "desktop" / "exposurecheck").mkdir(parents=True)
    (root / "desktop" / "exposurecheck" / "__init__.py").write_text('__version__ = "9.9.9"\n', encoding="utf-8")
    monkeypatch.setattr(build_deb, "ROOT", root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764892800")
    monkeypatch.setenv("DEB_XZ_LEVEL", "0")
    bundle = _stand_in_bundle(tmp_path / "bundle")
    first = build_deb.build(bundle, tmp_path / "first", lintian=False)
    # The second build: a second later by the clock (a time stamp written anywhere differs), the files touched an
    # hour later and with other permissions (as another checkout or umask would leave them).
    time.sleep(1.1)
    later = time.time() + 3600
    for path in bundle.rglob("*"):
        path.chmod(0o700 if path.is_dir() or path.name == "exposure-check" else 0o600)
        os.utime(path, (later, later))
    second = build_deb.build(bundle, tmp_path / "second", lintian=False)
    assert first.name == second.name == "exposure-check_9.9.9_amd64.deb"
    digest = [hashlib.sha256(deb.read_bytes()).hexdigest() for deb in (first, second)]
    assert digest[0] == digest[1]
