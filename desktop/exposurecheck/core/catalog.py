"""The breach catalog: what each known breach was, when, how big, and which kinds of data it exposed.

The app ships a catalog written in the project's own words (`resources/catalog/breaches.json`); packs and manifests
carry their own, and the loader also reads Have I Been Pwned's v3 breach JSON (data by haveibeenpwned.com,
CC BY 4.0). Every catalog that does not come from the bundled resources is untrusted: text is reduced to plain text
(HTML removed, control characters stripped, lengths capped) before it becomes a `Breach`, so no markup can ever
reach a screen.

Data-class keys are HIBP's class names ("Phone numbers") plus China-specific `cn_*` classes HIBP lacks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from exposurecheck.core import untrusted_text
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang
from exposurecheck.resources import resource_path

FORMAT_NAME = "exposurecheck.catalog"
FORMAT_VERSION = 1

# Caps keep a hostile catalog from flooding a screen or memory; real HIBP text stays well below them.
_MAX_ID = 100
_MAX_TITLE = 200
_MAX_DESCRIPTION = 5000
_MAX_CLASS = 100
_MAX_CLASSES = 200
_MAX_SOURCES = 20
_MAX_URL = 500
_MAX_BREACHES = 100_000

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Breach:
    """One known breach. Text fields are plain text; `data_classes` are HIBP names or `cn_*` keys."""

    id: str
    title_en: str
    title_zh: str
    date: str
    pwn_count: int | None
    data_classes: tuple[str, ...]
    description_en: str
    description_zh: str
    sources: tuple[str, ...] = ()
    demo: bool = False

    def title(self, lang: str) -> str:
        """The title in `lang`, falling back to English where no Chinese title exists (e.g. HIBP entries)."""
        if normalize_lang(lang) == "zh_CN" and self.title_zh:
            return self.title_zh
        return self.title_en or self.title_zh or self.id

    def description(self, lang: str) -> str:
        """The description in `lang`, falling back to English."""
        if normalize_lang(lang) == "zh_CN" and self.description_zh:
            return self.description_zh
        return self.description_en or self.description_zh


class Catalog(Mapping[str, Breach]):
    """An immutable mapping of breach id to `Breach`."""

    def __init__(self, breaches: Iterable[Breach] = ()) -> None:
        entries: dict[str, Breach] = {}
        for breach in breaches:
            entries[breach.id] = breach
        self._entries: Mapping[str, Breach] = MappingProxyType(entries)

    def __getitem__(self, breach_id: str) -> Breach:
        return self._entries[breach_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, breach_id: object) -> bool:
        return breach_id in self._entries

    def __repr__(self) -> str:
        return f"Catalog({len(self)} breaches)"

    def merge(self, other: Catalog) -> Catalog:
        """A new catalog with the entries of both; where an id is in both, `other`'s entry wins."""
        return Catalog([*self.values(), *other.values()])


# --- plain text from untrusted input -------------------------------------------------------------------------


def plain_text(untrusted: object, limit: int = _MAX_DESCRIPTION) -> str:
    """Untrusted text or HTML → one line of plain text: no tags, no control characters, at most `limit` chars.

    Linear in the input, which is capped before it is read (see core/untrusted_text.py)."""
    return untrusted_text.plain_text(untrusted, limit)


def _clean_line(text: str, limit: int) -> str:
    return untrusted_text.clean_line(text, limit)


