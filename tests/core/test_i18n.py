"""Every message exists in English and Simplified Chinese, with the same placeholders."""

from __future__ import annotations

import json
import re
import string

import pytest

from exposurecheck.core.advice.readability import ASCII_PUNCT_AFTER_CJK
from exposurecheck.core.i18n import (
    LANGUAGES,
    PLURAL_FORMS,
    Approx,
    approx_figure,
    catalog,
    normalize_lang,
    plural_key,
    tr,
)
from exposurecheck.core.report import sent_line
from exposurecheck.resources import resource_path

PLACEHOLDER = re.compile(r"{(\w+)}")
# After a Chinese character (or full-width punctuation), Chinese uses full-width ，；：？！ — never ASCII ,;:?!.
ASCII_PUNCT_IN_CHINESE = ASCII_PUNCT_AFTER_CJK


def _areas() -> dict[str, dict[str, dict[str, str]]]:
    areas: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(resource_path("i18n").glob("*.json")):
        area, lang = path.name[: -len(".json")].split(".", 1)
        areas.setdefault(area, {})[lang] = json.loads(path.read_text(encoding="utf-8"))
    return areas


def _general_keys(messages: dict[str, str]) -> set[str]:
    return {k for k in messages if plural_key(k) is None}


def test_every_area_has_both_languages_with_the_same_keys() -> None:
    areas = _areas()
    assert "core" in areas and "identifier" in areas
    for area, langs in areas.items():
        assert set(langs) == set(LANGUAGES), area
        for lang in LANGUAGES:  # every language, so a new one (CONTRIBUTING.md) is held to every key too
            assert _general_keys(langs[lang]) == _general_keys(langs["en"]), (area, lang)


def test_plural_forms_belong_to_a_message_and_only_where_the_language_has_them() -> None:
    for area, langs in _areas().items():
        for lang, messages in langs.items():
            for key, text in messages.items():
                base = plural_key(key)
                if base is None:
                    continue
                assert key.rsplit(".", 1)[1] in PLURAL_FORMS[lang], f"{area}:{key} ({lang})"
                assert base in messages, f"{area}:{key} has no general form"
                # A form may spell the number out ("1 leak"), but it never needs a placeholder the general form lacks.
                assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(messages[base])), f"{area}:{key}"


def test_placeholders_match_between_languages() -> None:
    for area, langs in _areas().items():
        for key in _general_keys(langs["en"]):
            text = langs["en"][key]
            for lang in LANGUAGES:
                found = set(PLACEHOLDER.findall(langs[lang][key]))
                assert set(PLACEHOLDER.findall(text)) == found, f"{area}:{key} ({lang})"
                list(string.Formatter().parse(langs[lang][key]))  # raises on a malformed template


def test_no_english_message_guesses_a_plural_with_brackets() -> None:
    # "leak(s)" reads badly in both numbers; counted messages use plural forms instead (see core/i18n.py).
    for area, langs in _areas().items():
        for key, text in langs["en"].items():
            assert not re.search(r"\w\((?:s|es)\)", text), f"{area}:{key}: {text}"


def test_chinese_messages_use_full_width_punctuation() -> None:
    for area, langs in _areas().items():
        for key, text in langs["zh_CN"].items():
            assert not ASCII_PUNCT_IN_CHINESE.search(text), f"{area}:{key}: {text}"


def test_chinese_messages_address_the_reader_as_ni() -> None:
    for area, langs in _areas().items():
        for key, text in langs["zh_CN"].items():
            assert "您" not in text, f"{area}:{key}"


def test_full_width_check_catches_ascii_punctuation() -> None:
    for bad in ("请重试,或者换一个网络", "是否继续?", "注意:PIN码", "完成!"):
        assert ASCII_PUNCT_IN_CHINESE.search(bad), bad
    for good in ("请重试，或者换一个网络", "网址 https://example.org/a?b=1", "编号 P-03", "Ctrl+C: 停止"):
        assert not ASCII_PUNCT_IN_CHINESE.search(good), good


def test_no_message_is_empty_and_chinese_is_chinese() -> None:
    for area, langs in _areas().items():
        for lang in LANGUAGES:
            for key, text in langs[lang].items():
                assert text.strip(), f"{area}:{key} ({lang})"


def test_keys_are_unique_across_areas() -> None:
    seen: dict[str, str] = {}
    for area, langs in _areas().items():
        for key in langs["en"]:
            assert key not in seen, f"{key} in both {seen.get(key)} and {area}"
            seen[key] = area


def test_lookup_fills_placeholders_and_falls_back() -> None:
    assert "42" in tr("http.status", "en", status=42)
    assert "42" in tr("http.status", "zh_CN", status=42)
    assert tr("no.such.key", "zh_CN") == "no.such.key"


