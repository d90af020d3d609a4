"""The signed manifest: epochs, OPRF public keys, bucket geometry, Merkle roots, the catalog, and the key history.

Wire form (docs/protocol.md section 3): an envelope JSON object whose `payload` is the base64 of the canonical
JSON manifest and whose `signatures` are Ed25519 signatures over `SIGNING_DOMAIN || payload`. The client verifies
a signature over the exact payload bytes before it believes a single field. Each manifest names the SHA-256 of the
one before it (`previous`), and announces keys that later manifests may use (`announced`), so a client can check
that every key change was announced by a manifest signed with a key it already trusted (`chain.py`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from exposurecheck.core.crypto.sodium import is_canonical_encoding
from exposurecheck.core.protocol.canonical import canonical_json, is_canonical
from exposurecheck.core.protocol.errors import ProtocolError

ENVELOPE_FORMAT = "exposurecheck.manifest-envelope"
MANIFEST_FORMAT = "exposurecheck.manifest"
VERSION = 2
# Domain separation: a manifest signature can never be replayed as a pack signature, as a version 1 manifest's, or
# as anything else a publisher key signs, and vice versa.
SIGNING_DOMAIN = b"exposure-check/manifest/v2\n"
SUITE = "ristretto255-SHA512"
MODE = "voprf"
MAX_ENVELOPE_BYTES = 8 * 1024 * 1024
MAX_SIGNATURES = 16  # a bounded number: verification is the expensive part
MAX_BATCH = 64
KINDS = frozenset({"phone", "email", "cn_id", "username"})  # what `types` may list (IdentifierType values)
MAX_PREFIX_BITS = 24  # what the format can say; the client's floor (privacy.py) is lower
MAX_KEYS = 8  # publisher keys and announced keys per manifest


@dataclass(frozen=True)
class Epoch:
    """One matching key and the bucket set built with it."""

    id: int
    public_key: bytes
    prefix_bits: int
    tag_bytes: int
    bucket_entries: int
    bucket_bytes: int
    merkle_root: bytes
    record_count: int

    @property
    def bucket_count(self) -> int:
        return 1 << self.prefix_bits


@dataclass(frozen=True)
class Manifest:
    service: str  # untrusted display text
    sequence: int
    previous: bytes  # SHA-256 of the previous manifest's payload; empty for a service's first manifest
    issued_at: datetime
    expires_at: datetime
    current_epoch: int
    batch_size: int
    buckets_per_check: int
    bucketing_key: bytes  # the long-lived OPRF key that picks buckets (never changes for a service)
    publisher_keys: tuple[bytes, ...]  # the Ed25519 keys that sign this manifest
    announced_publisher_keys: tuple[bytes, ...]  # keys a later manifest may be signed with
    announced_oprf_keys: tuple[bytes, ...]  # matching keys a later manifest's epochs may use
    epochs: tuple[Epoch, ...]
    breach_ids: tuple[str, ...]
    digest: bytes  # SHA-256 of this manifest's payload: what the next manifest names as `previous`
    catalog: Any = field(repr=False)  # parsed JSON; turn into a Catalog with core.catalog.catalog_from_json
    # The identifier kinds the current epoch holds ("phone", "email", ...), so the app never calls a kind the
    # service has no data for "not found"; None when a manifest does not say (then every kind it accepts counts).
    types: tuple[str, ...] | None = None

    def epoch(self, epoch_id: int | None = None) -> Epoch:
        wanted = self.current_epoch if epoch_id is None else epoch_id
        for epoch in self.epochs:
            if epoch.id == wanted:
                return epoch
        raise ProtocolError("service.error.manifest_invalid")


@dataclass(frozen=True)
class Envelope:
    """A manifest envelope read but not yet believed: the exact signed bytes and the signatures offered."""

    body: bytes
    signatures: tuple[bytes, ...]

    @property
    def digest(self) -> bytes:
        return payload_digest(self.body)

    def signed_by(self, keys: Sequence[bytes] | frozenset[bytes]) -> bytes | None:
        """The first key of `keys` (raw Ed25519) that made one of the signatures, or None."""
        message = SIGNING_DOMAIN + self.body  # once: a body may be megabytes and the pairs many
        for signature in self.signatures:
            for raw in keys:
                try:
                    Ed25519PublicKey.from_public_bytes(raw).verify(signature, message)
                except (InvalidSignature, ValueError):
                    continue
                return raw
        return None


def payload_digest(body: bytes) -> bytes:
    return hashlib.sha256(body).digest()


def key_id(public_key: bytes) -> str:
    """A short name for a signing key (first 8 bytes of SHA-256 of the raw key, hex)."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: object) -> datetime:
    if not isinstance(value, str) or not value.endswith("Z"):
        raise ProtocolError("service.error.manifest_invalid")
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise ProtocolError("service.error.manifest_invalid") from None


