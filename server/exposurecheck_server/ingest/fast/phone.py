"""Chinese mobile numbers in the shapes breach dumps use, decided without parsing — with the app's exact answer.

The app's `normalize` (libphonenumber) costs ~20 µs a number; a billion-row build cannot afford it. For the
shapes below the answer is known from the digits alone, so this module decides them in well under a microsecond
and returns `None` ("not decided") for everything else, which then takes the exact path.

Why the answer is exact (phonenumbers 9.0.43, region CN; tests/server/ingest/test_fast_exact.py checks it):

1. Text. The app first NFKC-folds the value and drops invisible characters; for ASCII text that changes nothing,
   so ASCII values are read as they are and anything else is folded with the app's own `fold_width` first.
2. Shape. The folded, stripped text is at most 40 characters of ASCII digits, spaces and `-.()`, with one `+` at
   most, only as its first character or right after a leading `(`. libphonenumber reads such text purely as its
   digits: all of those characters are its punctuation, none starts an extension, a second number or an RFC 3966
   part, punctuation before the first digit or plus is skipped and after the last digit trimmed. So the result
   depends only on D = the digits and on whether there is a plus (the app turns a leading `00` into a plus first).
3. Digits. With N a national number `1[3-9]…` of 7 to 12 digits that does not start with 179, the app's parse
   gives country code 86 and national number N exactly when D is: `86`+N with a plus; N itself; `0`+N (the
   national prefix: no CN pattern starts with 0, so it is always stripped); `0086`+N (the IDD); or, for an
   11-digit N only, `86`+N without a plus (13 digits are too long for CN, so the country code is stripped). 179 is
   excluded because `179xx` is a CN carrier-code prefix and `179xx00` an IDD, which libphonenumber may strip; 11x
   and 12x are carrier-code prefixes too, and `1[3-9]` leaves them out. Every other digit string is not decided.
4. Validity. For such N, `is_valid_number` depends only on N's length and first five digits: of the CN patterns,
   only the general one (by length and first digit), mobile (11 digits, constraining at most five) and premium
   rate (8 digits, `16[08]`) can match a number starting 1[3-9]; fixed-line, toll-free and shared-cost numbers
   start otherwise. So validity is cached per length and five-digit prefix, each entry computed by libphonenumber's
   own `is_valid_number` (at most a few hundred thousand entries, filled on first use). The canonical form of a
   valid number is then `+86` + N, as the app's E.164 formatting gives.
"""

from __future__ import annotations

import phonenumbers

from exposurecheck.core.identifiers.text import fold_width

_SEPARATORS = str.maketrans("", "", " ().-")  # what point 2 allows besides digits and one leading plus
_MAX_TEXT = 40
MAX_INPUT_LENGTH = 320  # the app's limit (core.identifiers.normalize): longer raw values are invalid outright
PREFIX_DIGITS = 5  # the digits of N that, with its length, decide its validity (see point 4 above)
SHORTEST, LONGEST = 7, 12  # the lengths of N decided here
_UNDECIDED, _INVALID, _VALID = 0, 1, 2


class FastPhone:
    """Per-process cache of validity by five-digit prefix. `decide(raw)` → canonical, "" (invalid) or None."""

    def __init__(self, region: str) -> None:
        self.enabled = region.upper() == "CN"
        self._prefixes: dict[str | tuple[int, str], int] = {}

    def decide(self, raw: str) -> str | None:
        """The app's canonical form of `raw`, "" if the app rejects it, or None if this shape is not decided here."""
        if not self.enabled:
            return None
        if len(raw) > MAX_INPUT_LENGTH:
            return ""
        text = (raw if raw.isascii() else fold_width(raw)).strip()
        # Point 2 without a regular expression (a third of the cost): drop the separators, then what is left must
        # be ASCII digits, or a plus that was the text's first character (or came right after a leading "(").
        digits = text.translate(_SEPARATORS)
        plus = digits[:1] == "+" and (text[0] == "+" or text[:2] == "(+")
        if plus:
            digits = digits[1:]
        if not (digits.isdigit() and digits.isascii() and len(text) <= _MAX_TEXT):
            # The app refuses text with fewer than three digits whatever else it holds (its steps before that
            # check only remove characters), so junk such as "n/a" is decided here too.
            return "" if _digit_count(text) < 3 else None
        if text.startswith("00"):  # the app reads a leading 00 as +
            digits, plus = digits[2:], True
        if len(digits) < 3:
            return ""  # the app's digit count, taken after the same 00 rule
        national = _national(digits, plus)
        if national is None:
            return None
        # The usual 11 digits are keyed by their prefix alone; other lengths carry theirs in the key.
        key = national[:PREFIX_DIGITS] if len(national) == 11 else (len(national), national[:PREFIX_DIGITS])
        verdict = self._prefixes.get(key)
        if verdict is None:
            verdict = self._prefixes[key] = _verdict(national)
        if verdict == _VALID:
            return "+86" + national
        return "" if verdict == _INVALID else None


def _national(digits: str, plus: bool) -> str | None:
    """Point 3: N for the digit strings it lists (N itself is checked by `_verdict`), else None."""
    if plus:
        return digits[2:] if digits.startswith("86") else None
    if digits[:1] == "1":
        return digits
    if digits.startswith("0086"):
        return digits[4:]
    if digits[:1] == "0":
        return digits[1:]
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    return None


def _verdict(national: str) -> int:
    """Points 3 and 4: undecided unless N is 1[3-9]… of 7-12 digits but not 179…; then libphonenumber's validity."""
    if not SHORTEST <= len(national) <= LONGEST or national[0] != "1" or national[1] not in "3456789":
        return _UNDECIDED
    if national.startswith("179"):
        return _UNDECIDED
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(national))
    return _VALID if phonenumbers.is_valid_number(number) else _INVALID


def _digit_count(text: str) -> int:
    if text.isascii():
        return sum(map(text.count, "0123456789"))
    return sum(ch.isdigit() for ch in text)