@pytest.mark.parametrize(
    ("count", "en", "zh"),
    [
        (1, "About 1 minute", "大约需要1分钟"),
        (2, "About 2 minutes", "大约需要2分钟"),
        (0, "About 0 minutes", "大约需要0分钟"),
    ],
)
def test_count_picks_the_plural_form(count: int, en: str, zh: str) -> None:
    assert tr("advice.label.time_needed", "en", count=count) == en
    assert tr("advice.label.time_needed", "zh_CN", count=count) == zh


def test_plural_lookup_falls_back_sensibly() -> None:
    # A message without plural forms ignores count for the choice; True is not a count; a missing key shows itself.
    assert tr("http.status", "en", status=5, count=1) == tr("http.status", "en", status=5)
    assert tr("advice.label.time_needed", "en", count=True) == "About True minutes"
    assert tr("no.such.key", "en", count=1) == "no.such.key"
    assert plural_key("advice.summary.todo.one") == "advice.summary.todo"
    assert plural_key("advice.summary.todo.none") is None
    assert "advice.label.time_needed.one" in catalog("en")
    assert "advice.label.time_needed.one" not in catalog("zh_CN")


def test_locale_names_map_to_supported_languages() -> None:
    assert normalize_lang("zh-CN") == "zh_CN"
    assert normalize_lang("zh_CN.UTF-8") == "zh_CN"
    assert normalize_lang("en_GB.UTF-8") == "en"
    assert normalize_lang(None) == "en"


def test_source_labels_are_translated_and_unknown_names_stay_visible() -> None:
    from exposurecheck.core.i18n import source_label

    assert source_label("demo", "en") == tr("source.demo", "en")
    assert source_label("demo", "zh_CN") == tr("source.demo", "zh_CN") != "demo"
    assert source_label("pack=/media/usb/shanghai.ecpack", "zh_CN") == tr("source.pack", "zh_CN")
    assert source_label("service=https://lookup.example.org", "en") == tr("source.service", "en")
    assert source_label("someone-elses-source", "zh_CN") == "someone-elses-source"
    assert source_label("unknown", "en") == "unknown"  # an error message under "source." is not a name


def _resource_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted(resource_path("i18n").parent.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".md", ".txt", ".html"):
            texts.append((str(path), path.read_text(encoding="utf-8")))
    return texts


def test_no_resource_addresses_the_reader_as_nin() -> None:
    texts = _resource_texts()
    assert any("entries.zh_CN.json" in name for name, _ in texts)
    assert [name for name, text in texts if "您" in text] == []


def test_one_word_for_the_help_desk_in_chinese() -> None:
    # docs/advice.md: the help desk is 求助热线 everywhere; these other words for it are not used.
    for name, text in _resource_texts():
        for other in ("服务台", "帮助台", "求助台", "咨询台"):
            assert other not in text, (name, other)


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (42, "42", "42"),  # below 100: exact
        (1_234, "1,200", "1200"),  # two significant figures; Chinese writes no thousands separator
        (9_999, "10,000", "1万"),  # rounds up across the unit: 1万, not 10000
        (10_000, "10,000", "1万"),
        (12_345, "12,000", "1.2万"),
        (195_313, "200,000", "20万"),
        (12_500_000, "13,000,000", "1300万"),  # halves round up
        (99_990_000, "100,000,000", "1亿"),  # rounds up across the unit: 1亿, not 10000万
        (100_000_000, "100,000,000", "1亿"),
        (123_456_789, "120,000,000", "1.2亿"),
        (1_250_000_000, "1,300,000,000", "13亿"),
    ],
)
def test_approximate_figures_are_written_the_way_each_language_rounds(value: int, en: str, zh: str) -> None:
    assert approx_figure(value, "en") == en
    assert approx_figure(value, "zh_CN") == zh
    english = tr("service.sent.candidates.phone", "en", count=Approx(value))
    assert f"about {en} possible phone numbers, however often you check." in english
    assert f"约{zh}个可能的手机号码" in tr("service.sent.candidates.phone", "zh_CN", count=Approx(value))


def test_a_sent_line_writes_its_figure_in_the_language_it_is_shown_in() -> None:
    # Built once during the check, shown in Chinese, then again after a switch to English.
    line = sent_line("service.sent.candidates.phone", count=Approx(12_500_000))
    assert "约1300万个可能的手机号码" in line.text("zh_CN")
    assert "about 13,000,000 possible phone numbers" in line.text("en")
    assert "约1300万个" in line.text("zh_CN")  # and back
    assert str(Approx(12_500_000)) == "13,000,000"  # where no language is known, English
