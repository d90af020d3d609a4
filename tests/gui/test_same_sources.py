"""The window and `exposure-check check` choose the same sources for the same settings, and give each typed
identifier the same answer (issue 13.1): both ask `core.sources.choice`. The window is the real one, offscreen,
with the app's own settings link; the command line is a real subprocess sharing its config folder. Cases: defaults,
settings, offline only (from settings, or ticked / --offline-only), a confirmed profile, training mode and a data file
opened by hand."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import SourceState
from exposurecheck.core.settings import Settings, save_settings
from exposurecheck.core.sources.choice import default_factory
from exposurecheck.core.sources.pack import demo_pack_path
from exposurecheck.core.trust import profile as prof
from exposurecheck.gui.settings_link import link_settings
from tests.conftest import run_cli
from tests.gui.conftest import PASSWORD, range_body
from tests.support.loopback import Loopback, Reply, loopback_server

DEMO_PHONE = "+8613800138000"  # demo person A: in the bundled demo pack
TYPED = {IdentifierType.PHONE: DEMO_PHONE, IdentifierType.CN_ID: "11010519491231002X"}


@pytest.fixture
def pwned() -> Iterator[Loopback]:
    with loopback_server() as server:
        server.set("/range/", Reply(200, range_body(PASSWORD, 4321)))
        yield server


def _profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **fields) -> None:
    """A signed NGO profile whose key was confirmed on this computer (the store both the window and CLI read)."""
    path = tmp_path / prof.FILE_NAME
    body = prof.ProfileBody(name_en="Safe Lines Network", **fields)
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    prof.confirm(prof.load_profile(path))
    monkeypatch.setenv(prof.ENV_PROFILE, str(path))


@dataclass(frozen=True)
class Same:
    """What one case puts on each side: whether a password is typed, the person's doing in the window before the
    check (training on, a data file opened by hand), and the command line's counterpart of that doing."""

    password: bool = False
    in_window: Callable[[Any], None] | None = None
    cli_args: tuple[str, ...] = ()
    cli_settings: Settings | None = None  # settings to put back before the command line runs


SETUPS: dict[str, Callable[[Path, pytest.MonkeyPatch, str], Same]] = {}


def setup(name: str):  # type: ignore[no-untyped-def]
    def register(function):  # type: ignore[no-untyped-def]
        SETUPS[name] = function
        return function

    return register


@setup("defaults")
def _defaults(_tmp: Path, _mp: pytest.MonkeyPatch, _url: str) -> Same:
    return Same()  # nothing in settings: Pwned Passwords (no password typed: nothing to send) and no pack found


@setup("settings say demo")
def _demo(_tmp: Path, _mp: pytest.MonkeyPatch, _url: str) -> Same:
    save_settings(Settings(sources=("demo",)))
    return Same()


@setup("settings say offline only")
def _offline(_tmp: Path, _mp: pytest.MonkeyPatch, url: str) -> Same:
    save_settings(Settings(sources=(f"hibp-passwords={url}", "demo"), offline_only=True))
    return Same(password=True)


@setup("online with consent")
def _online(_tmp: Path, _mp: pytest.MonkeyPatch, url: str) -> Same:
    save_settings(Settings(sources=(f"hibp-passwords={url}", "demo")))
    return Same(password=True)


@setup("a confirmed profile's defaults")
def _profile_defaults(tmp: Path, mp: pytest.MonkeyPatch, url: str) -> Same:
    _profile(tmp, mp, default_sources=(f"hibp-passwords={url}", "demo"), offline_only=True)
    return Same(password=True)


@setup("the offline-only switch, ticked by the person")
def _switch(_tmp: Path, _mp: pytest.MonkeyPatch, url: str) -> Same:
    # Not from settings: ticked on the welcome page for this check, as --offline-only says it on the command line.
    # The window keeps the ticked switch in settings; they are put back first, so only --offline-only says it there.
    online = Settings(sources=(f"hibp-passwords={url}", "demo"))
    save_settings(online)
    return Same(password=True, in_window=lambda window: window.welcome.set_offline(True), cli_args=("--offline-only",),
                cli_settings=online)


