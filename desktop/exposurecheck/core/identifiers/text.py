"""Shared clean-up for typed or pasted input: full-width forms, odd spaces, invisible characters."""

from __future__ import annotations

import unicodedata

# Characters people paste without seeing them: zero-width spaces and joiners, BOM, direction marks.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def fold_width(text: str) -> str:
    """NFKC turns full-width digits, letters and the ideographic space into their ASCII forms."""
    return unicodedata.normalize("NFKC", text).translate(_INVISIBLE)


def strip_separators(text: str, separators: str = " -\t") -> str:
    return "".join(ch for ch in text if ch not in separators)


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} for ch in text)