def payload_bytes(payload: dict[str, Any]) -> bytes:
    """The canonical bytes of a manifest dict, refused if our own client would refuse them."""
    body = canonical_json(payload)
    parse_payload(body)
    return body


def envelope_for(body: bytes, signatures: Sequence[tuple[bytes, bytes]]) -> bytes:
    """The envelope bytes for signed payload bytes; `signatures` are (raw public key, signature) pairs."""
    envelope = {
        "format": ENVELOPE_FORMAT,
        "version": VERSION,
        "payload": base64.b64encode(body).decode("ascii"),
        "signatures": [{"key_id": key_id(public), "signature": signature.hex()} for public, signature in signatures],
    }
    return canonical_json(envelope)


def sign_payload(body: bytes, signing_keys: Sequence[Ed25519PrivateKey]) -> list[tuple[bytes, bytes]]:
    """(public key, signature) for each key over the domain-separated payload bytes."""
    return [(key.public_key().public_bytes_raw(), key.sign(SIGNING_DOMAIN + body)) for key in signing_keys]


def sign_envelope(payload: dict[str, Any], signing_keys: Sequence[Ed25519PrivateKey]) -> bytes:
    """The envelope bytes for `payload` (a manifest dict), signed by every key given (primary, backup...).

    Every signing key must be listed in the payload's `publisher_keys`: a client refuses signatures by keys the
    manifest does not name.
    """
    body = payload_bytes(payload)
    listed = set(parse_payload(body).publisher_keys)
    for key in signing_keys:
        if key.public_key().public_bytes_raw() not in listed:
            raise ValueError("a signing key is not listed in the manifest's publisher_keys")
    return envelope_for(body, sign_payload(body, signing_keys))


def read_envelope(data: bytes) -> Envelope:
    """Split an envelope into payload bytes and signatures, without believing either.

    Raises ProtocolError: `not_manifest` (not an envelope at all, e.g. an HTML page) or `version` (an envelope of
    another protocol version).
    """
    if len(data) > MAX_ENVELOPE_BYTES:
        raise ProtocolError("service.error.not_manifest")
    try:
        envelope = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ProtocolError("service.error.not_manifest") from None
    if not isinstance(envelope, dict) or envelope.get("format") != ENVELOPE_FORMAT:
        raise ProtocolError("service.error.not_manifest")
    version = envelope.get("version")
    if version != VERSION:
        older = isinstance(version, int) and not isinstance(version, bool) and version < VERSION
        raise ProtocolError("service.error.old_protocol" if older else "service.error.version")
    try:
        body = base64.b64decode(str(envelope.get("payload", "")), validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError("service.error.not_manifest") from None
    signatures = []
    raw_signatures = envelope.get("signatures")
    for entry in raw_signatures[:MAX_SIGNATURES] if isinstance(raw_signatures, list) else []:
        try:
            signature = bytes.fromhex(str(entry.get("signature", ""))) if isinstance(entry, dict) else b""
        except ValueError:
            continue
        if len(signature) == 64:
            signatures.append(signature)
    return Envelope(body=body, signatures=tuple(signatures))


def open_envelope(data: bytes, trusted_keys: Sequence[bytes]) -> Manifest:
    """Verify the envelope against the trusted raw Ed25519 keys and return the parsed manifest.

    Raises ProtocolError: `not_manifest`, `version`, `untrusted_signature` (no signature by a trusted key that the
    manifest itself names as a publisher key verifies), or `manifest_invalid` (signed, but malformed).
    """
    return open_signed(read_envelope(data), trusted_keys)


def open_signed(envelope: Envelope, trusted_keys: Sequence[bytes] | frozenset[bytes]) -> Manifest:
    """The manifest in `envelope` if a trusted key that the manifest names as a publisher key signed it."""
    signer = envelope.signed_by(trusted_keys)
    if signer is None:
        raise ProtocolError("service.error.untrusted_signature")
    manifest = parse_payload(envelope.body)
    if signer not in manifest.publisher_keys:
        raise ProtocolError("service.error.untrusted_signature")
    return manifest


def _int(obj: dict[str, Any], name: str, low: int, high: int) -> int:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProtocolError("service.error.manifest_invalid")
    return value


def _hex_value(value: object, size: int) -> bytes:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) and value == value.lower() else b""
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise ProtocolError("service.error.manifest_invalid")
    return raw


def _hex(obj: dict[str, Any], name: str, size: int) -> bytes:
    return _hex_value(obj.get(name), size)


def _point(value: object) -> bytes:
    """A ristretto255 public key: 32 bytes in the canonical encoding (RFC 9496 4.3.1), checked without libsodium."""
    raw = _hex_value(value, 32)
    if not is_canonical_encoding(raw) or raw == bytes(32):
        raise ProtocolError("service.error.manifest_invalid")
    return raw


