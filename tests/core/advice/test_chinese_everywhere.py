"""Issue 14.6/14.7 for every Chinese sentence the app can show from its bundled data, not only the advice bodies the
readability test reads: the message catalogs, the advice entries' help-link labels and source lines, the breach
catalog, the data-class labels, the questionnaire and the demo identities. Each is checked for the words mainland
readers should not see (您, 上网地址, 公民社会, a bank card 冻结; `readability.ZH_AVOID`) and for ASCII ,;:?! after
Chinese text. And no English text in that data guesses a plural with brackets ("leak(s)"): counted words come from
the translation data's plural forms."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exposurecheck.core.advice.readability import ASCII_PUNCT_AFTER_CJK, chinese_wording_problems
from exposurecheck.resources import resource_path

ZH_KEYS = ("zh_CN", "title_zh", "description_zh", "label_zh", "name_zh")
BRACKETED_PLURAL = re.compile(r"\w\((?:s|es)\)")


def _strings(value: Any, where: str, chinese: bool) -> Iterator[tuple[str, str, bool]]:
    """Every string in a JSON value a reader sees, and whether it is Chinese: all of a *.zh_CN.json file
    (`chinese`), else what sits under a Chinese key (`ZH_KEYS`)."""
    if isinstance(value, str):
        yield where, value, chinese
    elif isinstance(value, dict):
        for key, item in value.items():
            if not key.startswith("_"):  # "_comment" is for the people who edit the file
                yield from _strings(item, f"{where}.{key}", chinese or key in ZH_KEYS)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]", chinese)


def _texts(root: Path) -> list[tuple[str, str, bool]]:
    found = []
    for path in sorted(root.rglob("*.json")):
        if path.name == "schema.json":
            continue
        document = json.loads(path.read_text(encoding="utf-8"))
        found += _strings(document, str(path.relative_to(root)), path.name.endswith(".zh_CN.json"))
    return found


def chinese_texts(root: Path) -> list[tuple[str, str]]:
    return [(where, text) for where, text, chinese in _texts(root) if chinese]


def english_texts(root: Path) -> list[tuple[str, str]]:
    return [(where, text) for where, text, chinese in _texts(root) if not chinese]


def problems(texts: list[tuple[str, str]]) -> list[str]:
    found = []
    for where, text in texts:
        found += [f"{where}: {problem}" for problem in chinese_wording_problems(text)]
        if ASCII_PUNCT_AFTER_CJK.search(text):
            found.append(f"{where}: ASCII punctuation in Chinese text: {text[:30]}")
    return found


def test_every_bundled_chinese_text_reads_as_written_for_mainland_readers() -> None:
    texts = chinese_texts(resource_path("i18n").parent)
    places = {where.split(".json")[0] for where, _ in texts}
    # The reader really finds every kind of file it is meant to check.
    for expected in ("i18n/gui.zh_CN", "advice/entries.zh_CN", "catalog/breaches", "catalog/data_classes",
                     "presumed/questions", "training/identities"):
        assert expected in places, expected
    assert any(".help[" in where and ".label" in where for where, _ in texts)  # the help-link labels
    assert problems(texts) == []


def test_the_check_finds_each_kind_of_mistake(tmp_path: Path) -> None:
    (tmp_path / "advice").mkdir()
    bad_entry = {"entries": [{"help": [{"label": "公民社会组织热线"}], "steps": [{"text": "请您打开设置,然后重试"}]}]}
    (tmp_path / "advice" / "entries.zh_CN.json").write_text(json.dumps(bad_entry, ensure_ascii=False), "utf-8")
    catalog = {"breaches": [{"title_en": "Bank cards, frozen", "title_zh": "银行卡冻结了",
                             "description_zh": "记录了上网地址"}]}
    (tmp_path / "breaches.json").write_text(json.dumps(catalog, ensure_ascii=False), "utf-8")
    questions = {"_comment": "您 may appear in a comment for editors", "questions": [{"text": {"zh_CN": "你好吗?"}}]}
    (tmp_path / "questions.json").write_text(json.dumps(questions, ensure_ascii=False), "utf-8")
    found = problems(chinese_texts(tmp_path))
    joined = "\n".join(found)
    assert "公民社会" in joined and "您" in joined and "上网地址" in joined and "冻结" in joined
    assert sum("ASCII punctuation" in p for p in found) == 2  # "设置," and "吗?"
    assert not any("_comment" in p for p in found)
    assert not any("title_en" in p for p in found)  # English fields are not read as Chinese


def test_no_bundled_english_text_guesses_a_plural_with_brackets(tmp_path: Path) -> None:
    texts = english_texts(resource_path("i18n").parent)
    assert any("entries.en.json" in where for where, _ in texts) and any("breaches" in w for w, _ in texts)
    assert [f"{where}: {text}" for where, text in texts if BRACKETED_PLURAL.search(text)] == []
    made_up = {"breaches": [{"description_en": "2 leak(s) of address(es)", "description_zh": "泄露(s)"}]}
    (tmp_path / "breaches.json").write_text(json.dumps(made_up), "utf-8")
    assert [w for w, text in english_texts(tmp_path) if BRACKETED_PLURAL.search(text)] == [
        "breaches.json.breaches[0].description_en"
    ]
