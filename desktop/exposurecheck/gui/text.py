"""Every string the GUI shows goes through `t()`, which is the core's `tr()` plus an optional stretch pseudolocale.

The stretch mode (environment variable EXPOSURECHECK_PSEUDO=1) makes every message about twice as long, the way
German or a verbose translation would, so a layout test can catch labels and buttons that clip their text.
It is read at call time rather than cached in a global, so tests can switch it per test with monkeypatch.
"""

from __future__ import annotations

import os
import unicodedata

from exposurecheck.core.i18n import tr

PSEUDO_ENV = "EXPOSURECHECK_PSEUDO"


def pseudo_enabled() -> bool:
    return os.environ.get(PSEUDO_ENV, "") not in ("", "0")


def stretch(text: str) -> str:
    """The text, framed and followed by a copy of itself, so its length roughly doubles."""
    if not text:
        return text
    return f"⟦{text} · {text}⟧"


def t(key: str, lang: str, /, **params: object) -> str:
    """The translated message `key` (see `exposurecheck.core.i18n.tr`), stretched when the pseudolocale is on."""
    text = tr(key, lang, **params)
    return stretch(text) if pseudo_enabled() else text


def plain(untrusted: object, limit: int = 5000) -> str:
    """Untrusted text made safe to show: control and format characters dropped (newlines kept), length bounded.

    Labels that show it are plain-text labels anyway; this also stops direction overrides from reordering text.
    """
    text = str(untrusted)[:limit]
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"})