def _clean_url(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    url = _clean_line(value, _MAX_URL)
    if any(ch in url for ch in ' <>"') or not url.lower().startswith(("https://", "http://")):
        return None
    return url


# --- parsing ---------------------------------------------------------------------------------------------------


def catalog_from_json(data: bytes | str | object) -> Catalog:
    """Read a catalog from JSON bytes/str or already-parsed JSON.

    Accepts the project's own format (`{"format": "exposurecheck.catalog", "version": 1, "breaches": [...]}` or a
    bare list of such entries) and HIBP breach JSON (a list of objects with `Name`, `Title`, `BreachDate`, ..., or
    a single such object). Raises `UserError("catalog.error.invalid")` when the data is not a catalog.
    """
    parsed: Any = data
    if isinstance(data, bytes | bytearray | str):
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            raise UserError("catalog.error.not_json") from None
    if isinstance(parsed, dict) and "breaches" in parsed:
        if parsed.get("format", FORMAT_NAME) != FORMAT_NAME:
            raise UserError("catalog.error.invalid")
        version = parsed.get("version", FORMAT_VERSION)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise UserError("catalog.error.version")
        parsed = parsed["breaches"]
    elif isinstance(parsed, dict) and "Name" in parsed:
        parsed = [parsed]
    if not isinstance(parsed, list) or len(parsed) > _MAX_BREACHES:
        raise UserError("catalog.error.invalid")
    breaches = []
    for position, entry in enumerate(parsed, start=1):
        if not isinstance(entry, dict):
            raise UserError("catalog.error.entry", position=position)
        breach = _from_hibp(entry) if "Name" in entry else _from_own(entry)
        if breach is None:
            raise UserError("catalog.error.entry", position=position)
        breaches.append(breach)
    return Catalog(breaches)


def _breach_id(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > _MAX_ID or not _ID_RE.match(value):
        return None
    return value


def _date(value: object) -> str:
    # HIBP dates are "YYYY-MM-DD"; a timestamp is cut to its date, anything else becomes "" (unknown).
    if isinstance(value, str) and _DATE_RE.match(value[:10]):
        return value[:10]
    return ""


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _classes(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    seen: dict[str, None] = {}
    for item in value[:_MAX_CLASSES]:
        name = plain_text(item, _MAX_CLASS)
        if name:
            seen.setdefault(name, None)
    return tuple(seen)


def _sources(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    urls = (_clean_url(item) for item in value[:_MAX_SOURCES])
    return tuple(url for url in urls if url)


def _from_hibp(entry: Mapping[str, Any]) -> Breach | None:
    breach_id = _breach_id(entry.get("Name"))
    classes = _classes(entry.get("DataClasses", []))
    if breach_id is None or classes is None:
        return None
    title = plain_text(entry.get("Title"), _MAX_TITLE) or breach_id
    sources: list[str] = []
    domain = entry.get("Domain")
    if isinstance(domain, str) and re.fullmatch(r"[A-Za-z0-9.\-]{1,253}", domain):
        sources.append(f"https://{domain}")
    disclosure = _clean_url(entry.get("DisclosureUrl"))
    if disclosure:
        sources.append(disclosure)
    return Breach(
        id=breach_id,
        title_en=title,
        title_zh="",
        date=_date(entry.get("BreachDate")),
        pwn_count=_count(entry.get("PwnCount")),
        data_classes=classes,
        description_en=plain_text(entry.get("Description")),
        description_zh="",
        sources=tuple(sources),
        demo=False,
    )


def _from_own(entry: Mapping[str, Any]) -> Breach | None:
    breach_id = _breach_id(entry.get("id"))
    classes = _classes(entry.get("data_classes", []))
    if breach_id is None or classes is None:
        return None
    return Breach(
        id=breach_id,
        title_en=plain_text(entry.get("title_en"), _MAX_TITLE),
        title_zh=plain_text(entry.get("title_zh"), _MAX_TITLE),
        date=_date(entry.get("date")),
        pwn_count=_count(entry.get("pwn_count")),
        data_classes=classes,
        description_en=plain_text(entry.get("description_en")),
        description_zh=plain_text(entry.get("description_zh")),
        sources=_sources(entry.get("sources", [])),
        demo=entry.get("demo") is True,
    )


def catalog_to_json(catalog: Catalog) -> bytes:
    """The canonical bytes of a catalog (sorted keys and ids, compact, UTF-8): packs and manifests sign these."""
    breaches = [
        {
            "id": b.id,
            "title_en": b.title_en,
            "title_zh": b.title_zh,
            "date": b.date,
            "pwn_count": b.pwn_count,
            "data_classes": list(b.data_classes),
            "description_en": b.description_en,
            "description_zh": b.description_zh,
            "sources": list(b.sources),
            "demo": b.demo,
        }
        for b in sorted(catalog.values(), key=lambda b: b.id)
    ]
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "breaches": breaches}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@cache
def load_bundled_catalog() -> Catalog:
    """The catalog that ships with the app (cached: it is immutable)."""
    return catalog_from_json(resource_path("catalog", "breaches.json").read_bytes())


# --- data-class labels -----------------------------------------------------------------------------------------


@cache
def _labels() -> Mapping[str, Mapping[str, str]]:
    data = json.loads(resource_path("catalog", "data_classes.json").read_text(encoding="utf-8"))
    return MappingProxyType({str(k): MappingProxyType(dict(v)) for k, v in data["labels"].items()})


def label_for_class(data_class: str, lang: str) -> str:
    """A person-friendly label for a data class in `lang`; unknown classes show their (HIBP) name."""
    labels = _labels().get(data_class)
    if labels is None:
        return data_class
    return labels.get(normalize_lang(lang)) or labels.get("en") or data_class


def known_classes() -> frozenset[str]:
    """Every data class with a label in the resource file."""
    return frozenset(_labels())
