"""Masked hints such as `+86 138 **** 8000`: enough for a person to recognise their own entry, not to recover it."""

from __future__ import annotations

import phonenumbers

from exposurecheck.core.identifiers.model import Identifier, IdentifierType


def mask(identifier: Identifier) -> str:
    value = identifier.canonical
    if identifier.type is IdentifierType.PHONE:
        return _mask_phone(value)
    if identifier.type is IdentifierType.EMAIL:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    if identifier.type is IdentifierType.CN_ID:
        return f"{value[:3]}{'*' * 13}{value[-2:]}"
    if identifier.type is IdentifierType.USERNAME:
        return f"{value[:1]}***"
    return "******"


def _mask_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "+** **** " + e164[-2:]
    national = str(number.national_number)
    if len(national) >= 8:
        return f"+{number.country_code} {national[:3]} **** {national[-4:]}"
    return f"+{number.country_code} {'*' * (len(national) - 2)}{national[-2:]}"
