"""Email addresses with a plain ASCII local part, decided with email-validator's own rules — minus its per-call cost.

email-validator spends ~17 µs an address, most of it on the domain (character classes, UTS-46 mapping, IDNA).
A breach dump holds millions of addresses but few distinct domains, and the library checks the domain on its own:
`validate_email` (2.4.0, pinned) splits the address, checks the local part, checks the domain with
`validate_email_domain_name(domain, test_environment, globally_deliverable)`, joins them and checks three lengths.
So this module does the same steps in the same order, calling the library's own domain function once per
distinct domain (cached) and its own `DOT_ATOM_TEXT` pattern for the local part. It decides only when:

- the local part (the text before the first `@`) matches `DOT_ATOM_TEXT`, i.e. plain ASCII atoms and dots (checked
  as "only ATEXT characters and dots, no dot first, last or twice in a row", the same language without the
  regular expression; the characters are read from the library's own ATEXT and a test compares the two): then
  the library splits at that same `@` (no quotes or `<` before it, and no character can combine with `@`), keeps
  the local part unchanged (NFC and the RFC 2142 lower-casing change nothing once everything is lower-cased), and
  there is no display name;
- the domain is not empty, not a bracketed literal, and does not start with a combining mark.

Everything else — quoted or Unicode local parts, display names, literals — returns None and takes the exact path.
The app's own steps come first and are the same: fold width (ASCII needs none), strip, drop `mailto:`, require
an `@`, and lower-case the whole result. tests/server/ingest/test_fast_exact.py checks the agreement.
"""

from __future__ import annotations

import re
import unicodedata

import email_validator
from email_validator.rfc_constants import ATEXT, EMAIL_MAX_LENGTH
from email_validator.syntax import validate_email_domain_name

from exposurecheck.core.identifiers.text import fold_width

MAX_INPUT_LENGTH = 320  # the app's limit for any identifier
_MAX_DOMAINS = 200_000  # distinct domains remembered per process before the cache starts over
_INVALID = ("", 0)
_ATEXT_CLASS = re.compile("[" + ATEXT + "]")
# Deletes every character an unquoted local part may hold: what is left of a valid one is the empty string.
_LOCAL_CHARACTERS = str.maketrans("", "", "".join(c for c in map(chr, range(128)) if _ATEXT_CLASS.fullmatch(c)) + ".")


def is_dot_atom(local: str) -> bool:
    """`DOT_ATOM_TEXT.match(local)` of email-validator: atoms of ATEXT characters joined by single dots."""
    return (
        local != ""
        and not local.translate(_LOCAL_CHARACTERS)
        and local[0] != "."
        and local[-1] != "."
        and ".." not in local
    )


class FastEmail:
    """`decide(raw)` → the app's canonical form, "" if the app rejects it, or None if not decided here."""

    def __init__(self) -> None:
        self._domains: dict[str, tuple[str, int]] = {}

    def decide(self, raw: str) -> str | None:
        if len(raw) > MAX_INPUT_LENGTH:
            return ""
        text = (raw if raw.isascii() else fold_width(raw)).strip()
        if text[:7].lower() == "mailto:":
            text = text[7:]
        if "@" not in text:
            return ""  # includes the empty value
        local, _, domain_part = text.partition("@")
        if not is_dot_atom(local) or email_validator.STRICT:
            return None
        if not domain_part:
            return ""
        if domain_part[0] == "[" or _is_mark(domain_part[0]):
            return None
        domain, longest = self._domain(domain_part)
        # The library checks the UTF-8 length of local@domain for the domain as given, normalized and in ASCII;
        # the local part is ASCII, so that is its length + 1 + the longest of the three domains in UTF-8.
        if not domain or len(local) + 1 + longest > EMAIL_MAX_LENGTH:
            return ""
        return (local + "@" + domain).lower()

    def _domain(self, domain_part: str) -> tuple[str, int]:
        """(the library's normalized domain or "" if invalid, the longest UTF-8 length of its three forms)."""
        known = self._domains.get(domain_part)
        if known is not None:
            return known
        try:
            info = validate_email_domain_name(
                domain_part,
                test_environment=email_validator.TEST_ENVIRONMENT,
                globally_deliverable=email_validator.GLOBALLY_DELIVERABLE,
            )
            forms = (domain_part, info["domain"], info["ascii_domain"])
            result = (info["domain"], max(len(form.encode("utf-8")) for form in forms))
        except email_validator.EmailNotValidError:
            result = _INVALID
        if len(self._domains) >= _MAX_DOMAINS:
            self._domains.clear()
        self._domains[domain_part] = result
        return result


def _is_mark(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char).startswith("M")
