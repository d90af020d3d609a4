"""The signed manifest: which epochs exist, their OPRF public keys, bucket geometry, Merkle roots and the catalog.

Wire form (docs/protocol.md section 3): an envelope JSON object whose `payload` is the base64 of the canonical
JSON manifest and whose `signatures` are Ed25519 signatures over `SIGNING_DOMAIN || payload`. The client verifies
the signature over the exact payload bytes before it parses a single field, then checks freshness against the
last sequence number it saw (rollback) and the expiry.
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

from exposurecheck.core.protocol.canonical import canonical_json, is_canonical
from exposurecheck.core.protocol.errors import ProtocolError

ENVELOPE_FORMAT = "exposurecheck.manifest-envelope"
MANIFEST_FORMAT = "exposurecheck.manifest"
VERSION = 1
# Domain separation: a manifest signature can never be replayed as a pack signature or anything else a
# publisher key signs, and vice versa.
SIGNING_DOMAIN = b"exposure-check/manifest/v1\n"
SUITE = "ristretto255-SHA512"
MODE = "voprf"
MAX_ENVELOPE_BYTES = 8 * 1024 * 1024
MAX_BATCH = 64
MAX_PREFIX_BITS = 24


@dataclass(frozen=True)
class Epoch:
    """One OPRF key and the bucket set built with it."""

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
    issued_at: datetime
    expires_at: datetime
    current_epoch: int
    batch_size: int
    buckets_per_check: int
    epochs: tuple[Epoch, ...]
    breach_ids: tuple[str, ...]
    catalog: Any = field(repr=False)  # parsed JSON; turn into a Catalog with core.catalog.catalog_from_json

    def epoch(self, epoch_id: int | None = None) -> Epoch:
        wanted = self.current_epoch if epoch_id is None else epoch_id
        for epoch in self.epochs:
            if epoch.id == wanted:
                return epoch
        raise ProtocolError("service.error.manifest_invalid")


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


def sign_envelope(payload: dict[str, Any], signing_keys: Sequence[Ed25519PrivateKey]) -> bytes:
    """The envelope bytes for `payload` (a manifest dict), signed by every key given (primary, backup...)."""
    body = canonical_json(payload)
    parse_payload(body)  # never publish something our own client would refuse
    signatures = []
    for private in signing_keys:
        public = private.public_key().public_bytes_raw()
        signature = private.sign(SIGNING_DOMAIN + body)
        signatures.append({"key_id": key_id(public), "signature": signature.hex()})
    envelope = {
        "format": ENVELOPE_FORMAT,
        "version": VERSION,
        "payload": base64.b64encode(body).decode("ascii"),
        "signatures": signatures,
    }
    return canonical_json(envelope)


def open_envelope(data: bytes, trusted_keys: Sequence[bytes]) -> Manifest:
    """Verify the envelope against the trusted raw Ed25519 keys and return the parsed manifest.

    Raises ProtocolError: `not_manifest` (not an envelope at all, e.g. an HTML page), `untrusted_signature`
    (no signature by a trusted key verifies), or `manifest_invalid` (signed, but malformed).
    """
    if len(data) > MAX_ENVELOPE_BYTES:
        raise ProtocolError("service.error.not_manifest")
    try:
        envelope = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ProtocolError("service.error.not_manifest") from None
    if not isinstance(envelope, dict) or envelope.get("format") != ENVELOPE_FORMAT:
        raise ProtocolError("service.error.not_manifest")
    if envelope.get("version") != VERSION:
        raise ProtocolError("service.error.version")
    try:
        body = base64.b64decode(str(envelope.get("payload", "")), validate=True)
    except (binascii.Error, ValueError):
        raise ProtocolError("service.error.not_manifest") from None
    if not _signed_by_trusted(body, envelope.get("signatures"), trusted_keys):
        raise ProtocolError("service.error.untrusted_signature")
    return parse_payload(body)


def _signed_by_trusted(body: bytes, signatures: object, trusted_keys: Sequence[bytes]) -> bool:
    if not isinstance(signatures, list):
        return False
    for entry in signatures[:16]:  # a bounded number: verification is the expensive part
        if not isinstance(entry, dict):
            continue
        try:
            signature = bytes.fromhex(str(entry.get("signature", "")))
        except ValueError:
            continue
        for raw in trusted_keys:
            try:
                Ed25519PublicKey.from_public_bytes(raw).verify(signature, SIGNING_DOMAIN + body)
            except (InvalidSignature, ValueError):
                continue
            return True
    return False


def _int(obj: dict[str, Any], name: str, low: int, high: int) -> int:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProtocolError("service.error.manifest_invalid")
    return value


def _hex(obj: dict[str, Any], name: str, size: int) -> bytes:
    value = obj.get(name)
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise ProtocolError("service.error.manifest_invalid")
    return raw


def _epoch(obj: object) -> Epoch:
    if not isinstance(obj, dict) or obj.get("suite") != SUITE or obj.get("mode") != MODE:
        raise ProtocolError("service.error.manifest_invalid")
    prefix_bits = _int(obj, "prefix_bits", 1, MAX_PREFIX_BITS)
    if _int(obj, "bucket_count", 1, 1 << MAX_PREFIX_BITS) != 1 << prefix_bits:
        raise ProtocolError("service.error.manifest_invalid")
    return Epoch(
        id=_int(obj, "id", 1, 2**32 - 1),
        public_key=_hex(obj, "public_key", 32),
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
    if not isinstance(epochs_raw, list) or not epochs_raw or len(epochs_raw) > 16:
        raise ProtocolError("service.error.manifest_invalid")
    if not isinstance(breach_ids, list) or len(breach_ids) >= 0xFFFF or not all(isinstance(b, str) for b in breach_ids):
        raise ProtocolError("service.error.manifest_invalid")
    if not isinstance(service, str):
        raise ProtocolError("service.error.manifest_invalid")
    epochs = tuple(_epoch(e) for e in epochs_raw)
    if len({e.id for e in epochs}) != len(epochs):
        raise ProtocolError("service.error.manifest_invalid")
    manifest = Manifest(
        service=service[:200],
        sequence=_int(obj, "sequence", 0, 2**53),
        issued_at=_parse_time(obj.get("issued_at")),
        expires_at=_parse_time(obj.get("expires_at")),
        current_epoch=_int(obj, "current_epoch", 1, 2**32 - 1),
        batch_size=_int(obj, "batch_size", 1, MAX_BATCH),
        buckets_per_check=_int(obj, "buckets_per_check", 1, MAX_BATCH),
        epochs=epochs,
        breach_ids=tuple(breach_ids),
        catalog=obj.get("catalog"),
    )
    manifest.epoch()  # the current epoch must be listed
    return manifest


def check_fresh(manifest: Manifest, now: datetime, last_sequence: int | None) -> None:
    """Refuse a manifest older than one already seen (rollback) or past its expiry (a stale or frozen copy)."""
    if last_sequence is not None and manifest.sequence < last_sequence:
        raise ProtocolError("service.error.rollback")
    if now >= manifest.expires_at:
        raise ProtocolError("service.error.expired")
