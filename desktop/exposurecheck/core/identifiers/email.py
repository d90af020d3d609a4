"""Email addresses: email-validator's syntax check (no DNS: the app works offline), then lower-cased whole.

Breach data is matched case-insensitively, so the canonical form lower-cases the local part too, which
email-validator deliberately does not do.
"""

from __future__ import annotations

from exposurecheck.core.identifiers.model import Identifier, IdentifierType, InvalidIdentifier
from exposurecheck.core.identifiers.text import fold_width

_KIND = IdentifierType.EMAIL


def normalize_email(raw: str) -> Identifier:
    text = fold_width(raw).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not text:
        raise InvalidIdentifier(_KIND, "identifier.email.empty")
    if "@" not in text:
        raise InvalidIdentifier(_KIND, "identifier.email.no_at")
    # Imported here, not at the top: its RFC constants take ~30 ms to compile, which a check without an email
    # (and every CLI start) should not pay. After the first call this is a dictionary lookup.
    import email_validator

    try:
        result = email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise InvalidIdentifier(_KIND, "identifier.email.invalid") from exc
    return Identifier(_KIND, result.normalized.lower())
