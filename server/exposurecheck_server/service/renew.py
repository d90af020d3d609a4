"""Renewing a site's manifest without the records or the OPRF keys, and publishing manifests signed elsewhere.

A renewal is the current manifest with a higher sequence, a new validity period, `previous` set to the current
manifest's hash, and optionally keys announced, announcements withdrawn, or old epochs dropped. The buckets do not
change, so it needs neither the breach data nor any OPRF key; only a signature, which can be made on another
machine (`service manifest --unsigned` here, `service sign` offline, `service publish` back here).

Before anything is published it passes the same continuity rules every client applies (core/protocol/chain.py),
so an operator learns at once, not from their users, that a key change was not announced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.errors import UserError
from exposurecheck.core.protocol import chain, paths, privacy
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol.canonical import canonical_json
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Manifest
from exposurecheck_server.service import site as sites
from exposurecheck_server.service.build import MAX_VALID_DAYS, next_sequence

DEFAULT_VALID_DAYS = 30


@dataclass(frozen=True)
class Renewal:
    """What changes in the next manifest; everything else is carried over from the current one."""

    valid_days: int = DEFAULT_VALID_DAYS
    sequence: int | None = None  # default: now as a Unix time, or one more than the current if that is higher
    publisher_keys: Sequence[bytes] | None = None  # default: the current manifest's
    announce_publisher_keys: Sequence[bytes] = ()
    announce_oprf_keys: Sequence[bytes] = ()
    withdraw_announcements: bool = False  # a planned key change called off
    drop_epochs: Sequence[int] = ()  # old epochs no client needs any more (after a key change-over)
    now: datetime | None = None


def next_payload(site: Path, renewal: Renewal) -> dict[str, Any]:
    """The next manifest of `site` as a dict, checked to be one every client will accept after the current one."""
    if not 1 <= renewal.valid_days <= MAX_VALID_DAYS:
        raise UserError("service.admin.valid_days", high=MAX_VALID_DAYS)
    current = sites.read_site_manifest(site)
    payload = sites.read_site_payload(site)
    dropped = set(renewal.drop_epochs)
    if current.current_epoch in dropped:
        raise UserError("service.admin.drop_current_epoch", epoch=current.current_epoch)
    unknown = dropped - {e.id for e in current.epochs}
    if unknown:
        raise UserError("service.admin.no_such_epoch", epoch=min(unknown))
    publisher_keys = list(renewal.publisher_keys or current.publisher_keys)
    epochs = [e for e in payload["epochs"] if e["id"] not in dropped]
    in_use = set(publisher_keys) | {bytes.fromhex(e["public_key"]) for e in epochs}
    carried_publishers = [] if renewal.withdraw_announcements else list(current.announced_publisher_keys)
    carried_oprf = [] if renewal.withdraw_announcements else list(current.announced_oprf_keys)
    announced_publishers = _unique(carried_publishers + list(renewal.announce_publisher_keys), in_use)
    announced_oprf = _unique(carried_oprf + list(renewal.announce_oprf_keys), in_use)
    if max(len(announced_publishers), len(announced_oprf), len(publisher_keys)) > manifests.MAX_KEYS:
        raise UserError("service.admin.too_many_keys", high=manifests.MAX_KEYS)
    sequence = renewal.sequence if renewal.sequence is not None else next_sequence(current)
    if sequence <= current.sequence:
        raise UserError("service.admin.sequence_not_higher", sequence=current.sequence)
    issued = (renewal.now or datetime.now(UTC)).replace(microsecond=0)
    payload.update(
        {
            "sequence": sequence,
            "previous": current.digest.hex(),
            "issued_at": manifests.format_time(issued),
            "expires_at": manifests.format_time(issued + timedelta(days=renewal.valid_days)),
            "publisher_keys": [key.hex() for key in publisher_keys],
            "announced": {
                "publisher_keys": [key.hex() for key in announced_publishers],
                "oprf_keys": [key.hex() for key in announced_oprf],
            },
            "epochs": epochs,
        }
    )
    manifests.payload_bytes(payload)  # a payload our own client could not parse is never written
    return payload


def check_renewal(site: Path, renewal: Renewal) -> None:
    """Everything about a renewal that needs no signing key (`next_payload` with the keys that signed the current
    manifest): `service renew` runs it before asking for the key's passphrase, so a wrong --valid-days or site
    fails on the argument, not after the operator typed the passphrase."""
    next_payload(site, renewal)


def check_signable(data: bytes) -> Manifest:
    """The manifest `sign` would sign, read and checked as `sign` does, before a key is unlocked for it."""
    return _to_sign(data)[2]


def _to_sign(data: bytes) -> tuple[bytes, list[Any], Manifest]:
    """(payload bytes, signatures already on it, the manifest) of an unsigned manifest or an envelope."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise UserError("service.admin.not_a_manifest") from None
    kept: list[Any] = []
    if isinstance(document, dict) and document.get("format") == manifests.ENVELOPE_FORMAT:
        body = _envelope_body(data)
        kept = list(document.get("signatures") or [])
    elif isinstance(document, dict) and document.get("format") == manifests.MANIFEST_FORMAT:
        body = data.strip()
    else:
        raise UserError("service.admin.not_a_manifest")
    try:
        return body, kept, manifests.parse_payload(body)
    except ProtocolError:
        raise UserError("service.admin.not_a_manifest") from None


