"""Fast paths in front of the app's normalizers: same answers, a fraction of the cost, exact path as fallback.

Each fast path decides only the shapes it can decide exactly (its module says why the answer is the app's) and
returns None for everything else; `ValueNormalizer` then calls the app's own `normalize`. So a builder's canonical
forms are always the app's, value for value, and the fast paths only change how long it takes.
"""

from __future__ import annotations

from collections.abc import Callable

from exposurecheck.core.identifiers import IdentifierType, InvalidIdentifier, normalize
from exposurecheck_server.ingest.fast.cn_id import FastCnId
from exposurecheck_server.ingest.fast.email import FastEmail
from exposurecheck_server.ingest.fast.phone import FastPhone
from exposurecheck_server.ingest.fast.username import FastUsername

Normalize = Callable[[str], str | None]
"""raw value → canonical form, or None when the app would reject it."""
EMPTY, UNDECODABLE, INVALID = 0, 1, 2  # a field's outcome when it gives no canonical form


def exact(kind: IdentifierType, region: str) -> Normalize:
    """The app's own normalizer for one type, as a plain function."""

    def run(raw: str) -> str | None:
        try:
            return normalize(kind, raw, region=region).canonical
        except InvalidIdentifier:
            return None

    return run


def fast_deciders(region: str) -> dict[IdentifierType, Callable[[str], str | None]]:
    """`decide(raw)` per type: canonical form, "" for a value the app rejects, None for "not decided here"."""
    return {
        IdentifierType.PHONE: FastPhone(region).decide,
        IdentifierType.EMAIL: FastEmail().decide,
        IdentifierType.CN_ID: FastCnId().decide,
        IdentifierType.USERNAME: FastUsername().decide,
    }


class ValueNormalizer:
    """Per process (its caches warm up as it goes): one function per type, and how often the exact path ran."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._deciders = fast_deciders(region)
        self.exact_calls = 0

    def cell_function(self, kind: IdentifierType, codec: str) -> Callable[[str | bytes], str | int]:
        """For CSV/TSV fields (text, or bytes to decode alone): the canonical form, or EMPTY, UNDECODABLE or
        INVALID — plain ints, so a block's outcomes can be counted with list.count in C."""
        decide = self._deciders[kind]
        slow = exact(kind, self.region)

        def run(cell: str | bytes) -> str | int:
            if not cell:
                return EMPTY
            if isinstance(cell, bytes):  # the line had undecodable bytes: this field is decoded on its own
                try:
                    cell = cell.decode(codec)
                except UnicodeDecodeError:
                    return UNDECODABLE
            if cell.isspace():
                return EMPTY
            result = decide(cell)
            if result is None:
                self.exact_calls += 1
                result = slow(cell)
            return result or INVALID

        return run

    def function(self, kind: IdentifierType) -> Normalize:
        decide = self._deciders[kind]
        slow = exact(kind, self.region)

        def run(raw: str) -> str | None:
            result = decide(raw)
            if result is None:
                self.exact_calls += 1
                return slow(raw)
            return result or None

        return run
