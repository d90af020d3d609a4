"""Issue 12.2 for a data file from a publisher this app does not know yet: the person already holds the file, so the
way to a real check is confirming its publisher, never "ask the organisation for its data file". The command line
names `exposure-check trust add FILE.pub` after comparing the fingerprint; the plan's own note (the window, a case
sheet) says it in plain words, without a command. Real CLI processes in a throwaway home, a real signed data file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exposurecheck.core.advice import plan_for_report
from exposurecheck.core.check import check
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.report import Reason
from exposurecheck.core.sources.pack import PackSource
from exposurecheck.core.trust.publisher_keys import format_public_key
from tests.conftest import run_cli
from tests.core.packs.conftest import PLANTED, BuiltPack, make_pack

PHONE = PLANTED[0].canonical
ASK_FOR_A_FILE = {"en": "ask the organisation that gave you this app for its data file", "zh_CN": "要它的数据文件"}


@pytest.fixture
def unknown(tmp_path: Path) -> tuple[BuiltPack, Path, dict[str, str]]:
    """A data file signed by a key nobody added, its publisher's key file, and a fresh HOME."""
    built = make_pack(tmp_path / "stick", count=200)
    pub = tmp_path / "publisher.pub"
    pub.write_text(format_public_key(built.public_key, "the organisation's key"), encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    return built, pub, {"HOME": str(home)}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_way_forward_is_to_confirm_the_publisher(lang: str, unknown: tuple[BuiltPack, Path, dict]) -> None:
    built, _pub, home = unknown
    result = run_cli("check", "--phone", PHONE, "--source", f"pack={built.path}", "--lang", lang, env=home)
    out = result.stdout
    assert result.returncode == 3, result.stderr  # the only source that could check it failed
    assert tr("outcome.reason.unknown_publisher", lang) in out  # the value's own line says why
    assert ASK_FOR_A_FILE[lang] not in out.lower()
    assert tr("outcome.cli.confirm_publisher", lang) in out
    assert "exposure-check trust add" in tr("outcome.cli.confirm_publisher", lang)
    assert "您" not in out


def test_after_trust_add_the_same_file_checks_the_value(unknown: tuple[BuiltPack, Path, dict]) -> None:
    built, pub, home = unknown
    before = json.loads(run_cli("check", "--phone", PHONE, "--source", f"pack={built.path}", "--json", env=home).stdout)
    assert [(i["status"], i["reason_code"]) for i in before["identifiers"]] == [("not_checked", "unknown_publisher")]
    assert run_cli("trust", "add", "--yes", str(pub), env=home).returncode == 0  # what the note tells them to run
    after = json.loads(run_cli("check", "--phone", PHONE, "--source", f"pack={built.path}", "--json", env=home).stdout)
    assert [i["status"] for i in after["identifiers"]] == ["found"]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_plans_own_note_says_it_in_plain_words(lang: str, tmp_path: Path) -> None:
    built = make_pack(tmp_path / "stick", count=200)
    phone = Identifier(IdentifierType.PHONE, PHONE)
    report = check([phone], [PackSource(built.path)])  # nobody trusts its publisher
    assert report.identifiers[0].reason is Reason.UNKNOWN_PUBLISHER
    note = plan_for_report(report, lang).unchecked_note
    assert note == tr("outcome.note.confirm_publisher", lang)
    assert "exposure-check" not in note and ".pub" not in note  # a window or a printed sheet names no command
    # A person turned the file down (the window's "Don't use it"): the same way forward.
    declined = check([phone], [], held_back={IdentifierType.PHONE: Reason.UNKNOWN_PUBLISHER})
    assert plan_for_report(declined, lang).unchecked_note == note
    # With no data file at all, asking the organisation for one stays the way.
    empty = check([phone], [])
    assert plan_for_report(empty, lang).unchecked_note == tr("outcome.note.real_check", lang)
