"""NGO profiles: signing, loading, tampering, wrong keys, discovery and first-use confirmation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import plural_key
from exposurecheck.core.trust import profile as prof
from exposurecheck.core.trust.publisher_keys import fingerprint
from exposurecheck.resources import resource_path


def advice_document(lang: str = "en", title: str = "Call our hotline") -> dict:
    return {
        "lang": lang,
        "entries": [
            {
                "id": "ngo.hotline",
                "code": "N-01",
                "data_classes": ["*"],
                "severity": "medium",
                "when": "today",
                "region": "CN",
                "title": title,
                "summary": "We can walk you through every step.",
                "why": "Some steps are easier with help.",
                "steps": [{"text": "Call the number on this sheet."}],
                "time_needed_min": 10,
                "done_check": "You spoke to someone.",
                "help": [{"label": "Our hotline", "phone": "400 000 0000", "official": False}],
                "sources": ["https://example.org/help"],
                "last_reviewed": "2026-11-01",
            }
        ],
    }


def make_body(**changes: object) -> prof.ProfileBody:
    fields: dict[str, object] = {
        "name_en": "Safe Lines Network",
        "name_zh": "安全热线网络",
        "hotline": "400-000-0000",
        "website": "https://safelines.example.org",
        "email": "help@safelines.example.org",
        "advice": (advice_document(),),
        "trusted_keys": (bytes(range(32)),),
        "offline_only": True,
        "default_sources": ("demo",),
    }
    fields.update(changes)
    return prof.ProfileBody(**fields)  # type: ignore[arg-type]


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_signed_profile_round_trips(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(make_body(), key))
    loaded = prof.load_profile(path)
    assert loaded.name("en") == "Safe Lines Network"
    assert loaded.name("zh_CN") == "安全热线网络"
    assert loaded.hotline == "400-000-0000"
    assert loaded.website == "https://safelines.example.org"
    assert loaded.offline_only is True
    assert loaded.default_sources == ("demo",)
    assert loaded.trusted_keys == (bytes(range(32)),)
    assert loaded.advice[0]["entries"][0]["code"] == "N-01"
    assert loaded.signer == raw_public(key)
    assert loaded.fingerprint == fingerprint(raw_public(key))
    assert loaded.path == path
    assert loaded.contact_lines("zh_CN")[0] == "安全热线网络"


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["profile"].__setitem__("hotline", "400-666-6666"),
        lambda d: d["profile"]["name"].__setitem__("en", "Evil Lines"),
        lambda d: d["profile"].__setitem__("offline_only", False),
        lambda d: d["profile"]["trusted_keys"].append("ab" * 32),
        lambda d: d["profile"]["advice"][0]["entries"][0].__setitem__("title", "Send us your password"),
        lambda d: d["profile"].__setitem__("extra", "field"),
    ],
)
def test_any_change_after_signing_is_refused(key: Ed25519PrivateKey, edit) -> None:  # type: ignore[no-untyped-def]
    document = json.loads(prof.sign_profile(make_body(), key))
    edit(document)
    with pytest.raises(UserError) as caught:
        prof.parse_profile(json.dumps(document).encode())
    assert caught.value.key == "helpdesk.profile.tampered"
    assert "fresh copy" in caught.value.message("en")
    assert "签名后被改动" in caught.value.message("zh_CN")


def test_a_flipped_byte_in_the_file_is_refused(key: Ed25519PrivateKey) -> None:
    data = bytearray(prof.sign_profile(make_body(), key))
    at = data.index(b"Safe Lines")
    data[at] = ord("X")
    with pytest.raises(UserError) as caught:
        prof.parse_profile(bytes(data))
    assert caught.value.key == "helpdesk.profile.tampered"


def test_resigned_by_another_key_is_a_wrong_key_when_the_fingerprint_is_pinned(key: Ed25519PrivateKey) -> None:
    expected = fingerprint(raw_public(key))
    other = Ed25519PrivateKey.generate()
    forged = prof.sign_profile(make_body(hotline="400-666-6666"), other)
    assert prof.parse_profile(forged).hotline == "400-666-6666"  # valid signature on its own...
    with pytest.raises(UserError) as caught:
        prof.parse_profile(forged, trusted_fingerprints={expected})  # ...but not by the key we know
    assert caught.value.key == "helpdesk.profile.wrong_key"
    assert fingerprint(raw_public(other)) in caught.value.message("en")
    assert prof.parse_profile(prof.sign_profile(make_body(), key), trusted_fingerprints={expected}).hotline


def test_signer_swapped_for_another_key_is_tampered(key: Ed25519PrivateKey) -> None:
    document = json.loads(prof.sign_profile(make_body(), key))
    document["signer"] = raw_public(Ed25519PrivateKey.generate()).hex()
    with pytest.raises(UserError) as caught:
        prof.parse_profile(json.dumps(document).encode())
    assert caught.value.key == "helpdesk.profile.tampered"


@pytest.mark.parametrize(
    ("data", "key_name"),
    [
        (b"", "helpdesk.profile.invalid"),
        (b"\xff\xfe", "helpdesk.profile.invalid"),
        (b"[1, 2]", "helpdesk.profile.invalid"),
        (b'{"format": "exposurecheck.pack"}', "helpdesk.profile.invalid"),
        (b'{"format": "exposurecheck.profile", "version": 99}', "helpdesk.profile.version"),
        (
            b'{"format": "exposurecheck.profile", "version": 1, "profile": {}, "signer": "zz", "signature": ""}',
            "helpdesk.profile.invalid",
        ),
        (b"x" * (3 * 1024 * 1024), "helpdesk.profile.invalid"),
    ],
)
def test_garbage_gets_a_clear_error(data: bytes, key_name: str) -> None:
    with pytest.raises(UserError) as caught:
        prof.parse_profile(data)
    assert caught.value.key == key_name
    for lang in ("en", "zh_CN"):
        assert caught.value.message(lang) != key_name


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        prof.load_profile(tmp_path / "nope.ecprofile")
    assert caught.value.key == "helpdesk.profile.missing"


def test_profile_text_is_plain_text(key: Ed25519PrivateKey) -> None:
    body = make_body(name_en="<b>Safe</b>\u202eLines\x1b[31m", hotline="<script>x()</script>400")
    loaded = prof.parse_profile(prof.sign_profile(body, key))
    assert loaded.name_en == "Safe Lines [31m"
    assert loaded.hotline == "400"


def test_non_web_website_is_refused(key: Ed25519PrivateKey) -> None:
    with pytest.raises(UserError) as caught:
        prof.parse_profile(prof.sign_profile(make_body(website="javascript:alert(1)"), key))
    assert caught.value.key == "helpdesk.profile.bad_website"


def test_bad_advice_is_refused_at_load(key: Ed25519PrivateKey) -> None:
    document = advice_document()
    del document["entries"][0]["why"]
    with pytest.raises(UserError) as caught:
        prof.parse_profile(prof.sign_profile(make_body(advice=(document,)), key))
    assert caught.value.key == "helpdesk.profile.bad_advice_entry"
    assert "1" in caught.value.message("en")


def test_discovery_prefers_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.delenv(prof.ENV_PROFILE, raising=False)
    assert prof.discover_profile([tmp_path, stick]) is None
    (stick / prof.FILE_NAME).write_bytes(b"{}")
    assert prof.discover_profile([tmp_path, stick]) == stick / prof.FILE_NAME
    monkeypatch.setenv(prof.ENV_PROFILE, str(tmp_path / "other.ecprofile"))
    assert prof.discover_profile([stick]) == tmp_path / "other.ecprofile"


def test_first_use_confirmation_is_remembered(key: Ed25519PrivateKey, tmp_path: Path) -> None:
    loaded = prof.parse_profile(prof.sign_profile(make_body(), key))
    config = tmp_path / "config"
    assert not prof.is_confirmed(loaded, config)
    prof.confirm(loaded, config)
    assert prof.is_confirmed(loaded, config)
    other = prof.parse_profile(prof.sign_profile(make_body(), Ed25519PrivateKey.generate()))
    assert not prof.is_confirmed(other, config)
    assert (config.stat().st_mode & 0o777) == 0o700


def test_messages_exist_in_both_languages() -> None:
    en = json.loads(resource_path("i18n", "helpdesk.en.json").read_text(encoding="utf-8"))
    zh = json.loads(resource_path("i18n", "helpdesk.zh_CN.json").read_text(encoding="utf-8"))
    # English adds ".one" plural forms that Chinese does not need (see exposurecheck.core.i18n).
    assert {k for k in en if plural_key(k) is None} == set(zh)
    assert all(key.startswith("helpdesk.") for key in en)


def test_a_kit_copied_off_the_stick_finds_its_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "kit" / prof.KIT_APP_FOLDER / "exposure-check"
    bundle.mkdir(parents=True)
    (tmp_path / "kit" / prof.FILE_NAME).write_bytes(b"{}")
    monkeypatch.delenv(prof.ENV_PROFILE, raising=False)
    assert prof.discover_profile(prof.app_roots(bundle)) == tmp_path / "kit" / prof.FILE_NAME
    assert prof.app_roots(tmp_path / "elsewhere") == [tmp_path / "elsewhere"]
