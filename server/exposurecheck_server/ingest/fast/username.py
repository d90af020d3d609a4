"""Usernames in ASCII: the app's NFKC and case-folding change nothing there but lower-casing, and cost a lot.

The app computes NFKC(NFKC(raw).strip().casefold()) and refuses empty results and control characters. For ASCII
text both NFKC passes are the identity and casefold is lower(); the only control characters ASCII has are
category Cc (0x00-0x1F, 0x7F), which are exactly the ASCII characters `str.isprintable()` refuses. So the
canonical form is raw.strip().lower() when that is non-empty and printable. Other text takes the exact path.
"""

from __future__ import annotations

MAX_INPUT_LENGTH = 320


class FastUsername:
    """`decide(raw)` → canonical username, "" if the app rejects it, or None if not decided here."""

    def decide(self, raw: str) -> str | None:
        if len(raw) > MAX_INPUT_LENGTH:
            return ""
        if not raw.isascii():
            return None
        text = raw.strip().lower()
        return text if text and text.isprintable() else ""
