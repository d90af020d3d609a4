"""Issue 12.1/12.2 and its first done-when line, in the window as the command line does it: a fresh install (nothing
in settings, no data file, no consent to go online), a phone number and an ID number typed. The window goes
straight to the results, with no "not everything could be checked" page; each detail is "not checked" with the same
words the command line prints; the plan holds the same steps as `check --json`'s advice, the phone and ID steps
marked as presumed; "do these N things today" counts what the command line counts; the one way to a real check is
there; nothing speaks of networks or of an "offline only" that was never on."""

from __future__ import annotations

import json
import re

import pytest

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.choice import default_factory
from exposurecheck.gui.settings_link import link_settings
from tests.conftest import run_cli

PHONE, CN_ID = "13800138000", "11010519491231002X"
NETWORK_WORDS = {"en": ("network", "internet", "offline", "online", "connect"),
                 "zh_CN": ("网络", "联网", "互联网", "离线", "在线", "连接")}


def _cli(lang: str, *more: str) -> str:
    result = run_cli("check", "--phone", PHONE, "--cn-id", CN_ID, "--lang", lang, *more)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_data_in_the_window_says_what_the_command_line_says(qtbot, make_window, lang) -> None:  # type: ignore[no-untyped-def]
    window = make_window(default_factory, lang=lang)
    link_settings(window)  # as the app does at start: settings (here: none) decide the sources
    window.show_page(window.welcome)
    window.welcome.start_button.click()
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE)
    window.details.fields[IdentifierType.CN_ID].edit.setText(CN_ID)
    pages = []
    window.stack.currentChanged.connect(lambda _index: pages.append(window.current_page()))
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=20_000)
    assert window.consent not in pages, "nothing would be sent, so nothing to consent to"
    assert pages[-1] is window.results
    assert not window.checking.problem.text(), "no source failed: nothing to report on the checking page"

    report = json.loads(_cli(lang, "--json"))
    text = _cli(lang)
    results = window.results
    # Each detail: not checked, and why, in the command line's words.
    assert [i["status"] for i in report["identifiers"]] == ["not_checked", "not_checked"]
    lines = [line.text() for line in results.statuses.lines]
    assert len(lines) == 2
    for line in lines:
        assert line in text.splitlines(), line
    # The same steps, the same ones presumed, the phone's and the ID's among them.
    plan = window.session.plan
    assert plan is not None
    window_steps = [(item.code, item.presumed) for item in plan.items()]
    cli_steps = [(a["code"], a["presumed"]) for a in report["advice"]]
    assert sorted(window_steps) == sorted(cli_steps)
    presumed = {code for code, is_presumed in cli_steps if is_presumed}
    assert {"P-01", "P-02", "I-01"} <= presumed
    # "Do these N things today": the same N.
    in_window = re.search(r"\d+", results.today.heading.text())
    in_cli = re.search(r"(?:Do these|今天先做这)\s*(\d+)", text)
    assert in_window and in_cli and int(in_window.group(0)) == int(in_cli.group(1)) == len(results.today.lines)
    # The way to a real check, and no network advice where the network was not the cause.
    note = results.notes.text()
    assert ("ask the organisation" in note) if lang == "en" else ("机构" in note and "数据文件" in note)
    shown = " ".join([results.verdict.text.text(), note, *lines]).lower()
    assert not [w for w in NETWORK_WORDS[lang] if w in shown], shown
