"""Settings: only choices about the app, tolerant loading, atomic private writes."""

from __future__ import annotations

import dataclasses
import json
import os
import stat

import pytest

from exposurecheck.core import atomic, paths
from exposurecheck.core.errors import UserError
from exposurecheck.core.settings import Settings, load_settings, save_settings, settings_path


def test_missing_file_gives_defaults_and_writes_nothing() -> None:
    loaded = load_settings()
    assert loaded.settings == Settings()
    assert loaded.set_aside is None
    assert not paths.config_dir().exists()


def test_round_trip_in_the_config_folder() -> None:
    chosen = Settings(
        language="zh_CN",
        sources=("demo", "pack=/media/usb/ngo.ecpack"),
        offline_only=True,
        consent_given=True,
        phone_region="HK",
    )
    path = save_settings(chosen)
    assert path == paths.config_dir() / "settings.json"
    assert load_settings().settings == chosen
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(paths.config_dir().stat().st_mode) == 0o700
    assert set(json.loads(path.read_text())) == {
        "format",
        "version",
        "language",
        "sources",
        "offline_only",
        "consent_given",
        "phone_region",
    }


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"language": "en"}', b"\xff\xfe"])
def test_a_damaged_file_is_set_aside_and_defaults_used(content: bytes) -> None:
    paths.ensure_private_dir(paths.config_dir())
    settings_path().write_bytes(content)
    loaded = load_settings()
    assert loaded.settings == Settings()
    assert loaded.set_aside is not None and loaded.set_aside.read_bytes() == content
    assert loaded.set_aside.name.startswith("settings.json.damaged-")
    assert not settings_path().exists()


def test_bad_values_fall_back_one_by_one_and_unknown_keys_are_dropped() -> None:
    paths.ensure_private_dir(paths.config_dir())
    settings_path().write_text(
        json.dumps(
            {
                "format": "exposurecheck.settings",
                "version": 1,
                "language": "klingon",
                "sources": ["demo", 5],
                "offline_only": True,
                "consent_given": "yes",
                "phone_region": "cn",
                "last_email_checked": "someone@example.org",
            }
        )
    )
    settings = load_settings().settings
    assert settings == Settings(offline_only=True)
    save_settings(settings)
    assert "someone@example.org" not in settings_path().read_text()


def test_values_that_would_not_load_back_are_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        save_settings(dataclasses.replace(Settings(), phone_region="China"))
    assert not settings_path().exists()


def test_a_failed_write_keeps_the_old_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(language="en"))
    before = settings_path().read_bytes()

    def full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "fsync", full)
        with pytest.raises(UserError) as info:
            save_settings(Settings(language="zh_CN"))
    assert info.value.key == "vault.settings_write_failed"
    assert settings_path().read_bytes() == before
    assert [p.name for p in paths.config_dir().iterdir()] == ["settings.json"]
