"""`exposure-check gui --self-test` and `--screenshots`, run as the installer and CI run them: in a subprocess,
offscreen, with no network and no configuration."""

from __future__ import annotations

import struct

from tests.conftest import run_cli


def _png_size(path):
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_self_test_passes_on_the_demo_pack():
    result = run_cli("gui", "--self-test", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test: OK" in result.stdout


def test_self_test_fails_when_the_demo_pack_is_damaged(tmp_path):
    # A copy of the resources with a truncated demo pack: the smoke test must notice, not pass regardless.
    import shutil

    from tests.conftest import REPO

    resources = tmp_path / "resources"
    shutil.copytree(REPO / "resources", resources)
    pack = resources / "packs" / "demo.ecpack"
    pack.write_bytes(pack.read_bytes()[:200])
    result = run_cli("gui", "--self-test", env={"QT_QPA_PLATFORM": "offscreen",
                                                "EXPOSURECHECK_RESOURCES": str(resources)})
    assert result.returncode == 1
    assert "self-test: FAIL" in result.stderr
    assert "+86" not in result.stderr and "@" not in result.stderr  # no identifier in what it prints


def test_screenshots_of_every_screen_in_both_languages(tmp_path):
    result = run_cli("gui", "--screenshots", str(tmp_path / "shots"), env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    for lang in ("en", "zh_CN"):
        for screen in ("01-welcome", "02-details-training", "03-consent", "04-checking", "04-checking-unreachable",
                       "05-results-1024x768", "06-sent", "07-guided", "08-questions", "09-presumed-results",
                       "10-saved", "10-saved-empty",
                       # issue 12: the no-data path, the unknown-publisher dialog, the wipe question, guided mode
                       # after "Done", a focused top-bar button, an open drop-down list, "End session" said
                       "11-no-data-results", "12-unknown-publisher", "13-wipe-confirm", "07-guided-after-done",
                       "14-focus-top-bar", "15-combo-open", "16-session-ended",
                       # guided mode on the no-data path: a presumed step, marked, with the way to a real check
                       "11-no-data-guided",
                       # "Don't use it" on that file's question, and a damaged settings file said at start
                       "12-declined-publisher-results", "01-welcome-settings-damaged"):
            assert f"{lang}-{screen}.png" in names
    for name in ("en-01-welcome.png", "zh_CN-05-results-1024x768.png", "zh_CN-12-unknown-publisher.png"):
        assert _png_size(tmp_path / "shots" / name) == (1024, 768), name
    _full_w, full_h = _png_size(tmp_path / "shots" / "zh_CN-05-results-1024x768-full.png")
    assert full_h > 768, "the whole results page, not just the first screen"


def test_gui_command_is_registered_with_its_options():
    result = run_cli("gui", "--help")
    assert result.returncode == 0
    for option in ("--self-test", "--screenshots", "--lang"):
        assert option in result.stdout


def test_self_test_in_chinese():
    result = run_cli("gui", "--self-test", "--lang", "zh_CN", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_arguments_means_the_gui(monkeypatch):
    """`exposure-check` alone runs the `gui` command (checked through the parser, without opening a window)."""
    from exposurecheck.cli import gui_cmd, main

    seen = {}
    monkeypatch.setattr(gui_cmd, "run", lambda args: seen.setdefault("args", args) and 0)
    parser = main.build_parser()
    args = parser.parse_args(["gui"])
    assert args.func is not None
    assert main.main([]) == 0
    assert seen["args"].command == "gui" and seen["args"].gui_lang is None


def test_no_display_gives_a_plain_message_not_a_qt_abort():
    from tests.conftest import cli_env

    env = cli_env()
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "exposurecheck", "gui", "--lang", "zh_CN"], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "找不到可以显示窗口的屏幕" in result.stderr
    assert "Traceback" not in result.stderr and "qt.qpa" not in result.stderr
