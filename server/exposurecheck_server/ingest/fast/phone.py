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
3. Digits. With N an 11-digit national number `1[3-9]…` that does not start with 179, the app's parse gives
   country code 86 and national number N exactly when D is one of: `86`+N with a plus; N; `0`+N (the national
   prefix); `86`+N without a plus (13 digits are too long for CN, so the country code is stripped); `0086`+N (the
   IDD). 179 is excluded because `179xx` is a CN carrier-code prefix and `179xx00` an IDD, which libphonenumber may
   strip. Every other digit string is not decided here.
4. Validity. For such N, `is_valid_number` depends on the first five digits only: N always matches the general
   pattern (`1\\d{10}`), no CN number type other than mobile has an 11-digit pattern starting 1[3-9], and the
   mobile pattern constrains at most five digits. So validity is cached per five-digit prefix, and each entry is
   computed by libphonenumber's own `is_valid_number` (at most 70,000 entries, filled on first use).
   The canonical form of a valid number is then `+86` + N, as the app's E.164 formatting gives.
"""

from __future__ import annotations

import phonenumbers

from exposurecheck.core.identifiers.text import fold_width

_SEPARATORS = str.maketrans("", "", " ().-")  # what point 2 allows besides digits and one leading plus
_MAX_TEXT = 40
MAX_INPUT_LENGTH = 320  # the app's limit (core.identifiers.normalize): longer raw values are invalid outright
PREFIX_DIGITS = 5  # the digits of N that decide its validity (see point 4 above)
# Point 3: (plus?, number of digits) → (what the digits start with, where N starts).
_DIGIT_SHAPES = {
    (True, 13): ("86", 2),
    (False, 11): ("", 0),
    (False, 12): ("0", 1),
    (False, 13): ("86", 2),
    (False, 15): ("0086", 4),
}
_UNDECIDED, _INVALID, _VALID = 0, 1, 2


class FastPhone:
    """Per-process cache of validity by five-digit prefix. `decide(raw)` → canonical, "" (invalid) or None."""

    def __init__(self, region: str) -> None:
        self.enabled = region.upper() == "CN"
        self._prefixes: dict[str, int] = {}

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
        shape = _DIGIT_SHAPES.get((plus, len(digits)))
        if shape is None or not digits.startswith(shape[0]):
            return "" if len(digits) < 3 else None
        national = digits[shape[1] :]
        verdict = self._prefixes.get(national[:PREFIX_DIGITS])
        if verdict is None:
            verdict = self._prefixes[national[:PREFIX_DIGITS]] = _verdict(national)
        if verdict == _VALID:
            return "+86" + national
        return "" if verdict == _INVALID else None


def _verdict(national: str) -> int:
    """Point 3 and 4: undecided unless N is 1[3-9]… but not 179…; then libphonenumber's own validity."""
    if national[0] != "1" or national[1] not in "3456789" or national.startswith("179"):
        return _UNDECIDED
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(national))
    return _VALID if phonenumbers.is_valid_number(number) else _INVALID


def _digit_count(text: str) -> int:
    if text.isascii():
        return sum(map(text.count, "0123456789"))
    return sum(ch.isdigit() for ch in text)
