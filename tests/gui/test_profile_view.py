"""The organisation profile in the window: first-use fingerprint question, contact block, tampered file refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from exposurecheck.core import profile as prof
from exposurecheck.gui.profile_view import ContactBlock, load_startup_profile, make_confirm_dialog


@pytest.fixture
def profile_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    body = prof.ProfileBody(
        name_en="Safe <b>Lines</b>", name_zh="安全热线网络", hotline="400-123-4567", website="https://s.example.org"
    )
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    monkeypatch.setenv(prof.ENV_PROFILE, str(path))
    return path


def test_first_use_asks_once_then_remembers(qtbot, profile_path: Path) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def ask(p: prof.Profile) -> bool:
        asked.append(p.fingerprint)
        return True

    loaded, message = load_startup_profile("en", ask=ask)
    assert loaded is not None and message == "" and asked == [loaded.fingerprint]
    again, _ = load_startup_profile("en", ask=ask)
    assert again is not None and len(asked) == 1


def test_declined_profile_is_not_used(qtbot, profile_path: Path) -> None:  # type: ignore[no-untyped-def]
    loaded, message = load_startup_profile("zh_CN", ask=lambda _p: False)
    assert loaded is None and "未经确认" in message
    loaded, _ = load_startup_profile("en", ask=lambda _p: False)
    assert loaded is None  # still asks next time: nothing was remembered


def test_tampered_profile_is_refused_with_a_message(qtbot, profile_path: Path) -> None:  # type: ignore[no-untyped-def]
    profile_path.write_bytes(profile_path.read_bytes().replace(b"400-123-4567", b"400-666-6666"))
    loaded, message = load_startup_profile("en", ask=lambda _p: pytest.fail("must not ask about a tampered file"))
    assert loaded is None and "changed after it was signed" in message


def test_no_profile(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(prof, "search_roots", lambda: ())
    monkeypatch.delenv(prof.ENV_PROFILE, raising=False)
    assert load_startup_profile("en") == (None, "")


def test_confirm_dialog_shows_the_fingerprint_and_defaults_to_no(qtbot, profile_path: Path) -> None:  # type: ignore[no-untyped-def]
    loaded = prof.load_profile(profile_path)
    dialog = make_confirm_dialog(loaded, "en")
    qtbot.addWidget(dialog)
    assert loaded.fingerprint in dialog.text()
    assert dialog.textFormat() == Qt.TextFormat.PlainText
    assert dialog.defaultButton().objectName() == "profileSkip"
    dialog.open()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.clickedButton().objectName() == "profileSkip"


def test_contact_block_is_plain_text(qtbot, profile_path: Path) -> None:  # type: ignore[no-untyped-def]
    block = ContactBlock(prof.load_profile(profile_path), "zh_CN")
    qtbot.addWidget(block)
    assert block.texts() == ["安全热线网络", "400-123-4567", "https://s.example.org"]
    english = ContactBlock(prof.load_profile(profile_path), "en")
    qtbot.addWidget(english)
    assert english.texts()[0] == "Safe Lines"  # markup removed when the profile was read
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in english.findChildren(QLabel))
