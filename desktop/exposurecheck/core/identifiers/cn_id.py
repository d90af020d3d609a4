"""Chinese resident ID numbers (GB 11643-1999): 18 characters with an ISO 7064 MOD 11-2 check character.

Legacy 15-digit numbers (issued before 1999) are upgraded to 18 by inserting the century and computing the
check character, so both forms of one person's number match the same breach records.
"""

from __future__ import annotations

import datetime as dt
import re

from exposurecheck.core.identifiers.model import Identifier, IdentifierType, InvalidIdentifier
from exposurecheck.core.identifiers.text import fold_width, strip_separators

_KIND = IdentifierType.CN_ID
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# First two digits: province-level codes of GB/T 2260, plus 71/81/82/83 (Taiwan, Hong Kong, Macau residence
# permits) and 91 (overseas), which appear on real cards.
PROVINCE_CODES = frozenset(
    (
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
        "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
        "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83", "91",
    )
)
_SHAPE_18 = re.compile(r"^\d{17}[\dX]$")
_SHAPE_15 = re.compile(r"^\d{15}$")


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_cn_id(raw: str, today: dt.date | None = None) -> Identifier:
    text = strip_separators(fold_width(raw).strip()).upper()
    if not text:
        raise InvalidIdentifier(_KIND, "identifier.cn_id.empty")
    if _SHAPE_15.match(text):
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_character(first17)
    if len(text) != 18:
        raise InvalidIdentifier(_KIND, "identifier.cn_id.wrong_length", length=len(text))
    if not _SHAPE_18.match(text):
        raise InvalidIdentifier(_KIND, "identifier.cn_id.bad_characters")
    if text[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(_KIND, "identifier.cn_id.bad_region")
    _check_birth_date(text[6:14], today or dt.date.today())
    if check_character(text[:17]) != text[17]:
        raise InvalidIdentifier(_KIND, "identifier.cn_id.bad_check")
    return Identifier(_KIND, text)


def _check_birth_date(digits: str, today: dt.date) -> None:
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise InvalidIdentifier(_KIND, "identifier.cn_id.bad_date") from exc
    if born > today or born.year < 1850:
        raise InvalidIdentifier(_KIND, "identifier.cn_id.bad_date")
