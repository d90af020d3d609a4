"""One entry point that picks the right normalizer for a type."""

from __future__ import annotations

import unicodedata

from exposurecheck.core.identifiers.cn_id import normalize_cn_id
from exposurecheck.core.identifiers.email import normalize_email
from exposurecheck.core.identifiers.model import Identifier, IdentifierType, InvalidIdentifier
from exposurecheck.core.identifiers.phone import DEFAULT_REGION, normalize_phone
from exposurecheck.core.identifiers.text import has_control_characters

MAX_INPUT_LENGTH = 320  # longer than any valid email; stops pasted documents early


def normalize(kind: IdentifierType, raw: str, *, region: str = DEFAULT_REGION) -> Identifier:
    """Canonical form of `raw`, or `InvalidIdentifier` with a plain-language reason.

    Passwords are never altered: they are hashed exactly as typed, because that is how Pwned Passwords stores them.
    """
    if kind is IdentifierType.PASSWORD:
        if raw == "":
            raise InvalidIdentifier(kind, "identifier.password.empty")
        return Identifier(kind, raw)
    if len(raw) > MAX_INPUT_LENGTH:
        raise InvalidIdentifier(kind, "identifier.too_long")
    if kind is IdentifierType.PHONE:
        return normalize_phone(raw, region)
    if kind is IdentifierType.EMAIL:
        return normalize_email(raw)
    if kind is IdentifierType.CN_ID:
        return normalize_cn_id(raw)
    return normalize_username(raw)


def normalize_username(raw: str) -> Identifier:
    kind = IdentifierType.USERNAME
    text = unicodedata.normalize("NFKC", raw).strip().casefold()
    # casefold can produce a form that is no longer NFKC (e.g. some ligatures); normalise once more.
    text = unicodedata.normalize("NFKC", text)
    if not text:
        raise InvalidIdentifier(kind, "identifier.username.empty")
    if has_control_characters(text):
        raise InvalidIdentifier(kind, "identifier.username.control_characters")
    return Identifier(kind, text)
