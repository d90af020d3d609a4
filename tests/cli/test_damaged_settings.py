"""A damaged or unreadable settings file is said to the person once, in their language (--lang, else the locale),
without a path (the settings folder's name may name the person), and the check still runs with the defaults.
Real CLI processes in a throwaway home."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exposurecheck.core.i18n import tr
from tests.conftest import run_cli

DEMO_PHONE = "13800138000"  # in the demo data


def check(home: Path, *extra: str, env: dict[str, str] | None = None):
    return run_cli("check", "--source", "demo", "--phone", DEMO_PHONE, "--json", *extra,
                   env={"HOME": str(home), **(env or {})})  # fmt: skip


@pytest.mark.parametrize(("how", "lang"), [
    (("--lang", "en"), "en"),
    (("--lang", "zh_CN"), "zh_CN"),
    ((), "zh_CN"),  # no --lang: the locale says Chinese
])  # fmt: skip
def test_a_damaged_settings_file_is_said_once_in_the_persons_language(
    app_dirs: dict[str, Path], tmp_path: Path, how: tuple[str, ...], lang: str
) -> None:
    settings = app_dirs["config"] / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text('{"format": "exposurecheck.settings", "sources": [', encoding="utf-8")
    result = check(tmp_path, *how, env={"LANG": "zh_CN.UTF-8"} if not how else None)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["identifiers"][0]["status"] == "found"  # the defaults were used
    assert result.stderr == tr("settings.problem.damaged", lang) + "\n"
    assert "/" not in result.stderr and str(tmp_path) not in result.stderr and "settings.json" not in result.stderr
    assert "WARNING" not in result.stderr
    assert not settings.exists() and any(p.name.startswith("settings.json.damaged-") for p in settings.parent.iterdir())
    again = check(tmp_path, *how)
    assert again.stderr == ""  # said once: the file was put aside


def test_an_unreadable_settings_file_is_said_plainly(app_dirs: dict[str, Path], tmp_path: Path) -> None:
    unreadable = app_dirs["config"] / "settings.json"
    unreadable.mkdir(parents=True)  # a folder where the file should be: reading it fails even for root
    result = check(tmp_path, "--lang", "zh_CN")
    assert result.returncode == 0
    assert result.stderr == tr("settings.problem.unreadable", "zh_CN") + "\n"


def test_verbose_keeps_the_developers_line_in_english(app_dirs: dict[str, Path], tmp_path: Path) -> None:
    settings = app_dirs["config"] / "settings.json"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_bytes(b"\xff\xfe not json")
    result = run_cli("--verbose", "check", "--source", "demo", "--phone", DEMO_PHONE, "--lang", "zh_CN",
                     env={"HOME": str(tmp_path)})  # fmt: skip
    assert "INFO damaged settings file set aside" in result.stderr
    assert tr("settings.problem.damaged", "zh_CN") in result.stderr
    assert "/" not in result.stderr.replace("INFO", "")
