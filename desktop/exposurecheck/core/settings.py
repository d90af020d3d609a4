"""Settings that say nothing about the person, as plain JSON in `paths.config_dir()/settings.json`.

Only choices about the app live here: language, chosen sources, offline-only, whether the first-use consent was
given, and the default country for phone numbers. Never an identifier, a result or anything derived from one.

Loading never fails: a missing file gives the defaults; an unreadable or damaged file is set aside (renamed with a
timestamp, reported in `LoadedSettings.set_aside`) and the defaults are used; unknown keys are dropped and bad
values fall back to their default one by one. Saving is atomic (mode 0600 in a 0700 folder).

What went wrong is `LoadedSettings.problem`, for the caller to tell the person in their language
(`problem_message`; no path: the folder's name may name the person). The log says it only at INFO level, in
English for a developer (`--verbose`), never as the person's warning.

    loaded = load_settings(); settings = loaded.settings
    save_settings(dataclasses.replace(settings, language="zh_CN"))
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exposurecheck.core import paths
from exposurecheck.core.atomic import set_aside, write_private_atomic
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import LANGUAGES

SETTINGS_FILE_NAME = "settings.json"
FORMAT = "exposurecheck.settings"
_REGION = re.compile(r"^[A-Z]{2}$")
_MAX_SOURCES = 32
_MAX_SOURCE_CHARS = 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    language: str | None = None  # None: follow the system language
    sources: tuple[str, ...] = ()  # source specs as on the CLI; empty: the default sources
    offline_only: bool = False
    consent_given: bool = False
    phone_region: str = "CN"


@dataclass(frozen=True)
class LoadedSettings:
    settings: Settings
    set_aside: Path | None = None  # where a damaged settings file was moved, to tell the person once
    problem: str | None = None  # "damaged" (set aside), "damaged_kept" (could not be moved), "unreadable"

    def problem_message(self, lang: str) -> str:
        """The problem in plain words for the person ("" when there was none)."""
        from exposurecheck.core.i18n import tr

        return tr(f"settings.problem.{self.problem}", lang) if self.problem else ""


def settings_path() -> Path:
    return paths.config_dir() / SETTINGS_FILE_NAME


def load_settings(path: Path | None = None) -> LoadedSettings:
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as exc:
        log.info("settings could not be read (%s); using defaults", type(exc).__name__)
        return LoadedSettings(Settings(), problem="unreadable")
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a settings file")
    except (ValueError, UnicodeDecodeError):
        try:
            moved = set_aside(path, "damaged")
        except OSError:
            log.info("damaged settings file could not be moved; using defaults")
            return LoadedSettings(Settings(), problem="damaged_kept")
        log.info("damaged settings file set aside; using defaults")
        return LoadedSettings(Settings(), moved, problem="damaged")
    return LoadedSettings(_from_json(data))


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write `settings`; raises `UserError("vault.settings_write_failed")` and keeps the old file if that fails."""
    path = path or settings_path()
    body = json.dumps(_to_json(_validated(settings)), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    try:
        write_private_atomic(path, body.encode("utf-8"))
    except OSError as exc:
        raise UserError("vault.settings_write_failed") from exc
    return path


def _to_json(settings: Settings) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": 1,
        "language": settings.language,
        "sources": list(settings.sources),
        "offline_only": settings.offline_only,
        "consent_given": settings.consent_given,
        "phone_region": settings.phone_region,
    }


def _validated(settings: Settings) -> Settings:
    """Refuse values that would not load back the same (a bug in the caller, so a plain ValueError)."""
    if _from_json(_to_json(settings)) != settings:
        raise ValueError("settings value out of range")
    return settings


def _from_json(data: dict[str, Any]) -> Settings:
    defaults = Settings()
    language = data.get("language")
    if language not in (None, *LANGUAGES):
        language = defaults.language
    sources = data.get("sources")
    if not (
        isinstance(sources, list)
        and len(sources) <= _MAX_SOURCES
        and all(isinstance(s, str) and 0 < len(s) <= _MAX_SOURCE_CHARS for s in sources)
    ):
        sources = list(defaults.sources)
    region = data.get("phone_region")
    if not (isinstance(region, str) and _REGION.match(region)):
        region = defaults.phone_region
    return Settings(
        language=language,
        sources=tuple(sources),
        offline_only=_bool(data.get("offline_only"), defaults.offline_only),
        consent_given=_bool(data.get("consent_given"), defaults.consent_given),
        phone_region=region,
    )


def _bool(value: object, default: bool) -> bool:
    return value if isinstance(value, bool) else default
