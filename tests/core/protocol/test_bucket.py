"""Bucket files, Merkle proofs and eval messages: encode, parse, and refuse every kind of damage."""

from __future__ import annotations

import os

import pytest

from exposurecheck.core.protocol import bucket as b
from exposurecheck.core.protocol import merkle, messages
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Epoch

BITS = 4
CAPACITY = 5


def build_epoch() -> tuple[Epoch, list[bytes]]:
    """All 16 buckets of a tiny epoch, with the planted tag b"T" * 8 (breaches 0 and 3) in bucket 9."""
    files_bodies = []
    for prefix in range(1 << BITS):
        entries = [(b"T" * 8, 0), (b"T" * 8, 3)] if prefix == 9 else []
        pad = os.urandom((CAPACITY - len(entries)) * b.TAG_BYTES)
        files_bodies.append(b.encode_body(1, prefix, BITS, entries, CAPACITY, pad))
    levels = merkle.build_levels([merkle.leaf_hash(body) for body in files_bodies])
    files = [body + merkle.proof_for(levels, p) for p, body in enumerate(files_bodies)]
    epoch = Epoch(
        id=1,
        public_key=b"\x01" * 32,
        prefix_bits=BITS,
        tag_bytes=8,
        bucket_entries=CAPACITY,
        bucket_bytes=b.file_size(CAPACITY, BITS),
        merkle_root=levels[-1][0],
        record_count=2,
    )
    return epoch, files


def test_every_bucket_has_the_same_size_and_parses() -> None:
    epoch, files = build_epoch()
    assert {len(f) for f in files} == {epoch.bucket_bytes}
    for prefix, data in enumerate(files):
        parsed = b.parse_bucket(data, epoch, prefix)
        assert len(parsed.tags) == CAPACITY
    assert b.parse_bucket(files[9], epoch, 9).breaches_for(b"T" * 8) == (0, 3)
    assert b.parse_bucket(files[8], epoch, 8).breaches_for(b"T" * 8) == ()


def test_a_flipped_bit_anywhere_in_the_body_is_detected() -> None:
    epoch, files = build_epoch()
    for position in (b.HEADER_BYTES, b.HEADER_BYTES + 9, len(files[9]) - 200):
        damaged = bytearray(files[9])
        damaged[position] ^= 0x01
        with pytest.raises(ProtocolError) as caught:
            b.parse_bucket(bytes(damaged), epoch, 9)
        assert caught.value.key in ("service.error.bucket_tampered", "service.error.bucket_invalid")


def test_a_bucket_served_under_another_prefix_is_refused() -> None:
    epoch, files = build_epoch()
    with pytest.raises(ProtocolError) as caught:
        b.parse_bucket(files[9], epoch, 8)
    assert caught.value.key == "service.error.bucket_invalid"


def test_a_consistent_forgery_without_the_root_is_refused() -> None:
    epoch, files = build_epoch()
    forged_body = b.encode_body(1, 9, BITS, [], CAPACITY, os.urandom(CAPACITY * 8))  # planted entry removed
    forged = forged_body + files[9][b.body_size(CAPACITY) :]
    with pytest.raises(ProtocolError) as caught:
        b.parse_bucket(forged, epoch, 9)
    assert caught.value.key == "service.error.bucket_tampered"


@pytest.mark.parametrize("data", [b"", b"<html></html>", b"\x00" * 10])
def test_wrong_sizes_are_invalid(data: bytes) -> None:
    epoch, _ = build_epoch()
    with pytest.raises(ProtocolError) as caught:
        b.parse_bucket(data, epoch, 0)
    assert caught.value.key == "service.error.bucket_invalid"


def test_bucket_number_tag_and_paths() -> None:
    bucketing = bytes.fromhex("abcdef01") + bytes(60)
    matching = bytes(range(8)) + bytes(56)
    assert b.bucket_number(bucketing, 16) == 0xABCD
    assert b.bucket_number(bucketing, 20) == 0xABCDE
    assert b.bucket_number(bucketing, 3) == 0b101
    assert b.tag_of(matching) == bytes(range(8))
    assert b.bucket_path(3, 0xABCDE, 20) == "v2/epochs/3/buckets/abcde.bin"
    assert b.bucket_path(3, 0x0B, 8) == "v2/epochs/3/buckets/0b.bin"


def test_eval_messages_round_trip_and_refuse_mismatches() -> None:
    elements = [os.urandom(32) for _ in range(8)]
    request = messages.parse_request(messages.encode_request(5, elements))
    assert request.epoch == 5
    assert list(request.elements) == elements
    bucketing = [os.urandom(32) for _ in range(8)]
    body = messages.encode_response(5, elements, bytes(64), bucketing, b"\x01" * 64)
    assert len(body) == messages.response_bytes(8)
    response = messages.parse_response(body, 5, 8)
    assert (response.proof, response.bucketing_proof) == (bytes(64), b"\x01" * 64)
    assert (list(response.elements), list(response.bucketing_elements)) == (elements, bucketing)
    version_1 = body[:4] + b"\x01" + body[5:]
    for bad in (body[:-1], body + b"\x00", b"ECEV" + body[4:], version_1, body[:-64]):
        with pytest.raises(ProtocolError):
            messages.parse_response(bad, 5, 8)
    with pytest.raises(ProtocolError):
        messages.parse_response(body, 6, 8)
    with pytest.raises(ProtocolError):
        messages.parse_request(b"ECEV\x02\x00\x00\x00" + bytes(4))  # zero elements
