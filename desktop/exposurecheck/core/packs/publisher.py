"""Who signed a pack, whether or not this app trusts them: for asking a person before a new publisher is trusted.

`open_pack` refuses a pack from an unknown publisher outright (`pack.error.unknown_publisher`). The window then
shows who signed it and their key's fingerprint, and asks; this module reads that much. The signature is checked
against the pack's own key, so the title shown is what the key's holder signed, not something added later. That
says nothing about who the holder is: only comparing the fingerprint with the organisation does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.packs.opening import _meta, _open_first, trust_level
from exposurecheck.core.trust.publisher_keys import fingerprint


@dataclass(frozen=True)
class PackPublisher:
    """The signer of the pack at `path`: their raw Ed25519 key and the title they signed. `trust` is how this app
    trusts the key ("pinned", "added", "demo") or None for a publisher it does not know. `kinds`: the kinds of
    identifier the pack says it holds (signed by the same key), so a file left out can say what went unchecked."""

    path: Path
    key: bytes = field(repr=False)
    title: str
    trust: str | None
    kinds: frozenset[IdentifierType] = frozenset()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key)

    @property
    def file_name(self) -> str:
        return self.path.name


def pack_publisher(path: Path | str, extra_keys: Iterable[bytes] = ()) -> PackPublisher:
    """Read the signer of the pack whose first file is `path`. `UserError` for a file that is not a pack, is
    damaged, unsigned, or whose head does not match its own signature."""
    path = Path(path)
    first, head = _open_first(path)
    try:
        if head.signature == bytes(64):
            raise UserError("pack.error.unsigned", file=path.name)
        try:
            Ed25519PublicKey.from_public_bytes(head.public_key).verify(head.signature, head.signed)
        except (InvalidSignature, ValueError):
            raise UserError("pack.error.tampered", file=path.name) from None
        meta = _meta(head.meta, path.name, head.preamble.version)
        trust = trust_level(head.public_key, tuple(extra_keys))
        kinds = frozenset(IdentifierType(kind) for kind in meta["types"])  # _meta accepts only known kinds
        return PackPublisher(path, bytes(head.public_key), meta["title"], trust, kinds)
    finally:
        first.map.close()
        first.file.close()
