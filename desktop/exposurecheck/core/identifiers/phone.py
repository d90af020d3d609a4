"""Phone numbers to E.164 with the pinned `phonenumbers` (libphonenumber's metadata decides what is valid).

Every character libphonenumber reads as part of a number is accepted here too — digits of any script (Arabic-Indic,
Devanagari, full-width, ...), its punctuation including invisible separators (U+00AD, U+200B, U+2060) and odd
dashes — so the app takes every way of writing a number that the library does, and the pack and service builders
(which call this function, or fast paths proved equal to it) agree with the app. Text around a number, such as a
label or a name, is still refused: libphonenumber would cut it off and guess, and a guess is not a phone number.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from exposurecheck.core.identifiers.model import Identifier, IdentifierType, InvalidIdentifier
from exposurecheck.core.identifiers.text import fold_width

DEFAULT_REGION = "CN"
_KIND = IdentifierType.PHONE
_TEL_URI = re.compile(r"^tel:", re.IGNORECASE)
# libphonenumber's punctuation (phonenumberutil._VALID_PUNCTUATION, with its dash and full-width ranges) and plus
# signs; tests/core/identifiers/test_phone.py checks this covers the pinned library's set.
_PUNCTUATION = (
    "\\-x\u2010-\u2015\u2212\u30fc\uff0d-\uff0f \u00a0\u00ad\u200b\u2060\u3000"
    "()\uff08\uff09\uff3b\uff3d.\\[\\]/~\u2053\u223c\uff5e"
)
_ALLOWED = re.compile("^[0-9+\uff0b;=a-zA-Z#*,\\s" + _PUNCTUATION + "]*$")


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> Identifier:
    """Return the E.164 form (`+8613800138000`); an extension is dropped."""
    text = fold_width(raw).strip()
    if not text:
        raise InvalidIdentifier(_KIND, "identifier.phone.empty")
    if _TEL_URI.match(text):
        # phonenumbers understands RFC 3966 parameters (;ext=, ;phone-context=) once the scheme is gone.
        text = text[4:].strip()
    text = _ascii_digits(text)  # before the 00 rule, so ٠٠٨٦… is read as +86… like 0086…
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


def _ascii_digits(text: str) -> str:
    """Decimal digits of every script as ASCII digits (libphonenumber reads them all; NFKC leaves most alone)."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


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
