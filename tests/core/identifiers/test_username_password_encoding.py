import pytest
from hypothesis import given
from hypothesis import strategies as st

from exposurecheck.core.identifiers import Identifier, IdentifierType, InvalidIdentifier, encode, mask, normalize


def test_username_is_trimmed_nfkc_and_casefolded() -> None:
    assert normalize(IdentifierType.USERNAME, "  ＭｒＳｍｉｔｈ ").canonical == "mrsmith"
    assert normalize(IdentifierType.USERNAME, "Straße").canonical == "strasse"


def test_username_with_control_characters_is_refused() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalize(IdentifierType.USERNAME, "bob\x1b[31m")
    assert caught.value.key == "identifier.username.control_characters"


def test_password_is_never_altered() -> None:
    for raw in ("  P@ssw0rd ", "ＡＢＣ", "café", "cafe\u0301"):
        assert normalize(IdentifierType.PASSWORD, raw).canonical == raw


@given(st.text(min_size=1, max_size=30))
def test_username_normalization_is_idempotent(text: str) -> None:
    try:
        once = normalize(IdentifierType.USERNAME, text).canonical
    except InvalidIdentifier:
        return
    assert normalize(IdentifierType.USERNAME, once).canonical == once


def test_encoding_is_type_byte_then_utf8_and_types_never_collide() -> None:
    phone = Identifier(IdentifierType.PHONE, "+8613800138000")
    assert encode(phone) == b"\x01+8613800138000"
    same_text = [Identifier(kind, "abc") for kind in IdentifierType]
    assert len({encode(i) for i in same_text}) == len(IdentifierType)


def test_type_codes_are_stable() -> None:
    # Part of the pack and wire formats: changing one silently breaks every published pack.
    assert {k.value: k.code for k in IdentifierType} == {
        "phone": 1, "email": 2, "cn_id": 3, "username": 4, "password": 5,
    }


def test_repr_never_shows_the_value() -> None:
    secret = Identifier(IdentifierType.PASSWORD, "hunter2")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in str(secret)
    assert "hunter2" not in repr([secret])


@pytest.mark.parametrize(
    ("kind", "canonical", "hint"),
    [
        (IdentifierType.PHONE, "+8613800138000", "+86 138 **** 8000"),
        (IdentifierType.EMAIL, "someone@example.com", "s***@example.com"),
        (IdentifierType.CN_ID, "11010519491231002X", "110*************2X"),
        (IdentifierType.USERNAME, "mrsmith", "m***"),
        (IdentifierType.PASSWORD, "hunter2", "******"),
    ],
)
def test_masks_keep_enough_to_recognise_and_not_enough_to_recover(kind, canonical, hint) -> None:
    assert mask(Identifier(kind, canonical)) == hint
