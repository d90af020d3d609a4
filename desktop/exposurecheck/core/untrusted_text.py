"""Untrusted text or HTML (catalogs, NGO profiles, advice from a profile) → one line of plain text, in linear time.

Every step is one pass over a string whose length is capped first, so a hostile 10 MB field costs what a
legitimate one does. Python's `html.parser` was used here before; it rescans an unclosed start tag each time it is
fed more text, which made a 120 KB profile field of `<a <a <a …` take minutes.

What comes out: tags removed (the content of script/style/template dropped), entities decoded once, any remaining
`<` or `>` replaced by its full-width form (so decoded `&lt;b&gt;` reads the same but can never be markup), control
and format characters (bidi overrides, zero-width joiners) turned into spaces, runs of space collapsed, and the
result cut to `limit` characters with an ellipsis.
"""

from __future__ import annotations

import html
import re
import unicodedata

# How much raw input is looked at per output character allowed: markup and entities take room, but a field whose
# raw text is this many times its limit is not a description any more, whatever it contains.
RAW_PER_CHAR = 8
RAW_SLACK = 1024

_SKIP = frozenset({"script", "style", "template"})
_BREAKS = frozenset({"br", "p", "li", "div"})
_TAG_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/!?")
_NAME_RE = re.compile(r"/?\s*([A-Za-z][A-Za-z0-9-]*)")
_SPACE_RE = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")
_ANGLES = str.maketrans({"<": "\uff1c", ">": "\uff1e"})
_HIDING = frozenset({"Cc", "Cf", "Zl", "Zp"})


def raw_cap(limit: int) -> int:
    """How many characters of raw input `plain_text(…, limit)` reads at most."""
    return limit * RAW_PER_CHAR + RAW_SLACK


def plain_text(untrusted: object, limit: int) -> str:
    """One line of plain text from untrusted text or HTML, at most `limit` characters ("" for a non-string)."""
    if not isinstance(untrusted, str):
        return ""
    text = strip_markup(untrusted[: raw_cap(limit)])
    text = html.unescape(text).translate(_ANGLES)
    return clean_line(text, limit)


def clean_line(text: str, limit: int) -> str:
    """Control and format characters → spaces, runs of space → one, cut to `limit` characters."""
    text = "".join(" " if unicodedata.category(ch) in _HIDING else ch for ch in text[: raw_cap(limit)])
    text = _SPACE_RE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def strip_markup(text: str) -> str:
    """The text outside tags and comments, in one forward pass (no cap: callers cap first).

    A `<` starts a tag when a letter, `/`, `!` or `?` follows and a `>` comes before the next `<`; any other `<` is
    text. The positions of the next `<` and `>` are remembered, so no character is scanned more than a few times
    whatever the input (`<<<<…>` or `<a <a <a …` included).
    """
    out: list[str] = []
    skipping = 0
    position = 0
    size = len(text)
    next_gt = -1  # first ">" at or after the last search start; valid while it lies ahead of where we look
    while position < size:
        lt = text.find("<", position)
        if lt < 0:
            if not skipping:
                out.append(text[position:])
            break
        if not skipping:
            out.append(text[position:lt])
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            position = size if end < 0 else end + 3  # an unclosed comment hides the rest, as in a browser
            continue
        if lt + 1 >= size or text[lt + 1] not in _TAG_START:
            if not skipping:
                out.append("<")
            position = lt + 1
            continue
        if next_gt <= lt:
            next_gt = text.find(">", lt + 1)
            if next_gt < 0:
                next_gt = size  # no ">" anywhere ahead: every "<" from here on is text
        other_lt = text.find("<", lt + 1, next_gt)
        if next_gt >= size or other_lt >= 0:
            # Not a tag (unclosed, or another "<" comes first): keep the "<" as text, go on right after it.
            if not skipping:
                out.append("<")
            position = lt + 1
            continue
        skipping = _after_tag(text[lt + 1 : next_gt], skipping, out)
        position = next_gt + 1
    return "".join(out)


def _after_tag(inside: str, skipping: int, out: list[str]) -> int:
    """Note what a tag means for the text around it; returns the new script/style nesting depth."""
    match = _NAME_RE.match(inside)
    if match is None:
        return skipping
    name = match.group(1).lower()
    closing = inside.lstrip().startswith("/")
    if name in _SKIP:
        return max(0, skipping - 1) if closing else skipping + 1
    if name in _BREAKS and not skipping:
        out.append(" ")
    return skipping
