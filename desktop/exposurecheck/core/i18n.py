"""One translation mechanism for the core, the CLI and the GUI.

Messages live in `resources/i18n/<area>.<lang>.json` as flat `{key: text}` objects; every area has one file per
language with the same keys (a test enforces it). Placeholders use `{name}` and are filled by `str.format`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from exposurecheck.resources import resource_path

LANGUAGES = ("en", "zh_CN")
DEFAULT_LANGUAGE = "en"


def normalize_lang(lang: str | None) -> str:
    """Map a locale name such as `zh-CN`, `zh_CN.UTF-8` or `en_GB` to one of LANGUAGES."""
    if not lang:
        return DEFAULT_LANGUAGE
    low = lang.replace("-", "_").split(".")[0].lower()
    if low.startswith("zh"):
        return "zh_CN"
    return DEFAULT_LANGUAGE


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages for one language, merged from every area file."""
    messages: dict[str, str] = {}
    folder = resource_path("i18n")
    for path in sorted(folder.glob(f"*.{lang}.json")):
        messages.update(_read(path))
    return messages


def _read(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected an object of messages")
    return {str(k): str(v) for k, v in data.items()}


def tr(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message `key` in `lang`, with placeholders filled.

    A key missing from a language falls back to English, then to the key itself, so a gap shows up as a visible
    key rather than a crash (the both-languages test keeps such gaps out of main).
    """
    lang = normalize_lang(lang)
    text = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE).get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
