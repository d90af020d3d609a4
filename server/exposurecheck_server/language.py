"""The language of the operator tools' messages: from the locale, like the app's CLI (English unless it is Chinese)."""

from __future__ import annotations

import os

from exposurecheck.core.i18n import normalize_lang


def admin_lang() -> str:
    return normalize_lang(os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG"))
