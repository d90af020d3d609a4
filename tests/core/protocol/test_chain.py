"""Key continuity (core/protocol/chain.py): a key change is accepted only when an earlier manifest announced it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.crypto import sodium
from exposurecheck.core.protocol import chain
from exposurecheck.core.protocol import manifest as m
from exposurecheck.core.protocol.errors import ProtocolError

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BUCKETING = b"\x46" * 32


def a_point() -> bytes:
    """A random canonical point encoding (what a fresh key's public half looks like)."""
    return sodium.point_from_hash(os.urandom(64))


def raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def manifest(
    sequence: int,
    signers: list[Ed25519PrivateKey],
    *,
    previous: bytes = b"",
    oprf_keys: tuple[bytes, ...] = (b"\x12" * 32,),
    announce_signers: tuple[bytes, ...] = (),
    announce_oprf: tuple[bytes, ...] = (),
    bucketing: bytes = BUCKETING,
    listed: list[bytes] | None = None,
) -> m.Envelope:
    epochs: list[dict[str, Any]] = [
        {
            "id": n + 1,
            "suite": m.SUITE,
            "mode": m.MODE,
            "public_key": key.hex(),
            "prefix_bits": 8,
            "tag_bytes": 8,
            "bucket_count": 256,
            "bucket_entries": 3,
            "bucket_bytes": 306,
            "merkle_root": "22" * 32,
            "record_count": 1,
        }
        for n, key in enumerate(oprf_keys)
    ]
    payload = {
        "format": m.MANIFEST_FORMAT,
        "version": m.VERSION,
        "service": "Chain test",
        "sequence": sequence,
        "previous": previous.hex(),
        "issued_at": m.format_time(NOW),
        "expires_at": m.format_time(NOW + timedelta(days=30)),
        "current_epoch": len(epochs),
        "batch_size": 8,
        "buckets_per_check": 8,
        "bucketing_key": bucketing.hex(),
        "publisher_keys": [k.hex() for k in (listed or [raw(s) for s in signers])],
        "announced": {
            "publisher_keys": [k.hex() for k in announce_signers],
            "oprf_keys": [k.hex() for k in announce_oprf],
        },
        "epochs": epochs,
        "breach_ids": [],
        "catalog": {},
    }
    body = m.payload_bytes(payload)
    return m.read_envelope(m.envelope_for(body, m.sign_payload(body, signers)))


def pinned(envelope: m.Envelope) -> chain.Pin:
    return chain.pin_of(m.parse_payload(envelope.body))


OLD, NEW = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()


def test_first_use_needs_a_trusted_key_the_manifest_names() -> None:
    envelope = manifest(1, [OLD])
    assert chain.first_use(envelope, frozenset({raw(OLD)})).sequence == 1
    with pytest.raises(ProtocolError) as caught:
        chain.first_use(envelope, frozenset({raw(NEW)}))
    assert caught.value.key == "service.error.untrusted_signature"
    unnamed = manifest(1, [OLD], listed=[raw(NEW)])  # signed by a trusted key the manifest does not name
    with pytest.raises(ProtocolError):
        chain.first_use(unnamed, frozenset({raw(OLD)}))


def test_the_same_keys_are_accepted_without_walking_the_chain() -> None:
    first = manifest(1, [OLD])
    later = manifest(9, [OLD], previous=os.urandom(32))  # several renewals later: nothing to walk for
    assert not chain.needs_walk(pinned(first), later)
    assert chain.follows(pinned(first), later).sequence == 9


@pytest.mark.parametrize("what", ["oprf", "signer", "bucketing"])
def test_an_unannounced_key_change_is_refused(what: str) -> None:
    first = manifest(1, [OLD])
    changed = {
        "oprf": lambda: manifest(2, [OLD], previous=first.digest, oprf_keys=(b"\x12" * 32, b"\x34" * 32)),
        "signer": lambda: manifest(2, [NEW], previous=first.digest),
        "bucketing": lambda: manifest(2, [OLD], previous=first.digest, bucketing=a_point()),
    }[what]()
    assert chain.needs_walk(pinned(first), changed)
    with pytest.raises(ProtocolError) as caught:
        chain.follows(pinned(first), changed)
    assert caught.value.key == "service.error.key_change"


def test_announced_keys_are_accepted_in_a_later_manifest() -> None:
    first = manifest(1, [OLD], announce_signers=(raw(NEW),), announce_oprf=(b"\x34" * 32,))
    rotated = manifest(2, [OLD, NEW], previous=first.digest, oprf_keys=(b"\x12" * 32, b"\x34" * 32))
    assert chain.follows(pinned(first), rotated).current_epoch == 2
    only_new = manifest(3, [NEW], previous=rotated.digest, oprf_keys=(b"\x34" * 32,))
    assert chain.follows(pinned(rotated), only_new).sequence == 3
    with pytest.raises(ProtocolError):
        chain.follows(pinned(only_new), manifest(4, [OLD], previous=only_new.digest, oprf_keys=(b"\x34" * 32,)))


def test_the_bucketing_key_cannot_be_announced_away() -> None:
    first = manifest(1, [OLD], announce_oprf=(b"\x44" * 32,))
    other = manifest(2, [OLD], previous=first.digest, bucketing=b"\x44" * 32)
    with pytest.raises(ProtocolError) as caught:
        chain.follows(pinned(first), other)
    assert caught.value.key == "service.error.key_change"


def test_a_walked_chain_accepts_an_announcement_the_client_never_saw_directly() -> None:
    first = manifest(1, [OLD])
    announcing = manifest(2, [OLD], previous=first.digest, announce_oprf=(b"\x34" * 32,))
    renewed = manifest(3, [OLD], previous=announcing.digest, announce_oprf=(b"\x34" * 32,))
    rotated = manifest(4, [OLD], previous=renewed.digest, oprf_keys=(b"\x12" * 32, b"\x34" * 32))
    result = chain.verify_chain(pinned(first), [announcing, renewed, rotated])
    assert result.sequence == 4
    # The same end without the announcement in between: refused however the chain is presented.
    unannounced = manifest(2, [OLD], previous=first.digest)
    rotated_anyway = manifest(3, [OLD], previous=unannounced.digest, oprf_keys=(b"\x12" * 32, b"\x34" * 32))
    with pytest.raises(ProtocolError) as caught:
        chain.verify_chain(pinned(first), [unannounced, rotated_anyway])
    assert caught.value.key == "service.error.key_change"


def test_links_must_connect_and_sequences_must_not_repeat() -> None:
    first = manifest(5, [OLD])
    stray = manifest(6, [OLD], previous=os.urandom(32), announce_oprf=(b"\x34" * 32,))
    with pytest.raises(ProtocolError) as caught:
        chain.verify_chain(pinned(first), [stray])
    assert caught.value.key == "service.error.forked"
    sibling = manifest(5, [OLD], previous=os.urandom(32))  # another manifest with the pinned sequence
    with pytest.raises(ProtocolError) as forked:
        chain.follows(pinned(first), sibling)
    assert forked.value.key == "service.error.forked"
    with pytest.raises(ProtocolError) as rolled:
        chain.follows(pinned(first), manifest(4, [OLD]))
    assert rolled.value.key == "service.error.rollback"


def test_the_pin_keeps_the_most_bits_ever_revealed() -> None:
    first = chain.pin_of(m.parse_payload(manifest(1, [OLD]).body))
    assert first.revealed_bits == 5  # 8-bit buckets in blocks of 8
    wider = chain.Pin(first.digest, 1, BUCKETING, first.publisher_keys, first.oprf_keys, 13)
    assert chain.pin_of(m.parse_payload(manifest(2, [OLD]).body), wider).revealed_bits == 13


def test_a_walk_checks_its_reduced_steps_as_it_would_the_manifests() -> None:
    # What the client's history walk really passes (lookup_service_trust._walk): steps that keep only the keys,
    # links and which listed keys signed; the signatures are checked once, when each is fetched.
    first = manifest(1, [OLD], announce_signers=(raw(NEW),))
    rotated = manifest(2, [OLD, NEW], previous=first.digest)
    only_new = manifest(3, [NEW], previous=rotated.digest, oprf_keys=(b"\x34" * 32,))
    steps = [chain.step_of(rotated), chain.step_of(only_new, keep_content=True)]
    assert chain.step_of(rotated).manifest.catalog is None  # a walked step does not keep the catalog
    with pytest.raises(ProtocolError) as unannounced_oprf:
        chain.verify_chain(pinned(first), steps)  # the new OPRF key was never announced
    assert unannounced_oprf.value.key == "service.error.key_change"
    only_new = manifest(3, [NEW], previous=rotated.digest)
    accepted = chain.verify_chain(pinned(first), [chain.step_of(rotated), chain.step_of(only_new)])
    assert accepted.sequence == 3
    # Keys the pin knows, listed, but signed by another (whoever serves the files, with a key of their own) ...
    stranger = Ed25519PrivateKey.generate()
    forged = manifest(2, [stranger], previous=first.digest, listed=[raw(OLD)])
    # ... or by a pinned key it does not list; or listing the key it was signed by, which the pin does not know.
    unlisted = manifest(2, [OLD], previous=first.digest, listed=[raw(NEW)])
    self_signed = manifest(2, [stranger], previous=first.digest)
    for step in (forged, unlisted, self_signed):
        with pytest.raises(ProtocolError) as refused:
            chain.verify_chain(pinned(first), [chain.step_of(step)])
        assert refused.value.key == "service.error.key_change"