@setup("training mode")
def _training(_tmp: Path, _mp: pytest.MonkeyPatch, url: str) -> Same:
    # Settings name the password service; training ignores them and uses the demo pack alone, as naming only the
    # demo source on the command line does (the command line has no training mode of its own).
    save_settings(Settings(sources=(f"hibp-passwords={url}",)))
    return Same(password=True, in_window=lambda window: window.set_training(True), cli_args=("--source", "demo"))


@setup("a data file opened by hand")
def _by_hand(_tmp: Path, _mp: pytest.MonkeyPatch, url: str) -> Same:
    # The window adds a file the person opened to the sources from settings; on the command line the same check
    # names both (a --source replaces the settings' list, so the settings' source is named again).
    save_settings(Settings(sources=(f"hibp-passwords={url}",)))
    path = str(demo_pack_path())
    return Same(password=True, in_window=lambda window: window.session.pack_files.append(path),
                cli_args=("--source", f"hibp-passwords={url}", "--source", f"pack={path}"))


def _window_answers(qtbot, make_window, same: Same):  # type: ignore[no-untyped-def]
    window = make_window(default_factory)
    link_settings(window)  # as the app does at start: offline only from settings (or the profile)
    window.session.online_consent = True  # the person said yes on the consent page
    if same.in_window is not None:
        same.in_window(window)
    window.show_page(window.details)
    for kind, value in TYPED.items():
        window.details.fields[kind].edit.setText(value)
    if same.password:
        window.details.fields[IdentifierType.PASSWORD].edit.setText(PASSWORD)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=20_000)
    report = window.session.report
    ran = [s.name for s in report.sources if s.state is not SourceState.SKIPPED]
    answers = [
        (s.type.value, s.hint, s.outcome.value, s.reason.value if s.reason else None) for s in report.identifiers
    ]
    return ran, answers


def _cli_answers(same: Same):  # type: ignore[no-untyped-def]
    args = ["check", "--phone", TYPED[IdentifierType.PHONE], "--cn-id", TYPED[IdentifierType.CN_ID], "--json"]
    args += same.cli_args
    password = same.password
    result = run_cli(*args, *(["--password-stdin"] if password else []), stdin=PASSWORD + "\n" if password else None)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    ran = [s["name"] for s in report["sources"] if s["status"] != "skipped"]
    answers = [(i["type"], i["hint"], i["status"], i["reason_code"]) for i in report["identifiers"]]
    return ran, answers


@pytest.mark.parametrize("name", list(SETUPS))
def test_window_and_command_line_choose_alike(qtbot, make_window, pwned, tmp_path, monkeypatch, name) -> None:
    same = SETUPS[name](tmp_path, monkeypatch, pwned.url)
    window = _window_answers(qtbot, make_window, same)
    if same.cli_settings is not None:
        save_settings(same.cli_settings)
    cli = _cli_answers(same)
    assert window == cli
    ran, answers = window
    assert len(answers) == len(TYPED) + same.password  # one answer per typed identifier
    if name in ("settings say offline only", "a confirmed profile's defaults",
                "the offline-only switch, ticked by the person"):
        assert ran == ["demo"] and answers[-1][3] == "offline_only"
        assert pwned.requests == []
    if name == "online with consent":
        assert ran == ["hibp-passwords", "demo"] and answers[-1][2] == "found"
    if name == "training mode":
        assert ran == ["demo"] and answers[-1][3] == "no_data"  # the password service in settings is not asked
        assert pwned.requests == []
    if name == "a data file opened by hand":
        assert ran == ["hibp-passwords", "demo"] and [a[2] for a in answers] == ["found", "found", "found"]
