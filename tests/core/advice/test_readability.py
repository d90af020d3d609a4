"""Plain language: English ≤ 20 words per sentence on average, Chinese short and free of English words."""

from __future__ import annotations

import re

import pytest

from exposurecheck.core.advice.content import Entry, bundled_entries
from exposurecheck.core.advice.readability import (
    MAX_TITLE_CHARS_ZH,
    MAX_TITLE_WORDS_EN,
    ZH_ALLOWED_LATIN,
    chinese_latin_words,
    chinese_problems,
    chinese_stats,
    chinese_wording_problems,
    english_problems,
    english_sentences,
    english_stats,
)
from exposurecheck.core.catalog import Breach, load_bundled_catalog
from tests.conftest import REPO


def _body(entry: Entry) -> list[str]:
    return [entry.summary, entry.why, *(s.text for s in entry.steps), entry.done_check]


@pytest.mark.parametrize("entry", bundled_entries("en"), ids=lambda e: e.code)
def test_english_entries_are_plain(entry: Entry) -> None:
    assert english_problems(_body(entry)) == []


@pytest.mark.parametrize("entry", bundled_entries("zh_CN"), ids=lambda e: e.code)
def test_chinese_entries_are_short_and_have_no_english(entry: Entry) -> None:
    assert chinese_problems([entry.title, *_body(entry)]) == []


def test_sentence_and_word_counter() -> None:
    assert english_sentences("Hang up. Call 110! Is it real? Yes") == ["Hang up.", "Call 110!", "Is it real?", "Yes"]
    stats = english_stats(["Open Settings, then SIM PIN.", "Don't use 1234."])
    assert (stats.sentences, stats.words) == (2, 8)


def test_english_checker_fails_on_long_sentences() -> None:
    long_sentence = " ".join(["word"] * 25) + "."
    assert english_problems([long_sentence]) != []  # average 25 > 20
    run_on = " ".join(["word"] * 40) + "."
    # Averaged with short sentences this passes the mean, but the single-sentence cap still catches it.
    assert english_problems([run_on, "Go.", "Go.", "Go."]) != []
    assert english_problems(["Hang up now.", "Call your bank."]) == []


def test_chinese_checker_fails_on_english_and_long_sentences() -> None:
    assert chinese_latin_words("不要把SMS验证码告诉别人，也不要点link。") == {"SMS", "link"}
    assert chinese_latin_words("打开www.12321.cn，设置SIM卡PIN码，安装App。") == set()
    assert chinese_problems(["不要把SMS验证码告诉别人。"]) != []
    assert chinese_problems(["这" * 80 + "。"]) != []
    assert chinese_problems(["马上挂断。"]) == []


def test_allow_list_is_small_and_documented() -> None:
    # docs/advice.md lists exactly these; growing the list needs a doc change too.
    expected = {"SIM", "PIN", "PUK", "App", "ID", "IP", "QQ", "CVV", "IMEI", "IMSI", "MAC", "AI"}
    assert expected == ZH_ALLOWED_LATIN
    docs = (REPO / "docs" / "advice.md").read_text(encoding="utf-8")
    listed = re.search(r"allow-list of terms[^:]*:\s*\*\*([^*]+)\*\*", docs)
    assert listed is not None
    assert {w.strip() for w in listed.group(1).split(",")} == expected


def test_reference_codes_and_addresses_are_not_untranslated_english() -> None:
    assert chinese_latin_words("先做“一证通查”（P-04），再看个人信用报告（I-02）。") == set()
    assert chinese_latin_words("方法见 IdentityTheft.gov。") == set()
    assert chinese_latin_words("打开Settings（P-04）") == {"Settings"}


@pytest.mark.parametrize(
    ("text", "instead"),
    [
        ("请您马上挂断。", "你"),
        ("IP地址（上网地址）泄露了。", "IP地址"),
        ("求助热线（面向公民社会）", "a neutral label"),
        ("打银行卡背面的电话，请银行冻结这张卡。", "挂失"),
        ("银行卡已经冻结。", "挂失"),
    ],
)
def test_mainland_wording_is_checked(text: str, instead: str) -> None:
    assert any(instead in p for p in chinese_problems([text]))


def test_mainland_wording_check_allows_the_right_words() -> None:
    for good in ("打银行卡背面的电话，办理挂失。", "在微信安全中心冻结账号。", "IP地址泄露了。"):
        assert chinese_wording_problems(good) == [], good


def test_chinese_checker_catches_ascii_punctuation() -> None:
    assert chinese_problems(["先挂断,再打回去核实。"]) != []
    assert chinese_problems(["真的是警察吗?不是。"]) != []
    assert chinese_problems(["先挂断，再打回去核实。网址是 https://www.12321.cn。"]) == []


@pytest.mark.parametrize("entry", bundled_entries("en"), ids=lambda e: e.code)
def test_english_titles_are_short(entry: Entry) -> None:
    assert english_stats([entry.title + "."]).words <= MAX_TITLE_WORDS_EN


@pytest.mark.parametrize("entry", bundled_entries("zh_CN"), ids=lambda e: e.code)
def test_chinese_titles_are_short(entry: Entry) -> None:
    assert chinese_stats([entry.title]).words <= MAX_TITLE_CHARS_ZH


@pytest.mark.parametrize("breach", list(load_bundled_catalog().values()), ids=lambda b: b.id)
def test_bundled_catalog_descriptions_are_plain(breach: Breach) -> None:
    assert english_problems([breach.description_en]) == []
    assert chinese_problems([breach.title_zh, breach.description_zh]) == []


def test_title_limits_can_fail() -> None:
    long_title = "Please take a moment to carefully review every one of your many online accounts today."
    assert english_stats([long_title]).words > MAX_TITLE_WORDS_EN
    assert chinese_stats(["请你今天抽出一点时间仔细检查一下你所有的网上账户和密码设置"]).words > MAX_TITLE_CHARS_ZH
