"""Every message exists in English and Simplified Chinese, with the same placeholders."""

from __future__ import annotations

import json
import re
import string

from exposurecheck.core.i18n import LANGUAGES, normalize_lang, tr
from exposurecheck.resources import resource_path

PLACEHOLDER = re.compile(r"{(\w+)}")


def _areas() -> dict[str, dict[str, dict[str, str]]]:
    areas: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(resource_path("i18n").glob("*.json")):
        area, lang = path.name[: -len(".json")].split(".", 1)
        areas.setdefault(area, {})[lang] = json.loads(path.read_text(encoding="utf-8"))
    return areas


def test_every_area_has_both_languages_with_the_same_keys() -> None:
    areas = _areas()
    assert "core" in areas and "identifier" in areas
    for area, langs in areas.items():
        assert set(langs) == set(LANGUAGES), area
        assert set(langs["en"]) == set(langs["zh_CN"]), area


def test_placeholders_match_between_languages() -> None:
    for area, langs in _areas().items():
        for key, text in langs["en"].items():
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(langs["zh_CN"][key])), f"{area}:{key}"
            list(string.Formatter().parse(text))  # raises on a malformed template


def test_no_message_is_empty_and_chinese_is_chinese() -> None:
    for area, langs in _areas().items():
        for key, text in langs["zh_CN"].items():
            assert text.strip(), f"{area}:{key}"
            assert langs["en"][key].strip(), f"{area}:{key}"


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


def test_locale_names_map_to_supported_languages() -> None:
    assert normalize_lang("zh-CN") == "zh_CN"
    assert normalize_lang("zh_CN.UTF-8") == "zh_CN"
    assert normalize_lang("en_GB.UTF-8") == "en"
    assert normalize_lang(None) == "en"
