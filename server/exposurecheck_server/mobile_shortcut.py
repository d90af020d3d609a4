"""An exact shortcut for the commonest value in Chinese breach dumps: an 11-digit mobile number.

Normalizing a phone number with libphonenumber costs on the order of 100 µs, which caps a build from files at a
few thousand rows a second. For the shapes below the answer is known without parsing: the canonical form is
`+86` followed by the 11 digits, and whether the number is valid depends only on its leading digits. In the pinned
libphonenumber metadata (phonenumbers 9.0.43) the only CN pattern that matches 11-digit numbers starting 13–19 is
the mobile pattern, which constrains at most the first 5 digits; so validity is cached per 7-digit prefix (the
carrier block), and every cache entry is filled by the app's own `normalize` on the first number of that block.
If the real normalizer ever gives a canonical form other than the predicted one, the shortcut is not used for that
block. tests/server/test_mobile_shortcut.py compares the two on numbers from every 3-digit prefix.
"""

from __future__ import annotations

import re

from exposurecheck.core.identifiers import IdentifierType, InvalidIdentifier, normalize

# Optional +86 / 0086 (with an optional space or dash after it), then 3-4-4 digits with one consistent optional
# separator. ASCII digits only: full-width digits take the normal path.
_SHAPE = re.compile(r"(?:(\+86|0086)[ \-]?)?(1[3-9][0-9])([ \-]?)([0-9]{4})\3([0-9]{4})", re.ASCII)
_UNKNOWN = object()


class MobileShortcut:
    """Per-build cache of carrier-block validity; `normalize(raw, region)` returns the canonical form or None."""

    def __init__(self) -> None:
        self._valid: dict[str, bool] = {}
        self._disabled: set[str] = set()
        self.hits = 0

    def normalize(self, raw: str, region: str) -> str | None:
        """Canonical E.164 form of a phone number, or None if it is invalid (same answer as the core's normalize)."""
        match = _SHAPE.fullmatch(raw.strip())
        if match is None or (match.group(1) is None and region.upper() != "CN"):
            return _slow(raw, region)
        national = match.group(2) + match.group(4) + match.group(5)
        block = national[:7]
        known = self._valid.get(block, _UNKNOWN)
        if known is _UNKNOWN or block in self._disabled:
            result = _slow(raw, region)
            predicted = "+86" + national
            if result is None:
                self._valid[block] = False
            elif result == predicted:
                self._valid[block] = True
            else:  # never seen with the pinned metadata; if it happens, this block always takes the slow path
                self._disabled.add(block)
            return result
        self.hits += 1
        return "+86" + national if known else None


def _slow(raw: str, region: str) -> str | None:
    try:
        return normalize(IdentifierType.PHONE, raw, region=region).canonical
    except InvalidIdentifier:
        return None
