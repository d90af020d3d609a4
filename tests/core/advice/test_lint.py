"""The advice linter NGOs run on their own files: passes on ours, fails on broken or mismatched files."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
