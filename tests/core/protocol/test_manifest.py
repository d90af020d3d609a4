"""The signed manifest: canonical bytes, Ed25519 with domain separation, named signers, rollback and expiry."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.protocol import manifest as m
from exposurecheck.core.protocol.canonical import canonical_json, is_canonical
from exposurecheck.core.protocol.errors import ProtocolError

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def payload(*signers: Ed25519PrivateKey, **changes: Any) -> dict[str, Any]:
    """A valid version 2 manifest dict naming `signers` as its publisher keys (a random key when none is given)."""
    keys = [raw(k) for k in signers] or [raw(Ed25519PrivateKey.generate())]
    base: dict[str, Any] = {
        "format": m.MANIFEST_FORMAT,
        "version": 2,
        "service": "Test service",
        "sequence": 7,
        "previous": "",
        "bucketing_key": "34" * 32,
        "publisher_keys": [k.hex() for k in keys],
        "announced": {"publisher_keys": [], "oprf_keys": []},
        "issued_at": m.format_time(NOW),
        "expires_at": m.format_time(NOW + timedelta(days=30)),
        "current_epoch": 1,
        "batch_size": 8,
        "buckets_per_check": 8,
        "epochs": [
            {
                "id": 1,
                "suite": m.SUITE,
                "mode": m.MODE,
                "public_key": "12" * 32,
                "prefix_bits": 16,
                "tag_bytes": 8,
                "bucket_count": 65536,
                "bucket_entries": 3,
                "bucket_bytes": 562,
                "merkle_root": "22" * 32,
                "record_count": 10,
            }
        ],
        "breach_ids": ["shanghai_police_2022"],
        "catalog": {"format": "exposurecheck.catalog", "version": 1, "breaches": []},
    }
    base.update(changes)
    return base


def raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def test_round_trip_with_a_trusted_key() -> None:
    key = Ed25519PrivateKey.generate()
    opened = m.open_envelope(m.sign_envelope(payload(key), [key]), [raw(key)])
    assert opened.sequence == 7
    assert opened.epoch().prefix_bits == 16
    assert opened.epoch().public_key == bytes.fromhex("12" * 32)
    assert opened.breach_ids == ("shanghai_police_2022",)


def test_any_of_several_signatures_may_be_the_trusted_one() -> None:
    primary, backup = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    envelope = m.sign_envelope(payload(primary, backup), [primary, backup])
    assert m.open_envelope(envelope, [raw(backup)]).sequence == 7


def test_signature_by_another_key_is_refused() -> None:
    signer, trusted = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(ProtocolError) as caught:
        m.open_envelope(m.sign_envelope(payload(signer), [signer]), [raw(trusted)])
    assert caught.value.key == "service.error.untrusted_signature"


def test_a_changed_payload_fails_the_signature() -> None:
    key = Ed25519PrivateKey.generate()
    envelope = json.loads(m.sign_envelope(payload(key), [key]))
    body = base64.b64decode(envelope["payload"]).replace(b'"sequence":7', b'"sequence":9')
    envelope["payload"] = base64.b64encode(body).decode()
    with pytest.raises(ProtocolError) as caught:
        m.open_envelope(json.dumps(envelope).encode(), [raw(key)])
    assert caught.value.key == "service.error.untrusted_signature"


def test_signature_without_the_domain_prefix_is_refused() -> None:
    key = Ed25519PrivateKey.generate()
    body = canonical_json(payload(key))
    envelope = {
        "format": m.ENVELOPE_FORMAT,
        "version": 2,
        "payload": base64.b64encode(body).decode(),
        "signatures": [{"key_id": m.key_id(raw(key)), "signature": key.sign(body).hex()}],
    }
    with pytest.raises(ProtocolError) as caught:
        m.open_envelope(canonical_json(envelope), [raw(key)])
    assert caught.value.key == "service.error.untrusted_signature"


@pytest.mark.parametrize(
    "body",
    [b"<!doctype html><html><body>Login</body></html>", b"", b"{}", b"[1,2]", b"\xff\xfe"],
)
def test_things_that_are_not_a_manifest(body: bytes) -> None:
    with pytest.raises(ProtocolError) as caught:
        m.open_envelope(body, [raw(Ed25519PrivateKey.generate())])
    assert caught.value.key == "service.error.not_manifest"


def test_non_canonical_payload_is_refused_even_when_signed() -> None:
    key = Ed25519PrivateKey.generate()
    body = json.dumps(payload(key), indent=1).encode()
    envelope = {
        "format": m.ENVELOPE_FORMAT,
        "version": 2,
        "payload": base64.b64encode(body).decode(),
        "signatures": [{"key_id": "x", "signature": key.sign(m.SIGNING_DOMAIN + body).hex()}],
    }
    with pytest.raises(ProtocolError) as caught:
        m.open_envelope(canonical_json(envelope), [raw(key)])
    assert caught.value.key == "service.error.manifest_invalid"


@pytest.mark.parametrize(
    "changes",
    [
        {"current_epoch": 2},
        {"batch_size": 0},
        {"batch_size": 1000},
        {"sequence": -1},
        {"expires_at": "2026-12-01"},
        {"breach_ids": [1]},
        {"epochs": []},
        {"previous": "ab"},
        {"bucketing_key": "34"},
        {"bucketing_key": "11" * 32},  # odd: not a canonical encoding
        {"publisher_keys": []},
        {"announced": {"publisher_keys": ["12" * 32]}},
        {"publisher_keys": ["12" * 32, "12" * 32]},
    ],
)
def test_malformed_fields_are_refused_before_signing(changes: dict[str, Any]) -> None:
    key = Ed25519PrivateKey.generate()
    with pytest.raises(ProtocolError):
        m.sign_envelope(payload(key, **changes), [key])


def test_a_signature_by_a_key_the_manifest_does_not_name_is_refused() -> None:
    named, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    with pytest.raises(ValueError, match="publisher_keys"):
        m.sign_envelope(payload(named), [other])  # our own tools never write one
    body = canonical_json(payload(named))
    envelope = m.envelope_for(body, m.sign_payload(body, [other]))
    with pytest.raises(ProtocolError) as caught:
        m.open_envelope(envelope, [raw(other)])  # trusted by the person, but not named by the manifest
    assert caught.value.key == "service.error.untrusted_signature"


def test_a_version_1_envelope_is_named_as_an_old_protocol() -> None:
    old = canonical_json({"format": m.ENVELOPE_FORMAT, "version": 1, "payload": "", "signatures": []})
    with pytest.raises(ProtocolError) as caught:
        m.read_envelope(old)
    assert caught.value.key == "service.error.old_protocol"
    with pytest.raises(ProtocolError) as newer:
        m.read_envelope(canonical_json({"format": m.ENVELOPE_FORMAT, "version": 3}))
    assert newer.value.key == "service.error.version"


def test_digest_is_the_hash_of_the_exact_payload() -> None:
    body = canonical_json(payload())
    assert m.parse_payload(body).digest == m.payload_digest(body)
    assert len(m.payload_digest(body)) == 32


def test_bucket_count_must_match_prefix_bits() -> None:
    epoch = dict(payload()["epochs"][0], bucket_count=1000)
    with pytest.raises(ProtocolError):
        m.parse_payload(canonical_json(payload(epochs=[epoch])))


def test_rollback_and_expiry() -> None:
    manifest = m.parse_payload(canonical_json(payload()))
    m.check_fresh(manifest, NOW, None)
    m.check_fresh(manifest, NOW, 7)  # the same manifest again is fine
    with pytest.raises(ProtocolError) as rolled:
        m.check_fresh(manifest, NOW, 8)
    assert rolled.value.key == "service.error.rollback"
    with pytest.raises(ProtocolError) as expired:
        m.check_fresh(manifest, NOW + timedelta(days=31), 7)
    assert expired.value.key == "service.error.expired"


def test_canonical_json_rules() -> None:
    assert canonical_json({"b": 1, "a": "上海"}) == '{"a":"上海","b":1}'.encode()
    assert is_canonical(b'{"a":1}')
    assert not is_canonical(b'{"a": 1}')
    with pytest.raises(ValueError, match="floats"):
        canonical_json({"x": 1.5})


@pytest.mark.parametrize("field", ["bucketing_key", "epoch_key", "announced_oprf_key"])
def test_a_public_key_in_a_second_encoding_is_refused(field: str) -> None:
    key = Ed25519PrivateKey.generate()
    valid = "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"  # the ristretto255 generator
    high = valid[:62] + f"{int(valid[62:], 16) | 0x80:02x}"  # the same point with bit 255 set
    assert m.parse_payload(canonical_json(payload(key, bucketing_key=valid))).bucketing_key.hex() == valid
    changes: dict[str, Any] = {
        "bucketing_key": {"bucketing_key": high},
        "epoch_key": {"epochs": [dict(payload()["epochs"][0], public_key=high)]},
        "announced_oprf_key": {"announced": {"publisher_keys": [], "oprf_keys": [high]}},
    }[field]
    with pytest.raises(ProtocolError) as caught:
        m.parse_payload(canonical_json(payload(key, **changes)))
    assert caught.value.key == "service.error.manifest_invalid"
