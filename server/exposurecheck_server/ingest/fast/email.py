"""Email addresses decided with email-validator's own rules — minus its per-call cost.

email-validator spends ~17 µs an address, most of it on the domain (character classes, UTS-46 mapping, IDNA).
A breach dump holds millions of addresses but few distinct domains, and the library checks the domain on its own:
`validate_email` (2.4.0, pinned) splits the address, checks the local part, checks the domain with
`validate_email_domain_name(domain, test_environment, globally_deliverable)`, joins them and checks three lengths.
So this module does the same steps in the same order with the library's own functions, calling the domain
function once per distinct domain (cached). It decides when the local part (the text before the first `@`) holds
no `"` and no `<`: then the library splits at that same `@` (no quote or angle bracket opens before it, and no
character combines with `@`) and there is no display name. The local part is then checked

- if it matches `DOT_ATOM_TEXT` (plain ASCII atoms and dots; checked as "only ATEXT characters and dots, no dot
  first, last or twice in a row", the same language without the regular expression, from the library's own ATEXT;
  a test compares the two): nothing more to do, the library keeps such a local part unchanged;
- otherwise (Unicode local parts): with the library's `validate_email_local_part`, before and after NFC, exactly
  as `validate_email` calls it;

and the domain must not be empty, a bracketed literal, or start with a combining mark. Quoted local parts,
display names and literals return None and take the exact path. The app's own steps come first and are the same:
fold width (ASCII needs none), strip, drop `mailto:`, require an `@`, and lower-case the whole result (which also
covers the library's RFC 2142 lower-casing). tests/server/ingest/test_fast_exact.py checks the agreement.
"""

from __future__ import annotations

import re
import unicodedata

import email_validator
from email_validator.rfc_constants import ATEXT, EMAIL_MAX_LENGTH
from email_validator.syntax import validate_email_domain_name, validate_email_local_part

from exposurecheck.core.identifiers.text import fold_width

MAX_INPUT_LENGTH = 320  # the app's limit for any identifier
_MAX_DOMAINS = 200_000  # distinct domains remembered per process before the cache starts over
_INVALID = ("", 0, 0)
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
        self._domains: dict[str, tuple[str, int, int]] = {}

    def decide(self, raw: str) -> str | None:
        if len(raw) > MAX_INPUT_LENGTH:
            return ""
        text = (raw if raw.isascii() else fold_width(raw)).strip()
        if text[:7].lower() == "mailto:":
            text = text[7:]
        if "@" not in text:
            return ""  # includes the empty value
        local, _, domain_part = text.partition("@")
        if email_validator.STRICT:
            return None
        if is_dot_atom(local):
            local_part = local
        elif '"' in local or "<" in local:
            return None
        else:
            checked = _local_part(local)
            if checked is None:
                return ""
            local_part = checked
        if not domain_part:
            return ""
        if domain_part[0] == "[" or _is_mark(domain_part[0]):
            return None
        domain, given_length, longest = self._domain(domain_part)
        # The library checks the UTF-8 length of three forms: the address as given, normalized, and with the
        # domain in ASCII (the last two with the normalized local part).
        if not domain or len((local + "@").encode()) + given_length > EMAIL_MAX_LENGTH:
            return ""
        if len((local_part + "@").encode()) + longest > EMAIL_MAX_LENGTH:
            return ""
        return (local_part + "@" + domain).lower()

    def _domain(self, domain_part: str) -> tuple[str, int, int]:
        """(the library's normalized domain or "" if invalid, the UTF-8 length of the domain as given, the longer
        UTF-8 length of its normalized and ASCII forms)."""
        known = self._domains.get(domain_part)
        if known is not None:
            return known
        try:
            info = validate_email_domain_name(
                domain_part,
                test_environment=email_validator.TEST_ENVIRONMENT,
                globally_deliverable=email_validator.GLOBALLY_DELIVERABLE,
            )
            normalized = max(len(info["domain"].encode()), len(info["ascii_domain"].encode()))
            result = (info["domain"], len(domain_part.encode()), normalized)
        except email_validator.EmailNotValidError:
            result = _INVALID
        if len(self._domains) >= _MAX_DOMAINS:
            self._domains.clear()
        self._domains[domain_part] = result
        return result


def _local_part(local: str) -> str | None:
    """The library's normalized unquoted local part, checked as `validate_email` checks it; None if invalid."""
    options = {
        "allow_smtputf8": email_validator.ALLOW_SMTPUTF8,
        "allow_empty_local": email_validator.ALLOW_EMPTY_LOCAL,
        "quoted_local_part": False,
        "strict": email_validator.STRICT,
    }
    try:
        info = validate_email_local_part(local, **options)
        normalized = unicodedata.normalize("NFC", local)
        if normalized != local:
            info = validate_email_local_part(normalized, **options)
    except email_validator.EmailNotValidError:
        return None
    return info["local_part"]


def _is_mark(char: str) -> bool:
    return not char.isascii() and unicodedata.category(char).startswith("M")
