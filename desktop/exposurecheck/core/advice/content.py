"""Advice entries as data: loading, checking and merging the bundled entries with an NGO's own.

Entries live in `resources/advice/entries.<lang>.json` as `{"lang": ..., "entries": [...]}`; both languages carry the
same ids (a test enforces it). The shape is described by `resources/advice/schema.json`; this module re-checks the
same rules in plain Python so the app needs no schema library at run time, and so an NGO's extra entries (which
are untrusted input) get a clear translated error instead of a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from exposurecheck.core.advice.model import PLATFORMS, SEVERITY_ORDER, WHEN_ORDER, HelpContact, Step
from exposurecheck.core.catalog import plain_text
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import LANGUAGES, normalize_lang
from exposurecheck.resources import resource_path

ALWAYS = "*"
"""A data class that matches every plan: used for the everyday basics shown even when nothing was found."""

REGIONS = ("CN", "global")
REVIEW_MARKS = ("V", "P", "U")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")
CODE_RE = re.compile(r"^[A-Z]{1,3}-[0-9]{2,3}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TEXT_LIMIT = 1000
_FORBIDDEN = re.compile(r"[<>\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Entry:
    """One advice entry in one language, checked and cleaned."""

    id: str
    code: str
    data_classes: tuple[str, ...]
    severity: str
    when: str
    region: str
    title: str
    summary: str
    why: str
    steps: tuple[Step, ...]
    time_needed_min: int
    done_check: str
    help: tuple[HelpContact, ...]
    sources: tuple[str, ...]
    last_reviewed: str
    review: str | None = None
    # The confirmation mark of each source, in the same order (None where a source carries none).
    source_reviews: tuple[str | None, ...] = ()


def _fail(position: int) -> UserError:
    return UserError("advice.error.entry", position=position)


def _text(raw: Mapping[str, Any], key: str, position: int) -> str:
    # Markup or control characters are refused rather than silently cleaned, so an NGO sees its mistake.
    value = raw.get(key)
    if not isinstance(value, str) or _FORBIDDEN.search(value) or len(value) > _TEXT_LIMIT:
        raise _fail(position)
    text = plain_text(value, _TEXT_LIMIT)
    if not text:
        raise _fail(position)
    return text


def _choice(raw: Mapping[str, Any], key: str, allowed: Sequence[str], position: int) -> str:
    value = raw.get(key)
    if value not in allowed:
        raise _fail(position)
    return str(value)


def _steps(raw: object, position: int) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        raise _fail(position)
    steps = []
    for item in raw:
        if not isinstance(item, dict):
            raise _fail(position)
        platform = item.get("platform")
        if platform is not None and platform not in PLATFORMS:
            raise _fail(position)
        steps.append(Step(text=_text(item, "text", position), platform=platform))
    return tuple(steps)


def _help(raw: object, position: int) -> tuple[HelpContact, ...]:
    if not isinstance(raw, list):
        raise _fail(position)
    contacts = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("official"), bool):
            raise _fail(position)
        phone = item.get("phone")
        url = item.get("url")
        if phone is not None and not (isinstance(phone, str) and re.fullmatch(r"[0-9+\- ]{3,20}", phone)):
            raise _fail(position)
        if url is not None and not (isinstance(url, str) and re.fullmatch(r"https?://[^\s<>\"]{3,300}", url)):
            raise _fail(position)
        contacts.append(HelpContact(_text(item, "label", position), phone, url, item["official"]))
    return tuple(contacts)


def _sources(raw: object, position: int) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    # A source is a citation string, or {"text": citation, "review": "V"|"P"|"U"} when it carries its own mark.
    if not isinstance(raw, list) or not raw:
        raise _fail(position)
    texts: list[str] = []
    marks: list[str | None] = []
    for item in raw:
        text, mark = (item, None) if isinstance(item, str) else (None, None)
        if isinstance(item, dict) and set(item) <= {"text", "review"}:
            text, mark = item.get("text"), item.get("review")
            if mark not in REVIEW_MARKS:
                raise _fail(position)
        if not isinstance(text, str) or len(text.strip()) < 3 or _FORBIDDEN.search(text):
            raise _fail(position)
        texts.append(plain_text(text, 500))
        marks.append(mark)
    return tuple(texts), tuple(marks)


def parse_entry(raw: object, position: int = 1) -> Entry:
    """Check one raw entry against the schema's rules; raise `UserError("advice.error.entry")` if it breaks one."""
    if not isinstance(raw, dict):
        raise _fail(position)
    entry_id, code = raw.get("id"), raw.get("code")
    if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
        raise _fail(position)
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise _fail(position)
    classes = raw.get("data_classes")
    if not isinstance(classes, list) or not classes or not all(isinstance(c, str) and c for c in classes):
        raise _fail(position)
    minutes = raw.get("time_needed_min")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 600:
        raise _fail(position)
    sources, source_reviews = _sources(raw.get("sources"), position)
    reviewed = raw.get("last_reviewed")
    if not isinstance(reviewed, str) or not DATE_RE.match(reviewed):
        raise _fail(position)
    review = raw.get("review")
    if review is not None and review not in REVIEW_MARKS:
        raise _fail(position)
    return Entry(
        id=entry_id,
        code=code,
        data_classes=tuple(classes),
        severity=_choice(raw, "severity", SEVERITY_ORDER, position),
        when=_choice(raw, "when", WHEN_ORDER, position),
        region=_choice(raw, "region", REGIONS, position),
        title=_text(raw, "title", position),
        summary=_text(raw, "summary", position),
        why=_text(raw, "why", position),
        steps=_steps(raw.get("steps"), position),
        time_needed_min=minutes,
        done_check=_text(raw, "done_check", position),
        help=_help(raw.get("help"), position),
        sources=sources,
        last_reviewed=reviewed,
        review=review,
        source_reviews=source_reviews,
    )


