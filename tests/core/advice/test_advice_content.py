"""The advice content: schema, both languages in step, coverage of every catalog class, required topics."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import jsonschema
import pytest

from exposurecheck.core.advice.content import (
    ALWAYS,
    Entry,
    bundled_entries,
    parse_document,
    parse_entry,
)
from exposurecheck.core.catalog import load_bundled_catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import LANGUAGES, plural_key
from exposurecheck.resources import resource_path

LANGS = LANGUAGES  # every language the app speaks (a new one, CONTRIBUTING.md, is checked too)


def uncovered_classes(entries: tuple[Entry, ...], classes: set[str]) -> set[str]:
    """The data classes in `classes` that no entry is triggered by."""
    triggers = {c for e in entries for c in e.data_classes}
    return {c for c in classes if c not in triggers}


def _document(lang: str) -> dict[str, Any]:
    return json.loads(resource_path("advice", f"entries.{lang}.json").read_text(encoding="utf-8"))


def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resource_path("advice", "schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("lang", LANGS)
def test_bundled_entries_match_the_schema(lang: str) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in _validator().iter_errors(_document(lang))]
    assert errors == []


def _broken_documents() -> list[tuple[str, dict[str, Any]]]:
    base = _document("en")
    cases = []
    for name, mutate in [
        ("missing title", lambda e: e.pop("title")),
        ("bad severity", lambda e: e.update(severity="catastrophic")),
        ("bad when", lambda e: e.update(when="tomorrow")),
        ("bad code", lambda e: e.update(code="p3")),
        ("empty steps", lambda e: e.update(steps=[])),
        ("bad platform", lambda e: e.update(steps=[{"text": "Do it.", "platform": "blackberry"}])),
        ("html in text", lambda e: e.update(summary="<b>bold</b>")),
        ("no data classes", lambda e: e.update(data_classes=[])),
        ("zero minutes", lambda e: e.update(time_needed_min=0)),
        ("bad date", lambda e: e.update(last_reviewed="last year")),
        ("help without official flag", lambda e: e.update(help=[{"label": "x", "phone": "110"}])),
        ("source with a bad mark", lambda e: e.update(sources=[{"text": "MIIT notice", "review": "maybe"}])),
        ("source without text", lambda e: e.update(sources=[{"review": "V"}])),
        ("source with markup", lambda e: e.update(sources=["<a href=x>MIIT</a>"])),
    ]:
        document = copy.deepcopy(base)
        mutate(document["entries"][0])
        cases.append((name, document))
    return cases


@pytest.mark.parametrize(("name", "document"), _broken_documents(), ids=lambda v: v if isinstance(v, str) else "")
def test_schema_and_runtime_parser_both_reject_a_broken_entry(name: str, document: dict[str, Any]) -> None:
    # The schema (CI) and the runtime parser (NGO entries at run time) must agree on what is broken.
    assert list(_validator().iter_errors(document)), name
    with pytest.raises(UserError) as info:
        parse_document(document)
    assert info.value.key == "advice.error.entry"


def test_runtime_parser_rejects_duplicates_and_wrong_documents() -> None:
    document = _document("en")
    document["entries"].append(document["entries"][0])
    with pytest.raises(UserError):
        parse_document(document)
    for bad in ([], {"entries": []}, {"lang": "fr", "entries": []}, {"lang": "en", "entries": "x"}):
        with pytest.raises(UserError):
            parse_document(bad)
    with pytest.raises(UserError):
        parse_entry("not an object")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_both_languages_have_the_same_entries_and_shared_fields(lang: str) -> None:
    en = {e.id: e for e in bundled_entries("en")}
    zh = {e.id: e for e in bundled_entries(lang)}
    assert list(en) == list(zh)
    for entry_id, a in en.items():
        b = zh[entry_id]
        shared = ("code", "data_classes", "severity", "when", "region", "time_needed_min", "last_reviewed", "review")
        for field in shared:
            assert getattr(a, field) == getattr(b, field), (entry_id, field)
        assert [s.platform for s in a.steps] == [s.platform for s in b.steps], entry_id
        assert [(h.phone, h.url, h.official) for h in a.help] == [(h.phone, h.url, h.official) for h in b.help]
        for entry in (a, b):
            for text in (entry.title, entry.summary, entry.why, entry.done_check, *(s.text for s in entry.steps)):
                assert text.strip(), entry_id


def test_every_bundled_source_carries_its_mark_and_the_entry_shows_the_weakest() -> None:
    weakest = {"V": 0, "P": 1, "U": 2}
    for lang in LANGS:
        for entry in bundled_entries(lang):
            assert entry.source_reviews and None not in entry.source_reviews, (lang, entry.id)
            assert len(entry.source_reviews) == len(entry.sources), (lang, entry.id)
            assert entry.review == max(entry.source_reviews, key=weakest.__getitem__), (lang, entry.id)
    en = {e.id: e.source_reviews for e in bundled_entries("en")}
    for lang in LANGS:
        assert en == {e.id: e.source_reviews for e in bundled_entries(lang)}, lang


def test_plain_string_sources_are_still_accepted_for_ngo_entries() -> None:
    document = _document("en")
    document["entries"] = [document["entries"][0]]
    document["entries"][0]["sources"] = ["Our own casework, 2026", {"text": "MIIT notice", "review": "V"}]
    assert not list(_validator().iter_errors(document))
    _, (entry,) = parse_document(document)
    assert entry.sources == ("Our own casework, 2026", "MIIT notice")
    assert entry.source_reviews == (None, "V")


def test_zh_text_is_chinese_and_en_text_is_not() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for entry in bundled_entries("zh_CN"):
        assert han.search(entry.title), entry.id
        assert han.search(entry.why), entry.id
    for entry in bundled_entries("en"):
        # English may quote an official Chinese name (国家反诈中心), but its title is English.
        assert not han.search(entry.title.replace("一证通查", "")), entry.id


def test_codes_and_ids_are_unique() -> None:
    entries = bundled_entries("en")
    assert len({e.code for e in entries}) == len(entries)
    assert len({e.id for e in entries}) == len(entries)


@pytest.mark.parametrize("lang", LANGS)
def test_every_catalog_class_has_advice(lang: str) -> None:
    used = {c for breach in load_bundled_catalog().values() for c in breach.data_classes}
    assert uncovered_classes(bundled_entries(lang), used) == set()


def test_coverage_check_can_fail() -> None:
    assert uncovered_classes(bundled_entries("en"), {"Phone numbers", "Astral projections"}) == {"Astral projections"}


def test_always_entries_exist_for_the_nothing_found_plan() -> None:
    assert any(ALWAYS in e.data_classes and e.when == "ongoing" for e in bundled_entries("en"))


@pytest.mark.parametrize(
    ("entry_id", "must_mention_en", "must_mention_zh"),
    [
        ("phone.sim_pin", "SIM PIN", "PIN码"),
        ("phone.service_password", "service password", "服务密码"),
        ("phone.yizhengtongcha", "一证通查", "一证通查"),
        ("phone.antifraud_app", "96110", "96110"),
        ("id.credit_report", "credit report", "信用报告"),
        ("money.wechat_alipay", "payment password", "支付密码"),
        ("scam.fake_courier", "courier", "快递"),
        ("scam.fake_police", "police", "警察"),
        ("phone.never_share_codes", "code", "验证码"),
        ("rights.pipl_request", "Personal Information Protection Law", "个人信息保护法"),
        ("account.change_password", "password", "密码"),
        ("account.two_step", "two-step", "两步验证"),
        ("email.phishing", "email", "邮件"),
        ("address.safety", "address", "住址"),
        ("phone.takeover_signs", "携号转网", "携号转网"),
        ("phone.takeover_signs", "12381", "12381"),
        ("id.accounts_in_your_name", "一证通查2.0", "一证通查2.0"),
        ("id.accounts_in_your_name", "报案回执", "报案回执"),
        ("scam.fake_relatives", "code word", "暗号"),
        ("records.named_by_police", "消除案底", "消除案底"),
        ("sensitive.health", "HIV", "艾滋病"),
        ("money.crypto_wallet", "recovery phrase", "助记词"),
        ("account.login_tokens", "sign out", "退出"),
    ],
)
def test_required_topics_are_covered(entry_id: str, must_mention_en: str, must_mention_zh: str) -> None:
    en = {e.id: e for e in bundled_entries("en")}[entry_id]
    zh = {e.id: e for e in bundled_entries("zh_CN")}[entry_id]
    assert must_mention_en.lower() in " ".join([en.title, en.summary, *(s.text for s in en.steps)]).lower()
    assert must_mention_zh in " ".join([zh.title, zh.summary, *(s.text for s in zh.steps)])


def test_unchangeable_things_say_so() -> None:
    by_id = {e.id: e for e in bundled_entries("en")}
    assert "cannot" in by_id["id.cannot_change"].title
    assert "cannot change" in by_id["id.birthday"].summary
    zh = {e.id: e for e in bundled_entries("zh_CN")}
    assert "改不了" in zh["id.cannot_change"].title
    assert "改不了" in zh["id.birthday"].summary


def test_advice_i18n_files_have_the_same_keys_and_placeholders() -> None:
    en = json.loads(resource_path("i18n", "advice.en.json").read_text(encoding="utf-8"))
    zh = json.loads(resource_path("i18n", "advice.zh_CN.json").read_text(encoding="utf-8"))
    # English adds ".one" forms for counted messages; Chinese has one form (see core/i18n.py).
    en = {k: v for k, v in en.items() if plural_key(k) is None}
    assert set(en) == set(zh)
    placeholder = re.compile(r"\{(\w+)\}")
    for key in en:
        assert key.startswith("advice.")
        assert zh[key].strip(), key
        assert set(placeholder.findall(en[key])) == set(placeholder.findall(zh[key])), key
