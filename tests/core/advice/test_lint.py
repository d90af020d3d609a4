"""The advice linter NGOs run on their own files: passes on ours, fails on broken or mismatched files."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exposurecheck.core.advice.lint import lint_documents
from exposurecheck.resources import resource_path

ROOT = Path(__file__).resolve().parents[3]


def _doc(lang: str) -> dict[str, Any]:
    return json.loads(resource_path("advice", f"entries.{lang}.json").read_text(encoding="utf-8"))


def test_bundled_files_are_clean() -> None:
    assert lint_documents([_doc("en"), _doc("zh_CN")]) == []


def test_problems_are_reported() -> None:
    en, zh = _doc("en"), _doc("zh_CN")
    en["entries"][0]["why"] = " ".join(["word"] * 45) + "."
    zh["entries"][1]["title"] = "不要把SMS验证码告诉别人"
    zh["entries"][2]["when"] = "ongoing" if zh["entries"][2]["when"] != "ongoing" else "today"
    del zh["entries"][3]
    problems = lint_documents([en, zh])
    text = "\n".join(problems)
    assert "words" in text
    assert "SMS" in text
    assert "when differs between languages" in text
    assert "only in one language" in text
    broken = copy.deepcopy(en)
    broken["entries"][0]["severity"] = "extreme"
    assert any("document 1" in p for p in lint_documents([broken]))


def test_command_line(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "server")]))
    ours = [str(resource_path("advice", f"entries.{lang}.json")) for lang in ("en", "zh_CN")]
    ok = subprocess.run(
        [sys.executable, "-m", "exposurecheck.core.advice.lint", *ours], env=env, capture_output=True, check=False
    )
    assert ok.returncode == 0, ok.stdout
    bad = tmp_path / "ngo.json"
    entry = _doc("en")["entries"][0]
    entry["summary"] = "<b>Bold</b>"
    bad.write_text(json.dumps({"lang": "en", "entries": [entry]}), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "exposurecheck.core.advice.lint", str(bad)], env=env, capture_output=True, check=False
    )
    assert result.returncode == 1
    assert b"damaged or incomplete" in result.stdout


def _entry(doc: dict[str, Any], entry_id: str) -> dict[str, Any]:
    return next(e for e in doc["entries"] if e["id"] == entry_id)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_default_pin_before_the_lockout_warning_fails(lang: str) -> None:
    # The bad entry of issue 14: "enter 1234" first, the warning that 3 wrong PINs lock the card only at the end.
    doc = _doc(lang)
    sim = _entry(doc, "phone.sim_pin")
    warning, *rest = sim["steps"]
    assert "PUK" in warning["text"]
    sim["steps"] = [*rest, warning]
    problems = lint_documents([doc])
    assert any("phone.sim_pin" in p and "default PIN" in p for p in problems), problems
    # No warning at all is just as bad.
    sim["steps"] = rest
    assert any("default PIN" in p for p in lint_documents([doc]))


def test_the_warning_may_share_a_step_with_the_pin_if_it_comes_first() -> None:
    doc = _doc("en")
    sim = _entry(doc, "phone.sim_pin")
    warning_first = "After 3 wrong PINs the card asks for its PUK code, so try the default (usually 1234) once only."
    sim["steps"] = [{"text": warning_first, "platform": None}]
    assert lint_documents([doc]) == []
    sim["steps"][0]["text"] = "Try the default (usually 1234) once: after 3 wrong PINs the card asks for its PUK code."
    assert any("default PIN" in p for p in lint_documents([doc]))


def test_a_pin_that_is_not_a_default_does_not_need_the_warning() -> None:
    doc = _doc("en")
    birthday = _entry(doc, "id.birthday")
    assert "123456" in " ".join(s["text"] for s in birthday["steps"])  # 123456 is not 1234
    assert lint_documents([doc]) == []


def test_a_hotline_number_is_not_a_default_pin() -> None:
    # An NGO's own entry (docs/advice.md's example helpline is 400-000-0000) was refused as "a default PIN".
    doc = _doc("en")
    birthday = _entry(doc, "id.birthday")
    for hotline in ("400-000-0000", "010-1234-5678", "400 810 1234", "0000 1234 5678"):
        birthday["steps"] = [{"text": f"Call our helpline on {hotline} between 9 and 6.", "platform": None}]
        assert lint_documents([doc]) == [], hotline
    birthday["steps"] = [{"text": "Type the default PIN 0000 - it is printed on the card.", "platform": None}]
    assert any("default PIN" in p for p in lint_documents([doc]))  # a PIN beside a dash is still a PIN


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_an_unconfirmed_entry_must_be_worded_softly(lang: str) -> None:
    doc = _doc(lang)
    firm = {
        "en": ("Carriers check it.", "Do it.", "It works."),
        "zh_CN": ("运营商会核对它。", "去做。", "做好了。"),
    }[lang]
    entry = _entry(doc, "phone.service_password")
    assert entry["review"] == "P"
    entry.update(summary=firm[0], why=firm[0], done_check=firm[2], steps=[{"text": firm[1], "platform": None}])
    entry["title"] = "Service password" if lang == "en" else "服务密码"
    assert any("worded softly" in p for p in lint_documents([doc]))
    entry["review"] = "V"
    entry["sources"] = [{"text": s["text"], "review": "V"} for s in entry["sources"]]
    assert not any("worded softly" in p for p in lint_documents([doc]))


def test_marks_and_help_labels_are_checked() -> None:
    en, zh = _doc("en"), _doc("zh_CN")
    _entry(zh, "scam.fake_police")["review"] = "V"
    _entry(zh, "records.police_case")["help"][1]["label"] = "Access Now 求助热线（面向公民社会）"
    problems = "\n".join(lint_documents([en, zh]))
    assert "scam.fake_police: confirmation marks differ between languages" in problems
    assert "neutral label" in problems


def test_a_number_or_code_lost_in_one_language_is_drift() -> None:
    # Issue 14.6: English and Chinese say the same thing. A translator who drops the "3" of "3 wrong PINs", a
    # hotline, or the "(P-03)" a step points to has changed what the step says.
    en, zh = _doc("en"), _doc("zh_CN")
    sim = _entry(zh, "phone.sim_pin")
    sim["steps"][0]["text"] = sim["steps"][0]["text"].replace("连续输错3次", "连续输错三次")
    police = _entry(zh, "scam.fake_police")
    police["steps"][-1]["text"] = police["steps"][-1]["text"].replace("（P-03）", "")
    problems = lint_documents([en, zh])
    assert "phone.sim_pin: step 1 names 3 in one language only" in problems, problems
    assert any(p.startswith("scam.fake_police: step 6 names P-03") for p in problems), problems
    assert len(problems) == 2  # nothing else in the two files differs


def test_the_same_number_twice_in_one_language_is_not_drift() -> None:
    # The Chinese 12381 step says "12381" twice where the English says it once: the same fact, not drift.
    en, zh = _doc("en"), _doc("zh_CN")
    step = next(s for s in _entry(zh, "phone.antifraud_app")["steps"] if s["text"].count("12381") == 2)
    assert step  # the case this test is about is still in the files
    assert lint_documents([en, zh]) == []


def test_a_help_number_that_differs_between_languages_is_drift() -> None:
    en, zh = _doc("en"), _doc("zh_CN")
    _entry(zh, "phone.sim_pin")["help"][0]["phone"] = "10087"  # a typo in one language's hotline
    assert lint_documents([en, zh]) == ["phone.sim_pin: help numbers or addresses differ between languages"]
