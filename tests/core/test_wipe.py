"""Wipe everything: every file in the app's folders, set-aside copies, the keyring entry; a report of it all."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.fail
import pytest

from exposurecheck.core import paths
from exposurecheck.core.report import Report
from exposurecheck.core.settings import Settings, save_settings
from exposurecheck.core.vault.keystore import KeyringKeyStore
from exposurecheck.core.vault.store import Vault, vault_path
from exposurecheck.core.wipe import wipe_everything
from tests.support.secret_service import LockedKeyring, real_keystore


@pytest.fixture
def keystore() -> KeyringKeyStore:
    store = real_keystore()
    yield store
    store.delete_key()


def _everything_the_app_writes(keystore: KeyringKeyStore) -> list[Path]:
    Vault.open(keystore=keystore).save_check(Report())
    aside = paths.data_dir() / "vault.ecv.damaged-20260101T000000Z"
    aside.write_bytes(b"old")
    save_settings(Settings(language="zh_CN"))
    trust = paths.config_dir() / "trusted_publishers.json"  # written by another part of the app
    trust.write_text("{}")
    state = paths.ensure_private_dir(paths.state_dir() / "packs") / "seen.json"
    state.write_text("{}")
    return [vault_path(), aside, paths.config_dir() / "settings.json", trust, state]


def test_wipe_removes_files_and_the_keyring_entry(keystore: KeyringKeyStore) -> None:
    files = _everything_the_app_writes(keystore)
    assert keystore.get_key() is not None
    report = wipe_everything(keystore)
    assert report.keyring == "removed"
    assert report.complete
    for path in files:
        assert not path.exists()
    for folder in paths.all_dirs():
        assert not folder.exists() or not any(folder.iterdir())
    assert keystore.get_key() is None
    removed = {str(p) for p in report.removed}
    assert str(vault_path()) in removed and str(paths.state_dir() / "packs") in removed
    lines = report.lines("en")
    assert any("Removed" in line for line in lines) and "Removed the key" in lines[-1]
    assert any("已删除" in line for line in report.lines("zh_CN"))
    again = wipe_everything(keystore)
    assert again.removed == () and again.keyring == "absent" and again.complete


def test_wipe_reports_a_locked_keyring_and_still_removes_files(tmp_path: Path) -> None:
    save_settings(Settings())
    report = wipe_everything(KeyringKeyStore(LockedKeyring()))  # type: ignore[arg-type]
    assert report.keyring == "locked"
    assert not report.complete
    assert not (paths.config_dir() / "settings.json").exists()
    assert "locked" in report.lines("en")[-1]


def test_wipe_without_any_keyring_is_complete() -> None:
    save_settings(Settings())
    report = wipe_everything(KeyringKeyStore(keyring.backends.fail.Keyring()))  # type: ignore[arg-type]
    assert report.keyring == "none" and report.complete


def test_wipe_never_empties_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.txt").write_text("years of work")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("EXPOSURECHECK_DATA_DIR", str(home))
    report = wipe_everything(KeyringKeyStore(keyring.backends.fail.Keyring()))  # type: ignore[arg-type]
    assert (home / "thesis.txt").exists()
    assert report.skipped == (home,)
    assert not report.complete
