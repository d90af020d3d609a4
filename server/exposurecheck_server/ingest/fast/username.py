"""Usernames in ASCII or in plain Chinese characters: the app's NFKC and case-folding change nothing there but
lower-casing the ASCII letters, and cost a lot.

The app computes NFKC(NFKC(raw).strip().casefold()) and refuses empty results and control characters. For text
made only of printable ASCII and CJK Unified Ideographs (U+4E00-U+9FFF) both NFKC passes are the identity (none of
those characters has a decomposition, and none combines with another), casefold is lower() (only the ASCII letters
have case), and none of them is a control, format, surrogate or private-use character. Stripping first or after
NFKC is the same for such text, since NFKC only changes characters outside the set. So the canonical form is
raw.strip().lower() when that is non-empty and in the set. Other text takes the exact path.
"""

from __future__ import annotations

import re

MAX_INPUT_LENGTH = 320
_PLAIN = re.compile("[\x20-\x7e\u4e00-\u9fff]+")


class FastUsername:
    """`decide(raw)` → canonical username, "" if the app rejects it, or None if not decided here."""

    def decide(self, raw: str) -> str | None:
        if len(raw) > MAX_INPUT_LENGTH:
            return ""
        if raw.isascii():
            # ASCII: control characters are exactly what isprintable() refuses (category Cc).
            text = raw.strip().lower()
            return text if text and text.isprintable() else ""
        text = raw.strip()
        if _PLAIN.fullmatch(text):
            return text.lower()
        return None
