"""An offline pack as a `Source`: nothing leaves the computer, and demo packs are labelled as such.

The pack is opened (and its signature checked) on the first lookup, not when the source is created, so a refused
pack shows up as that source's error in the report instead of stopping the whole check.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

from exposurecheck.core.catalog import Catalog, catalog_from_json
from exposurecheck.core.identifiers import Identifier, IdentifierType, mask
from exposurecheck.core.packs import format as fmt
from exposurecheck.core.packs.reader import PackReader
from exposurecheck.core.report import Exposure, SentRecord, SourceResult, sent_line
from exposurecheck.core.sources.base import CancelToken, ProgressCallback, Source
from exposurecheck.core.sources.pack_cache import forget, opened_pack
from exposurecheck.resources import resource_path

PACK_TYPES = frozenset({IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME})
DEMO_PACK = ("packs", "demo.ecpack")


class PackSource(Source):
    """Looks identifiers up in one offline pack (a file, or the first file of a shard set)."""

    accepts = PACK_TYPES
    uses_network = False

    def __init__(
        self,
        path: Path,
        *,
        trusted_keys: Sequence[bytes] = (),
        demo: bool | None = None,
    ) -> None:
        self.path = Path(path)
        self._trusted = tuple(trusted_keys)
        self._reader: PackReader | None = None
        self._lock = threading.Lock()
        # Before the pack is verified the label comes from the caller or an unverified peek; it only decides how
        # an error is labelled. Results are labelled from the verified head (see `open`).
        self.demo = _peek_demo(self.path) if demo is None else demo
        self.name = "demo" if self.demo else "pack"

    def open(self) -> PackReader:
        """The authenticated reader (opened once; `UserError` with the reason if the pack is refused)."""
        with self._lock:
            if self._reader is None:
                # Kept across checks (pack_cache.py): the next check skips the signature and body checks
                # while the files are unchanged and the publisher still trusted.
                self._reader = opened_pack(self.path, self._trusted)
                self.demo = self._reader.info.demo
                self.name = "demo" if self.demo else "pack"
            return self._reader

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                forget(self.path)
                self._reader.close()
                self._reader = None

    def covered_types(self) -> frozenset[IdentifierType]:
        """The kinds the pack's file holds (known once it is open; before that, every kind a pack may hold)."""
        reader = self._reader
        return reader.accepts & PACK_TYPES if reader is not None else self.accepts

    def catalog(self) -> Catalog:
        """The breach catalog the pack carries (untrusted text, made plain by the catalog loader)."""
        return catalog_from_json(self.open().info.catalog_json)

    def lookup(
        self,
        identifiers: Sequence[Identifier],
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> SourceResult:
        reader = self.open()
        found: list[Exposure] = []
        wanted = [(n, i) for n, i in enumerate(identifiers) if i.type in reader.accepts]
        for done, (subject, identifier) in enumerate(wanted, start=1):
            cancel.raise_if_cancelled()
            breaches = reader.lookup(identifier)
            if breaches:
                exposure = Exposure(identifier.type, mask(identifier), self.name, breaches, 0, self.demo, subject)
                found.append(exposure)
            progress(self.name, done / len(wanted))
        sent = SentRecord(self.name, (sent_line("pack.sent.nothing"),))
        return SourceResult(tuple(found), sent)


def _peek_demo(path: Path) -> bool:
    """The pack's demo flag without verifying anything (see the constructor); False when unreadable."""
    try:
        with path.open("rb") as handle:
            head = handle.read(fmt.VARIABLE_START)
            if fmt.parse_preamble(head) is None or len(head) < fmt.VARIABLE_START:
                return False
            meta_len = fmt.FIXED_HEAD.unpack_from(head, fmt.HEAD_START)[2]
            if meta_len > fmt.MAX_META:
                return False
            meta = json.loads(handle.read(meta_len))
    except (OSError, ValueError, RecursionError):
        # RecursionError: deeply nested JSON in an unsigned head. Before the signature is checked, nothing in the
        # file may raise anything but a plain answer, or one bad file on a stick would stop every source.
        return False
    return isinstance(meta, dict) and meta.get("demo") is True


def demo_pack_path() -> Path:
    return resource_path(*DEMO_PACK)


def demo_pack_source() -> PackSource:
    """The practice pack bundled with the app: synthetic identities only, signed by the demo key."""
    return PackSource(demo_pack_path(), demo=True)
