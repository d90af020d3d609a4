import json
import unicodedata

import pytest

from exposurecheck.core.identifiers import IdentifierType, InvalidIdentifier, normalize

EMAIL = IdentifierType.EMAIL


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Someone@Example.COM", "someone@example.com"),
        ("  someone@example.com ", "someone@example.com"),
        ("mailto:someone@example.com", "someone@example.com"),
        ("ｓｏｍｅｏｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "someone@example.com"),
        ("用户@例子.广告", "用户@例子.广告"),
    ],
)
def test_canonical_form_is_the_normalized_address_lower_cased(raw: str, canonical: str) -> None:
    assert normalize(EMAIL, raw).canonical == canonical


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("", "identifier.email.empty"),
        ("someone.example.com", "identifier.email.no_at"),
        ("someone@", "identifier.email.invalid"),
        ("some one@example.com", "identifier.email.invalid"),
        ("someone@@example.com", "identifier.email.invalid"),
    ],
)
def test_bad_addresses_get_a_plain_reason(raw: str, key: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        normalize(EMAIL, raw)
    assert caught.value.key == key
    assert "@" not in caught.value.message("zh_CN") or key == "identifier.email.no_at"


def test_real_world_cases(testdata) -> None:
    """email-validator's own cases that use default options; our canonical form is its `normalized`, lower-cased.

    Inputs that NFKC folding changes (full-width characters) are skipped: the app folds them first on purpose.
    """
    cases = json.loads((testdata / "email" / "email_validator_cases.json").read_text(encoding="utf-8"))["cases"]
    checked = 0
    wrong = []
    for case in cases:
        raw = case["input"]
        if case.get("options") or unicodedata.normalize("NFKC", raw) != raw or raw != raw.strip():
            continue
        expected = case.get("expected")
        if not isinstance(expected, dict):
            continue
        checked += 1
        try:
            got: str | None = normalize(EMAIL, raw).canonical
        except InvalidIdentifier:
            got = None
        if expected.get("valid") and "normalized" not in expected:
            continue  # a case about another field (e.g. display name) with no normalized form recorded
        want = expected["normalized"].lower() if expected.get("valid") else None
        if got != want:
            wrong.append(case["source"])
    assert checked > 50
    assert not wrong
