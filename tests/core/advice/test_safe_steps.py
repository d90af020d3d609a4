"""Issue 14.1 and 14.2 in both languages: the anti-fraud app is a choice, said plainly (who makes it, what it asks
for, that 96110 calls and 12381 texts come without it, that it is for mainland numbers); the fake-police warning
names today's scripts and tells a person who really reported a case how to check a call."""

from __future__ import annotations

import pytest

from exposurecheck.core.advice.content import Entry, bundled_entries

# What each entry must say, per language: a list of alternatives for each point (any one will do).
APP_POINTS = {
    "en": {
        "who makes it": ["Ministry of Public Security"],
        "what it asks for": ["ID number"],
        "a choice": ["consider", "your choice", "choice is yours"],
        "96110 without it": ["without any app"],
        "12381 without it": ["12381"],
    },
    "zh_CN": {
        "who makes it": ["公安部"],
        "what it asks for": ["身份证号"],
        "a choice": ["可以考虑"],
        "96110 without it": ["不装任何App"],
        "12381 without it": ["12381"],
    },
}
MAINLAND = {"en": "mainland", "zh_CN": "大陆"}
POLICE_SCRIPTS = {
    "en": ["money laundering", "safe account", "video call", "uniform", "tell no one", "hotel"],
    "zh_CN": ["洗钱", "安全账户", "视频", "警服", "保密", "酒店"],
}
CALL_BACK = {"en": ["really reported", "police station back", "number you find yourself"],
             "zh_CN": ["真的报过案", "派出所", "号码要自己查"]}


def _entry(lang: str, code: str) -> Entry:
    return next(e for e in bundled_entries(lang) if e.code == code)


def _text(entry: Entry) -> str:
    return " ".join([entry.title, entry.summary, entry.why, *(s.text for s in entry.steps)])


def missing_points(text: str, points: dict[str, list[str]]) -> list[str]:
    return [point for point, words in points.items() if not any(w.lower() in text.lower() for w in words)]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("code", ["P-05", "B-01"])
def test_the_anti_fraud_app_is_a_choice_said_plainly(lang: str, code: str) -> None:
    text = _text(_entry(lang, code))
    assert missing_points(text, APP_POINTS[lang]) == []
    assert MAINLAND[lang] in text  # it is meant for mainland numbers


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_installing_the_app_is_never_the_first_step(lang: str) -> None:
    steps = [s.text for s in _entry(lang, "P-05").steps]
    first_app = next(i for i, text in enumerate(steps) if "国家反诈中心" in text)
    assert first_app > 0 and "96110" in steps[0]  # answering 96110 comes first; the app is explained later


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_fake_police_warning_names_todays_scripts_and_how_to_check_a_real_call(lang: str) -> None:
    entry = _entry(lang, "S-02")
    assert entry.when == "today"
    text = _text(entry)
    assert [script for script in POLICE_SCRIPTS[lang] if script.lower() not in text.lower()] == []
    assert [words for words in CALL_BACK[lang] if words.lower() not in text.lower()] == []


def test_a_missing_point_is_found() -> None:
    assert missing_points("Install the app now.", APP_POINTS["en"]) == [
        "who makes it", "what it asks for", "a choice", "96110 without it", "12381 without it"
    ]


# Issue 14.5: the facts CONTENT-RESEARCH.md marks P or U, each with words in the text that state it, and how the
# text says it is not sure (the lint's hedges, plus "older guides" for what 110.qq.com did once).
SOFT_FACTS = [
    ("P-02", "service password", "服务密码", "summary"),
    ("P-02", "carrier's official app", "运营商的官方App", "step"),
    ("M-02", "Account and Security", "“账号与安全”，修改支付密码", "step"),  # the Alipay menu path
    ("M-02", "Login Device Management", "登录设备管理", "step"),  # the WeChat menu path
    ("M-02", "110.qq.com", "110.qq.com", "step"),
    ("P-03", "emergency stop", "紧急止付", "step"),
    ("I-05", "一键查卡", "一键查卡", "step"),
    ("P-05", "ID number", "身份证号", "step"),
]
EXTRA_HEDGES = {"en": ("older guides",), "zh_CN": ("旧的指南",)}


def _hedged(text: str, lang: str) -> bool:
    from exposurecheck.core.advice.lint import _HEDGES

    return bool(_HEDGES[lang].search(text)) or any(h in text for h in EXTRA_HEDGES[lang])


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize(("code", "en_words", "zh_words", "where"), SOFT_FACTS)
def test_each_partly_confirmed_fact_is_worded_softly_where_it_is_said(
    lang: str, code: str, en_words: str, zh_words: str, where: str
) -> None:
    entry = _entry(lang, code)
    words = en_words if lang == "en" else zh_words
    texts = [entry.summary] if where == "summary" else [s.text for s in entry.steps]
    saying = [text for text in texts if words in text]
    assert saying, (code, words)  # the fact is still there to be checked
    assert all(_hedged(text, lang) for text in saying), saying
