"""Phone numbers to E.164 with the pinned `phonenumbers` (libphonenumber's metadata decides what is valid)."""

from __future__ import annotations

import re

import phonenumbers

from exposurecheck.core.identifiers.model import Identifier, IdentifierType, InvalidIdentifier
from exposurecheck.core.identifiers.text import fold_width

DEFAULT_REGION = "CN"
_KIND = IdentifierType.PHONE
_TEL_URI = re.compile(r"^tel:", re.IGNORECASE)
_ALLOWED = re.compile(r"^[0-9+()\-.\s/;=a-zA-Z#*,]*$")


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> Identifier:
    """Return the E.164 form (`+8613800138000`); an extension is dropped."""
    text = fold_width(raw).strip()
    if not text:
        raise InvalidIdentifier(_KIND, "identifier.phone.empty")
    if _TEL_URI.match(text):
        # phonenumbers understands RFC 3966 parameters (;ext=, ;phone-context=) once the scheme is gone.
        text = text[4:].strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if not _ALLOWED.match(text) or sum(ch.isdigit() for ch in text) < 3:
        raise InvalidIdentifier(_KIND, "identifier.phone.not_a_number")
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier(_KIND, "identifier.phone.not_a_number") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(_KIND, _why_invalid(number))
    number.extension = None
    return Identifier(_KIND, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def is_region(code: str) -> bool:
    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def _why_invalid(number: phonenumbers.PhoneNumber) -> str:
    national = str(number.national_number)
    # Chinese mobiles all start with 1 and have 11 digits; libphonenumber would call a 10-digit one a "possible"
    # landline, but the person almost surely dropped or added a digit of their mobile number.
    if number.country_code == 86 and national.startswith("1") and len(national) != 11:
        return "identifier.phone.wrong_length"
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE:
        return "identifier.phone.not_in_use"
    return "identifier.phone.wrong_length"
