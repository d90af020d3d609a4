"""One translation mechanism for the core, the CLI and the GUI.

Messages live in `resources/i18n/<area>.<lang>.json` as flat `{key: text}` objects; every area has one file per
language with the same keys (a test enforces it). Placeholders use `{name}` and are filled by `str.format`.

Plural forms are data, not string tricks such as "leak(s)". A message that counts something is called with
`count=n`. The plain key holds the general form, which every count uses unless the language singles it out;
a language that has a separate form for some counts adds it under a suffixed key (CLDR's category names).
English adds `key.one` for a count of 1 ("1 leak" / "2 leaks"); Chinese has one form, so it needs nothing more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from exposurecheck.resources import resource_path

LANGUAGES = ("en", "zh_CN")
DEFAULT_LANGUAGE = "en"
# The plural categories each language writes out besides the general form (the plain key).
PLURAL_FORMS: dict[str, tuple[str, ...]] = {"en": ("one",), "zh_CN": ()}


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


def source_label(name: str, lang: str) -> str:
    """A data source's technical name for the details ("demo" → "Demo pack (practice data)" / "演示数据包（练习用）").

    Source names look like `demo`, `pack=PATH` or `service=URL`; the kind before `=` or `:` picks the label.
    An unknown kind shows as it is, which is better than hiding where a result came from.
    """
    for key in (f"source.{name}", f"source.{name.split(':', 1)[0].split('=', 1)[0]}"):
        # Messages with placeholders under "source." (source.unknown, …) are errors, not names.
        if "{" not in catalog(DEFAULT_LANGUAGE).get(key, "{"):
            return tr(key, lang)
    return name


def plain_source_label(name: str, lang: str) -> str:
    """A source's name in plain words for the main text ("Online password check", "Data file on this computer"),
    the same words the window uses (issue 12.9): no service brands, no "pack". `source_label` keeps the technical
    names for the details ("What left this computer", `--json`). A kind without a plain name falls back to it."""
    base = name.split(":", 1)[0].split("=", 1)[0]
    for key in (f"source.plain.{name}", f"source.plain.{base}"):
        if key in catalog(DEFAULT_LANGUAGE):
            return tr(key, lang)
    return source_label(name, lang)


def plural_category(lang: str, count: int) -> str | None:
    """The plural category of `count` in `lang` ("one" for 1 in English), or None for the general form."""
    if normalize_lang(lang) == "en" and count == 1:
        return "one"
    return None


def plural_key(key: str) -> str | None:
    """The general key a plural form belongs to (`a.b.one` → `a.b`), or None if `key` is not a plural form."""
    base, _, suffix = key.rpartition(".")
    if base and any(suffix in forms for forms in PLURAL_FORMS.values()):
        return base
    return None


def _message(key: str, lang: str, count: object) -> str | None:
    # bool is an int in Python, but True is not a count.
    if isinstance(count, int) and not isinstance(count, bool):
        category = plural_category(lang, count)
        if category is not None:
            form = catalog(lang).get(f"{key}.{category}")
            if form:
                return form
    return catalog(lang).get(key)


@dataclass(frozen=True)
class Approx:
    """A large figure people read as "about so many" (how many phone numbers a check could be narrowed down to).

    It stays a number until `tr` shows it, so a line built before the language is known, or shown again after a
    language switch, reads the way that language writes round figures: `Approx(12_500_000)` is "13,000,000" in
    English and "1300万" in Chinese (see `approx_figure`).
    """

    value: int

    def __str__(self) -> str:
        return approx_figure(self.value, DEFAULT_LANGUAGE)


# Chinese groups large figures by 万 (10^4) and 亿 (10^8), not by thousands: 1300万, 1.2亿, 16亿.
_CHINESE_UNITS = ((10**8, "亿"), (10**4, "万"))


def approx_figure(value: int, lang: str) -> str:
    """`value` to two significant figures, written the way `lang` writes a round figure.

    Halves round up, as people expect (12.5 million -> 13 million; 9,999 -> 10,000). Below 100 the figure is exact.
    English separates thousands ("13,000,000"). Chinese uses 亿 from 10^8 and 万 from 10^4, with at most the one
    decimal two significant figures need ("1.2万", "1300万", "1亿", "16亿"), and plain digits below 10^4 ("9900").
    The unit is chosen after rounding, so 99,990,000 is "1亿", not "10000万".
    """
    if value >= 100:
        unit = 10 ** (len(str(value)) - 2)
        value = (value + unit // 2) // unit * unit
    if normalize_lang(lang) != "zh_CN":
        return f"{value:,}"
    for size, word in _CHINESE_UNITS:
        if value >= size:
            whole, part = divmod(value, size)
            # Two significant figures leave at most one digit after the point (12,000 = 1.2万).
            tenths = part * 10 // size
            return f"{whole}.{tenths}{word}" if tenths else f"{whole}{word}"
    return str(value)


def tr(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message `key` in `lang`, with placeholders filled; `count=n` also picks the plural form for n.
    An `Approx` parameter is written the way `lang` writes round figures.

    A key missing from a language falls back to English, then to the key itself, so a gap shows up as a visible
    key rather than a crash (the both-languages test keeps such gaps out of main).
    """
    lang = normalize_lang(lang)
    params = {name: approx_figure(v.value, lang) if isinstance(v, Approx) else v for name, v in params.items()}
    count = params.get("count")
    text = _message(key, lang, count) or _message(key, DEFAULT_LANGUAGE, count) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text