def _keys(value: object, *, low: int) -> tuple[bytes, ...]:
    if not isinstance(value, list) or not low <= len(value) <= MAX_KEYS:
        raise ProtocolError("service.error.manifest_invalid")
    keys = tuple(_hex_value(item, 32) for item in value)
    if len(set(keys)) != len(keys):
        raise ProtocolError("service.error.manifest_invalid")
    return keys


def _epoch(obj: object) -> Epoch:
    if not isinstance(obj, dict) or obj.get("suite") != SUITE or obj.get("mode") != MODE:
        raise ProtocolError("service.error.manifest_invalid")
    prefix_bits = _int(obj, "prefix_bits", 1, MAX_PREFIX_BITS)
    if _int(obj, "bucket_count", 1, 1 << MAX_PREFIX_BITS) != 1 << prefix_bits:
        raise ProtocolError("service.error.manifest_invalid")
    return Epoch(
        id=_int(obj, "id", 1, 2**32 - 1),
        public_key=_point(obj.get("public_key")),
        prefix_bits=prefix_bits,
        tag_bytes=_int(obj, "tag_bytes", 8, 8),
        bucket_entries=_int(obj, "bucket_entries", 1, 1 << 20),
        bucket_bytes=_int(obj, "bucket_bytes", 1, 64 * 1024 * 1024),
        merkle_root=_hex(obj, "merkle_root", 32),
        record_count=_int(obj, "record_count", 0, 2**53),
    )


def parse_payload(body: bytes) -> Manifest:
    """Parse signed manifest bytes; refuses anything not in canonical form so two parsers cannot disagree."""
    if not is_canonical(body):
        raise ProtocolError("service.error.manifest_invalid")
    obj = json.loads(body)
    if not isinstance(obj, dict) or obj.get("format") != MANIFEST_FORMAT:
        raise ProtocolError("service.error.manifest_invalid")
    if obj.get("version") != VERSION:
        raise ProtocolError("service.error.version")
    epochs_raw = obj.get("epochs")
    breach_ids = obj.get("breach_ids")
    service = obj.get("service")
    announced = obj.get("announced")
    previous = obj.get("previous")
    if not isinstance(epochs_raw, list) or not epochs_raw or len(epochs_raw) > 16:
        raise ProtocolError("service.error.manifest_invalid")
    if not isinstance(breach_ids, list) or len(breach_ids) >= 0xFFFF or not all(isinstance(b, str) for b in breach_ids):
        raise ProtocolError("service.error.manifest_invalid")
    if not isinstance(service, str) or not isinstance(announced, dict):
        raise ProtocolError("service.error.manifest_invalid")
    epochs = tuple(_epoch(e) for e in epochs_raw)
    if len({e.id for e in epochs}) != len(epochs):
        raise ProtocolError("service.error.manifest_invalid")
    manifest = Manifest(
        service=service[:200],
        sequence=_int(obj, "sequence", 0, 2**53),
        previous=b"" if previous == "" else _hex_value(previous, 32),
        issued_at=_parse_time(obj.get("issued_at")),
        expires_at=_parse_time(obj.get("expires_at")),
        current_epoch=_int(obj, "current_epoch", 1, 2**32 - 1),
        batch_size=_int(obj, "batch_size", 1, MAX_BATCH),
        buckets_per_check=_int(obj, "buckets_per_check", 1, MAX_BATCH),
        bucketing_key=_point(obj.get("bucketing_key")),
        publisher_keys=_keys(obj.get("publisher_keys"), low=1),
        announced_publisher_keys=_keys(announced.get("publisher_keys"), low=0),
        announced_oprf_keys=tuple(_point(k.hex()) for k in _keys(announced.get("oprf_keys"), low=0)),
        epochs=epochs,
        breach_ids=tuple(breach_ids),
        digest=payload_digest(body),
        catalog=obj.get("catalog"),
        types=_types(obj.get("types")),
    )
    manifest.epoch()  # the current epoch must be listed
    return manifest


def _types(value: object) -> tuple[str, ...] | None:
    """The optional `types` list: distinct identifier kinds a service can hold (passwords never)."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProtocolError("service.error.manifest_invalid")
    if len(set(value)) != len(value) or not set(value) <= KINDS:
        raise ProtocolError("service.error.manifest_invalid")
    return tuple(value)


def check_fresh(manifest: Manifest, now: datetime, last_sequence: int | None) -> None:
    """Refuse a manifest older than one already seen (rollback) or past its expiry (a stale or frozen copy)."""
    if last_sequence is not None and manifest.sequence < last_sequence:
        raise ProtocolError("service.error.rollback")
    if now >= manifest.expires_at:
        raise ProtocolError("service.error.expired")
