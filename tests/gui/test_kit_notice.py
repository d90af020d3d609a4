"""The window checks the USB kit it was started from, in the background, and says plainly how it went."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from exposurecheck.core.trust.profile import ProfileBody, sign_profile
from exposurecheck.core.trust.publisher_keys import add_trusted
from exposurecheck.gui.main_window import MainWindow
from exposurecheck_server.keys import load_signing_key, write_signing_key
from exposurecheck_server.kit.builder import build_kit
from tests.support.app_bundle import write_app_stand_in


@pytest.fixture
def kit_app(tmp_path: Path) -> dict[str, Path]:
    write_signing_key(tmp_path / "keys")
    key = load_signing_key(tmp_path / "keys" / "publisher.key")
    bundle = tmp_path / "exposure-check"
    (bundle / "_internal").mkdir(parents=True)
    write_app_stand_in(bundle / "exposure-check")
    (bundle / "_internal" / "lib.so").write_bytes(b"library" * 1000)
    profile = tmp_path / "profile.ecprofile"
    profile.write_bytes(sign_profile(ProfileBody(name_en="Test NGO"), key))
    root = tmp_path / "kit"
    build_kit(root, bundles=[bundle], packs=[], profile=profile, signing_key=key)
    return {"exe": root / "app" / "exposure-check" / "exposure-check", "pub": tmp_path / "keys" / "publisher.pub"}


def _window(qtbot, pool: QThreadPool, exe: Path | None, lang: str = "en") -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(lang, pool, lambda _training: [], kit_executable=exe)
    qtbot.addWidget(window)
    return window


def test_a_kit_signed_by_a_trusted_publisher_is_reported_verified(qtbot, kit_app) -> None:  # type: ignore[no-untyped-def]
    add_trusted(kit_app["pub"])
    pool = QThreadPool()
    window = _window(qtbot, pool, kit_app["exe"])
    qtbot.waitUntil(lambda: window.kit_notice.started is not None, timeout=10_000)
    assert window.kit_notice.started.ok
    assert not window.kit_notice.isHidden()
    assert "passed its check" in window.kit_notice.ok_text.text()
    window.set_language("zh_CN")
    assert "通过了检查" in window.kit_notice.ok_text.text()
    pool.waitForDone(10_000)


def test_a_changed_kit_is_reported_as_failed(qtbot, kit_app) -> None:  # type: ignore[no-untyped-def]
    add_trusted(kit_app["pub"])
    (kit_app["exe"].parent / "_internal" / "lib.so").write_bytes(b"tampered")
    pool = QThreadPool()
    window = _window(qtbot, pool, kit_app["exe"])
    qtbot.waitUntil(lambda: window.kit_notice.started is not None, timeout=10_000)
    assert window.kit_notice.started.error is not None
    assert "failed its check" in window.kit_notice.error.text()
    assert window.kit_notice.ok_text.isHidden()
    pool.waitForDone(10_000)


def test_a_kit_from_an_unknown_publisher_is_not_trusted(qtbot, kit_app) -> None:  # type: ignore[no-untyped-def]
    pool = QThreadPool()
    window = _window(qtbot, pool, kit_app["exe"])
    qtbot.waitUntil(lambda: window.kit_notice.started is not None, timeout=10_000)
    assert not window.kit_notice.started.ok
    assert window.kit_notice.error.text()
    pool.waitForDone(10_000)


def test_no_kit_no_notice(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exe = tmp_path / "somewhere" / "exposure-check"
    exe.parent.mkdir()
    shutil.copyfile(__file__, exe)
    pool = QThreadPool()
    window = _window(qtbot, pool, exe)
    pool.waitForDone(10_000)
    qtbot.wait(50)
    assert window.kit_notice.started is None
    assert window.kit_notice.isHidden()
