"""packaging/third_party_notices.py traces each bundled file to the component it came from, with real files of this
machine: a Qt library of the PySide6 wheel, a module of the standard library, a Debian system library, libsodium,
the project's own code, a link inside the bundle, and a file nobody can account for."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from exposurecheck import __version__
from tests.conftest import REPO
from tests.support.scripts import load_script


@pytest.fixture(scope="module")
def notices():
    return load_script(REPO / "packaging" / "third_party_notices.py")


def _write(notices, tmp_path: Path, entries):
    out = tmp_path / "licenses"
    written = notices.write_notices(entries, out, project_root=REPO, project_name="Exposure Check", version=__version__)
    inventory = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
    return written, inventory, (out / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")


def _owner(inventory, name):
    return next((c["name"] for c in inventory["components"] if name in c["files"]), None)


def _pyside6_folder() -> Path:
    spec = importlib.util.find_spec("PySide6")  # located, not imported: Qt stays out of this package's tests
    assert spec and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def test_files_are_traced_to_their_components(notices, tmp_path):
    qt_core = next(_pyside6_folder().glob("Qt/lib/libQt6Core.so*"), None) or next(_pyside6_folder().glob("QtCore.*"))
    stdlib = Path(sys.modules["json"].__file__ or "").parent / "decoder.py"
    entries = [
        (f"PySide6/Qt/lib/{qt_core.name}", str(qt_core), "BINARY"),
        ("libQt6Core.so.6", f"PySide6/Qt/lib/{qt_core.name}", "SYMLINK"),
        ("json.decoder", str(stdlib), "PYMODULE"),
        ("exposurecheck.core.i18n", str(REPO / "desktop/exposurecheck/core/i18n.py"), "PYMODULE"),
        ("resources/i18n/about.en.json", str(REPO / "resources/i18n/about.en.json"), "DATA"),
        ("libsodium.so.23", str(tmp_path / "staging" / "libsodium.so.23"), "BINARY"),
        ("mystery.bin", str(tmp_path / "nowhere" / "mystery.bin"), "BINARY"),
    ]
    written, inventory, text = _write(notices, tmp_path, entries)
    assert sorted(Path(source).name for source, _folder in written) == [
        "LICENSE", "THIRD-PARTY-NOTICES.txt", "inventory.json"
    ]  # fmt: skip
    assert _owner(inventory, f"PySide6/Qt/lib/{qt_core.name}").lower().startswith("pyside6")
    assert _owner(inventory, "libQt6Core.so.6") == _owner(inventory, f"PySide6/Qt/lib/{qt_core.name}")
    assert _owner(inventory, "resources/i18n/about.en.json") == "Exposure Check"
    assert _owner(inventory, "libsodium.so.23") == "libsodium"
    assert inventory["untraced"] == ["mystery.bin"]
    assert "Not traced to a component" in text and "mystery.bin" in text
    # The licence texts travel with their components.
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "Unicode" in text
    assert "Permission to use, copy, modify, and/or distribute this software" in text  # libsodium's ISC
    python = next(c for c in inventory["components"] if c["name"] == "Python")
    assert python["python_modules"] == 1


@pytest.mark.skipif(not shutil.which("dpkg-query"), reason="needs a Debian system (dpkg)")
def test_system_libraries_are_traced_to_their_debian_package(notices, tmp_path):
    zlib = next((p for p in (Path("/lib/x86_64-linux-gnu/libz.so.1"), Path("/usr/lib/x86_64-linux-gnu/libz.so.1"))
                 if p.exists()), None)  # fmt: skip
    if zlib is None:
        pytest.skip("no libz.so.1 in the usual place")
    _written, inventory, text = _write(notices, tmp_path, [("libz.so.1", str(zlib), "BINARY")])
    assert _owner(inventory, "libz.so.1").startswith("zlib1g")
    assert "/usr/share/doc/zlib1g/copyright" in text


def test_output_is_the_same_bytes_every_time(notices, tmp_path):
    entries = [("exposurecheck.core.i18n", str(REPO / "desktop/exposurecheck/core/i18n.py"), "PYMODULE")]
    _w, _i, first = _write(notices, tmp_path / "a", entries)
    _w, _i, second = _write(notices, tmp_path / "b", entries)
    assert first == second


def test_a_link_to_a_folder_belongs_to_the_files_inside(notices, tmp_path):
    """macOS frameworks link Versions/Current to Versions/A: the link is Qt's like the files it leads to."""
    qt_core = next(_pyside6_folder().glob("Qt/lib/libQt6Core.so*"), None) or next(_pyside6_folder().glob("QtCore.*"))
    entries = [
        ("QtCore.framework/Versions/A/QtCore", str(qt_core), "BINARY"),
        ("QtCore.framework/Versions/Current", "A", "SYMLINK"),
    ]
    _w, inventory, _text = _write(notices, tmp_path, entries)
    assert inventory["untraced"] == []
    assert _owner(inventory, "QtCore.framework/Versions/Current") == _owner(
        inventory, "QtCore.framework/Versions/A/QtCore"
    )
