"""Pwned Passwords (Have I Been Pwned) range API: only the first 5 hex characters of a SHA-1 leave the computer.

The parsing is a pure function over bytes. Policy for odd bodies, chosen so that a damaged answer can never be
reported as "not found" or with a wrong count: any line that is not `35 hex : decimal count` makes the whole body
malformed; lower-case hex, spaces around the colon, a BOM, CR/LF/CRLF endings and a gzip body without its header are
accepted; duplicated suffixes keep the larger count; count-0 lines are padding and are ignored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import requests

from exposurecheck.core.errors import UserError
from exposurecheck.core.http import fetch, is_insecure_url, looks_like_html, make_session
from exposurecheck.core.http_budget import source_scope
from exposurecheck.core.http_decode import inflate_bounded
from exposurecheck.core.identifiers import Identifier, IdentifierType, mask
from exposurecheck.core.report import Exposure, SentRecord, SourceResult, sent_line
from exposurecheck.core.sources.base import CancelToken, ProgressCallback, Source

DEFAULT_BASE_URL = "https://api.pwnedpasswords.com"
PREFIX_LENGTH = 5
_SUFFIX_LENGTH = 35
_MAX_COUNT = 2**31 - 1  # the service stores counts as int32; anything larger is not a real answer
_LINE = re.compile(rb"^([0-9A-Fa-f]+)[ \t]*:[ \t]*([0-9]+)[ \t]*$")
MAX_RANGE_BODY = 2 * 1024 * 1024  # real padded ranges are ~20-40 KB


@dataclass(frozen=True)
class RangeQuery:
    prefix: str
    suffix: str


def range_query(password: str) -> RangeQuery:
    """Split the SHA-1 of the password as typed (UTF-8, no normalisation, like the service)."""
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    return RangeQuery(digest[:PREFIX_LENGTH], digest[PREFIX_LENGTH:])


def parse_range(body: bytes) -> dict[str, int]:
    """Suffix → count for a range body, padding removed. Raises `UserError` for anything but a clean list."""
    if body[:2] == b"\x1f\x8b":
        # Unpacked under the same cap as the body itself: a small gzip answer can unpack to gigabytes.
        body = inflate_bounded(body, MAX_RANGE_BODY, too_large_key="http.too_large", damaged_key="pwned.malformed")
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    if not body.strip():
        raise UserError("pwned.empty")
    if looks_like_html(body):
        raise UserError("pwned.html")
    counts: dict[str, int] = {}
    for line in body.splitlines():
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None or len(match.group(1)) != _SUFFIX_LENGTH or len(match.group(2)) > 10:
            raise UserError("pwned.malformed")
        count = int(match.group(2))
        if count > _MAX_COUNT:
            raise UserError("pwned.malformed")
        suffix = match.group(1).decode("ascii").upper()
        if count > counts.get(suffix, -1):
            counts[suffix] = count
    return {suffix: count for suffix, count in counts.items() if count > 0}


class PwnedPasswordsSource(Source):
    name = "hibp-passwords"
    accepts = frozenset({IdentifierType.PASSWORD})
    uses_network = True

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        session: requests.Session | None = None,
        *,
        allow_insecure_http: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self.allow_insecure_http = allow_insecure_http  # the person's explicit choice (CLI --allow-insecure-http)
        self.insecure = is_insecure_url(self.base_url)  # plain http to another computer: named unsafe on screen

    def lookup(
        self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
    ) -> SourceResult:
        # One deadline for all requests; cancelling closes the connection even in the middle of a read.
        with source_scope(cancel.is_cancelled):
            return self._lookup(identifiers, progress, cancel)

    def _lookup(
        self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
    ) -> SourceResult:
        session = self._session or make_session(allow_insecure_http=self.allow_insecure_http)
        exposures = []
        prefixes = []
        for index, identifier in enumerate(identifiers):
            cancel.raise_if_cancelled()
            query = range_query(identifier.canonical)
            prefixes.append(query.prefix)
            fetched = fetch(
                session,
                "GET",
                f"{self.base_url}/range/{query.prefix}",
                headers={"Add-Padding": "true"},
                max_body=MAX_RANGE_BODY,
            )
            count = parse_range(fetched.body).get(query.suffix, 0)
            if count:
                exposures.append(Exposure(identifier.type, mask(identifier), self.name, count=count, subject=index))
            progress(self.name, (index + 1) / len(identifiers))
        # Shown on screen only ("what left this computer"); never logged or saved.
        sent = SentRecord(self.name, tuple(sent_line("pwned.sent.prefix", prefix=p) for p in prefixes))
        return SourceResult(tuple(exposures), sent)
