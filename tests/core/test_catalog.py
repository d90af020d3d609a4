"""The breach catalog: bundled entries, HIBP v3/v2 parsing, plain-text sanitising and canonical JSON."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposurecheck.core.catalog import (
    Breach,
    Catalog,
    catalog_from_json,
    catalog_to_json,
    known_classes,
    label_for_class,
    load_bundled_catalog,
    plain_text,
)
from exposurecheck.core.errors import UserError

BREACHES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "breaches"
V3_FULL = BREACHES / "breaches_v3_full_snapshot_2025-03-03_fugitivexyz-DataBreachAnalytics.json"

REQUIRED_IDS = (
    "shanghai_police_2022",
    "weibo_2020",
    "huazhu_2018",
    "suishenma_2022",
    "netease_2015",
    "jd",
    "youku",
    "tianya",
    "xiaomi",
    "demo_breach",
)


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared test data not present: {path.name} (see ../shared/testdata/README.md)")
    return path


def test_bundled_catalog_has_required_breaches_in_both_languages() -> None:
    catalog = load_bundled_catalog()
    for breach_id in REQUIRED_IDS:
        breach = catalog[breach_id]
        assert breach.title_en, breach_id
        assert breach.title_zh, breach_id
        assert breach.description_en, breach_id
        assert breach.description_zh, breach_id
        assert breach.data_classes, breach_id
        assert breach.date[:4].isdigit(), breach_id
        assert breach.demo == (breach_id == "demo_breach")
        if not breach.demo:
            assert breach.sources, breach_id


def test_shanghai_entry_has_phone_id_and_china_classes() -> None:
    breach = load_bundled_catalog()["shanghai_police_2022"]
    for cls in ("Phone numbers", "Government issued IDs", "cn_express_delivery_records", "cn_police_case_records"):
        assert cls in breach.data_classes


def test_demo_breach_classes_are_the_documented_set() -> None:
    breach = load_bundled_catalog()["demo_breach"]
    assert set(breach.data_classes) == {
        "Phone numbers",
        "Email addresses",
        "Government issued IDs",
        "Names",
        "Physical addresses",
        "cn_express_delivery_records",
    }


def test_every_bundled_class_has_labels_in_both_languages() -> None:
    for breach in load_bundled_catalog().values():
        for cls in breach.data_classes:
            assert cls in known_classes(), cls
            assert label_for_class(cls, "zh_CN") != cls or cls.isascii() is False


def test_label_lookup_and_fallback() -> None:
    assert label_for_class("Phone numbers", "zh_CN") == "手机号码"
    assert label_for_class("cn_express_delivery_records", "zh-CN") == "快递记录"
    assert label_for_class("cn_express_delivery_records", "en") == "Parcel delivery records"
    assert label_for_class("Some future class", "zh_CN") == "Some future class"


def test_title_and_description_fall_back_to_english() -> None:
    breach = Breach("x", "Title", "", "2020", None, (), "Text", "")
    assert breach.title("zh_CN") == "Title"
    assert breach.description("zh_CN") == "Text"
    zh = Breach("y", "T", "标题", "2020", None, (), "D", "描述")
    assert (zh.title("zh_CN"), zh.description("zh_CN")) == ("标题", "描述")
    assert (zh.title("en"), zh.description("en")) == ("T", "D")


def test_catalog_is_an_immutable_mapping_and_merge_prefers_other() -> None:
    a = Catalog([Breach("one", "A", "", "2020", 1, ("Names",), "", "")])
    b = Catalog(
        [Breach("one", "B", "", "2021", 2, ("Passwords",), "", ""), Breach("two", "C", "", "", None, (), "", "")]
    )
    merged = a.merge(b)
    assert set(merged) == {"one", "two"}
    assert merged["one"].title_en == "B"
    assert "one" in a
    assert "two" not in a
    assert a.get("missing") is None
    with pytest.raises(TypeError):
        a["three"] = a["one"]  # type: ignore[index]


def test_canonical_json_round_trips_and_is_stable() -> None:
    catalog = load_bundled_catalog()
    blob = catalog_to_json(catalog)
    again = catalog_from_json(blob)
    assert dict(again) == dict(catalog)
    assert catalog_to_json(again) == blob
    # Canonical: compact separators and sorted keys, so packs can sign it byte for byte.
    assert b": " not in blob[:200]
    document = json.loads(blob)
    assert json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == blob
    assert [b["id"] for b in document["breaches"]] == sorted(catalog)


def test_html_becomes_plain_text() -> None:
    untrusted = 'In 2013 <a href="http://x">Adobe</a> lost <em>encrypted</em> data &amp; hints.<script>x()</script>'
    assert plain_text(untrusted) == "In 2013 Adobe lost encrypted data & hints."
    # Escaped markup must not turn back into a tag after decoding.
    assert "<" not in plain_text("&lt;img src=x onerror=alert(1)&gt;ok")
    assert plain_text("a\x00b\u202ec\r\nd") == "a b c d"
    assert len(plain_text("x" * 10_000)) <= 5000


def test_hibp_single_object_and_bad_input() -> None:
    one = catalog_from_json({"Name": "Adobe", "BreachDate": "2013-10-04", "DataClasses": ["Passwords"]})
    assert one["Adobe"].pwn_count is None
    assert one["Adobe"].data_classes == ("Passwords",)
    for bad in (b"not json", b"{}", b"[1]", b'[{"Name": "../etc"}]', b'{"format": "other", "breaches": []}'):
        with pytest.raises(UserError):
            catalog_from_json(bad)
    with pytest.raises(UserError) as info:
        catalog_from_json(b'{"format": "exposurecheck.catalog", "version": 99, "breaches": []}')
    assert info.value.key == "catalog.error.version"
    assert "newer" in info.value.message("en")


def test_hibp_v3_full_snapshot() -> None:
    raw = _needs(V3_FULL).read_bytes()
    catalog = catalog_from_json(raw)
    assert len(catalog) == 875
    netease = catalog["NetEase"]
    assert netease.pwn_count == 234842089
    assert netease.date == "2015-10-19"
    assert set(netease.data_classes) == {"Email addresses", "Passwords"}
    assert "Have I Been Pwned" in netease.description_en
    for breach in catalog.values():
        for marker in ("<", ">", "&quot;", "&amp;"):
            assert marker not in breach.description_en, breach.id
        assert not any(ord(ch) < 32 for ch in breach.description_en + breach.title_en), breach.id
    assert catalog["Collection1"].pwn_count == 772904991
    # The snapshot's vocabulary all has labels (unknown future classes would fall back to their name).
    used = {cls for b in catalog.values() for cls in b.data_classes}
    assert used <= known_classes()
    # Our bundled entries win over HIBP's English-only ones when merged in that order.
    merged = catalog.merge(load_bundled_catalog())
    assert merged["jd"].title_zh
    assert "JD" in merged


@pytest.mark.parametrize(
    "name",
    [
        "breaches_v2_full_snapshot_2018-10-29_ediblepwn.json",
        "breach_v2_Adobe_2018-10-29_ediblepwn.json",
        "breachedaccount_v2_test-at-example.com_2018-10-29_ediblepwn.json",
        "breaches_v3_sample10_mozilla-blurts-server_hibpBreachResponse.json",
        "breaches_v3_sample2_wKovacs64-hibp_fixtures.json",
    ],
)
def test_other_hibp_files_parse(name: str) -> None:
    data = json.loads(_needs(BREACHES / name).read_text(encoding="utf-8"))
    catalog = catalog_from_json(data)
    expected = 1 if isinstance(data, dict) else len(data)
    assert len(catalog) == expected
    for breach in catalog.values():
        assert "<a " not in breach.description_en


def test_catalog_messages_exist_in_both_languages() -> None:
    from exposurecheck.resources import resource_path

    en = json.loads(resource_path("i18n", "catalog.en.json").read_text(encoding="utf-8"))
    zh = json.loads(resource_path("i18n", "catalog.zh_CN.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    assert all(key.startswith("catalog.") and zh[key].strip() for key in en)
    labels = json.loads(resource_path("catalog", "data_classes.json").read_text(encoding="utf-8"))["labels"]
    for cls, pair in labels.items():
        assert pair["en"].strip(), cls
        assert pair["zh_CN"].strip(), cls


_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")


def _assert_plain(text: str) -> None:
    assert not _TAG.search(text)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_plain_text_never_returns_markup_or_control_characters(untrusted: str) -> None:
    _assert_plain(plain_text(untrusted))


def test_naughty_strings_become_plain_text_in_a_hibp_catalog() -> None:
    blns = _needs(Path(__file__).resolve().parents[3] / "shared" / "testdata" / "adversarial" / "blns.json")
    strings = [s for s in json.loads(blns.read_text(encoding="utf-8")) if isinstance(s, str)]
    data = [
        {"Name": f"b{n}", "Title": s, "Description": s, "DataClasses": [s or "x"], "BreachDate": s}
        for n, s in enumerate(strings)
    ]
    catalog = catalog_from_json(data)
    assert len(catalog) == len(strings)
    for breach in catalog.values():
        _assert_plain(breach.title_en)
        _assert_plain(breach.description_en)
        for cls in breach.data_classes:
            _assert_plain(cls)


def test_source_links_must_be_plain_web_addresses() -> None:
    entry = {
        "id": "x",
        "data_classes": ["Names"],
        "sources": ["https://ok.example/a", "javascript:alert(1)", 'https://x/"><script>', "file:///etc/passwd", 5],
    }
    assert catalog_from_json([entry])["x"].sources == ("https://ok.example/a",)