def _unique(keys: Sequence[bytes], in_use: set[bytes]) -> list[bytes]:
    """Keys in order, once each, leaving out those already in use (an announcement ends when the key is used)."""
    return [key for key in dict.fromkeys(keys) if key not in in_use]


def sign(data: bytes, signing_keys: Sequence[Ed25519PrivateKey]) -> bytes:
    """Sign an unsigned manifest (`service manifest --unsigned`) or add signatures to an envelope.

    The payload bytes are signed exactly as they are (they must already be canonical); every key must be one the
    payload lists under `publisher_keys`.
    """
    body, kept, manifest = _to_sign(data)
    for key in signing_keys:
        if key.public_key().public_bytes_raw() not in manifest.publisher_keys:
            raise UserError("service.admin.signer_not_listed")
    fresh = json.loads(manifests.envelope_for(body, manifests.sign_payload(body, signing_keys)))["signatures"]
    envelope = json.loads(manifests.envelope_for(body, []))
    envelope["signatures"] = (kept + fresh)[: manifests.MAX_SIGNATURES]
    return canonical_json(envelope)


def _envelope_body(data: bytes) -> bytes:
    try:
        return manifests.read_envelope(data).body
    except ProtocolError:
        raise UserError("service.admin.not_a_manifest") from None


def check_publishable(site: Path, envelope: bytes) -> Manifest:
    """Everything a client pinned to the site's current manifest checks, and that the site holds what it lists.

    Raises UserError: `not_a_manifest`, `not_next` (not the direct successor of the current manifest),
    `not_announced` (a key the current manifest did not announce, or no valid signature by an allowed key),
    `weak_parameters`, `bucket_missing`.
    """
    current = sites.read_site_manifest(site)
    try:
        opened = manifests.read_envelope(envelope)
    except ProtocolError:
        raise UserError("service.admin.not_a_manifest") from None
    try:
        manifest = chain.follows(chain.pin_of(current), opened)
    except ProtocolError as exc:
        if exc.key == "service.error.key_change":
            raise UserError("service.admin.not_announced") from None
        if exc.key in ("service.error.rollback", "service.error.forked"):
            raise UserError("service.admin.not_next", sequence=current.sequence) from None
        raise UserError("service.admin.not_a_manifest") from None
    if manifest.previous != current.digest:
        raise UserError("service.admin.not_next", sequence=current.sequence)
    try:
        privacy.check_floors(manifest)
    except ProtocolError:
        raise UserError("service.admin.weak_parameters") from None
    for epoch in manifest.epochs:
        if not (site / paths.epoch_folder(epoch.id)).is_dir():
            raise UserError("service.admin.bucket_missing", epoch=epoch.id)
    return manifest


def publish(site: Path, envelope: bytes) -> Manifest:
    """Check, then install `envelope` as the site's current manifest (the old one stays in the history)."""
    check_publishable(site, envelope)
    return sites.publish(site, envelope)


def renew(site: Path, renewal: Renewal, signing_keys: Sequence[Ed25519PrivateKey]) -> Manifest:
    """`service renew`: the next manifest, signed here and published."""
    keys = [key.public_key().public_bytes_raw() for key in signing_keys]
    payload = next_payload(site, replace(renewal, publisher_keys=renewal.publisher_keys or keys))
    body = manifests.payload_bytes(payload)
    return publish(site, sign(body, signing_keys))
