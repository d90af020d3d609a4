"""The .deb's desktop integration, checked in the suite with the real validators (issue 17.1), without building the
package: the desktop entry (desktop-file-validate), the AppStream metainfo as build_deb.py fills it in
(appstreamcli validate --no-net), the hicolor icons at their real pixel sizes from 16 to 512 px, and one id
everywhere, the one the app gives Qt with setDesktopFileName (GNOME on Wayland matches the window to the entry by
it; with another name it shows a generic icon)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env
from tests.support.ci import required
from tests.support.scripts import load_script

LINUX = REPO / "packaging" / "linux"


def _build_deb():
    return load_script(LINUX / "build_deb.py")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        required(f"{name} is not installed (scripts/bootstrap.sh installs it)")
    assert found
    return found


def test_the_app_the_entry_and_the_metainfo_share_one_id() -> None:
    app_id = _build_deb().APP_ID
    # The app's own QApplication, made as `exposure-check gui` makes it (a process of its own: the suite's exists).
    probe = ("from PySide6.QtGui import QGuiApplication; from exposurecheck.gui.app import application; "
             "application(offscreen=True); print(QGuiApplication.desktopFileName())")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            env=cli_env(), check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == app_id
    entry = (LINUX / f"{app_id}.desktop").read_text(encoding="utf-8")
    assert f"\nIcon={app_id}\n" in entry and "\nExec=exposure-check\n" in entry
    metainfo = ET.fromstring((LINUX / f"{app_id}.metainfo.xml.in").read_text(encoding="utf-8"))  # noqa: S314 (ours)
    assert metainfo.findtext("id") == app_id
    assert metainfo.findtext("launchable") == f"{app_id}.desktop"


def test_the_desktop_entry_validates() -> None:
    result = subprocess.run([_tool("desktop-file-validate"), str(next(LINUX.glob("*.desktop")))],
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_the_metainfo_validates_as_the_package_ships_it(tmp_path: Path) -> None:
    build_deb = _build_deb()
    root = tmp_path / "root"
    (root / "usr/share/metainfo").mkdir(parents=True)
    template = (LINUX / f"{build_deb.APP_ID}.metainfo.xml.in").read_text(encoding="utf-8")
    filled = template.replace("@VERSION@", build_deb.read_version()).replace("@DATE@", "2026-12-05")
    assert "@" not in filled.replace("@exposure", "")  # every placeholder filled
    metainfo = root / "usr/share/metainfo" / f"{build_deb.APP_ID}.metainfo.xml"
    metainfo.write_text(filled, encoding="utf-8")
    result = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(metainfo)],
                            capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("size", [16, 22, 24, 32, 48, 64, 128, 256, 512])
def test_hicolor_icons_have_their_real_size(qapp, tmp_path_factory: pytest.TempPathFactory, size: int) -> None:
    # qapp first: the renderer would otherwise make a bare QGuiApplication, and the suite's widgets after it abort.
    build_deb = _build_deb()
    folder = tmp_path_factory.getbasetemp() / "hicolor"
    if not folder.is_dir():
        from icons import Renderer, write_hicolor  # packaging/ is on the path once build_deb is loaded

        write_hicolor(folder, build_deb.APP_ID, Renderer())
    png = (folder / f"{size}x{size}" / "apps" / f"{build_deb.APP_ID}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (size, size)
    assert (folder / "scalable" / "apps" / f"{build_deb.APP_ID}.svg").is_file()