def parse_document(document: object) -> tuple[str, tuple[Entry, ...]]:
    """A `{"lang": ..., "entries": [...]}` document → (language, entries). Ids must be unique within it."""
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise UserError("advice.error.document")
    lang = document.get("lang")
    if lang not in LANGUAGES:
        raise UserError("advice.error.document")
    entries = tuple(parse_entry(raw, position) for position, raw in enumerate(document["entries"], start=1))
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise UserError("advice.error.duplicate")
    return str(lang), entries


@cache
def bundled_entries(lang: str) -> tuple[Entry, ...]:
    """The entries that ship with the app, in `lang`."""
    lang = normalize_lang(lang)
    path = resource_path("advice", f"entries.{lang}.json")
    document_lang, entries = parse_document(json.loads(path.read_text(encoding="utf-8")))
    if document_lang != lang:
        raise UserError("advice.error.document")
    return entries


def _documents(extra: object) -> list[object]:
    # An NGO profile may hand over one document or a list of them (one per language).
    if isinstance(extra, dict):
        return [extra]
    if isinstance(extra, list | tuple):
        return list(extra)
    raise UserError("advice.error.document")


def load_entries(lang: str, extra_entries: Iterable[object] | object = ()) -> tuple[Entry, ...]:
    """Bundled entries in `lang` with extra entries merged by id (an extra entry replaces a bundled one).

    An extra entry that exists only in English is shown in English in a Chinese plan: showing an NGO's
    advice untranslated is better than dropping it.
    """
    lang = normalize_lang(lang)
    merged: dict[str, Entry] = {e.id: e for e in bundled_entries(lang)}
    by_lang: dict[str, dict[str, Entry]] = {}
    for document in _documents(extra_entries):
        doc_lang, entries = parse_document(document)
        by_lang.setdefault(doc_lang, {}).update({e.id: e for e in entries})
    merged.update(by_lang.get(lang, {}))
    for entry_id, entry in by_lang.get("en", {}).items():
        merged.setdefault(entry_id, entry)
    return tuple(merged.values())
