"""The vault file format as pure functions: round trip, strict header parsing, authenticated header."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposurecheck.core.vault.format import (
    MAGIC,
    PAD_TO,
    Damaged,
    FormatError,
    Header,
    KeySource,
    WrongKey,
    open_sealed,
    parse_header,
    seal,
)

KEY = bytes(range(32))


@given(st.binary(max_size=5000))
def test_seal_open_round_trip_and_padding(plaintext: bytes) -> None:
    blob = seal(plaintext, KEY, Header(KeySource.KEYRING))
    opened = open_sealed(blob, KEY)
    assert opened[: len(plaintext)] == plaintext
    assert len(opened) % PAD_TO == 0 and set(opened[len(plaintext) :]) <= {ord(" ")}


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_any_bytes_are_a_format_error_or_a_header(blob: bytes) -> None:
    try:
        header, offset = parse_header(blob)
    except FormatError as exc:
        reason = exc.reason
        header = None
    if header is None:
        assert reason in ("foreign", "newer")
        return
    assert blob.startswith(MAGIC) and offset <= len(blob)
    assert header.key_source in (KeySource.KEYRING, KeySource.PASSPHRASE)


@settings(max_examples=200)
@given(st.data())
def test_any_single_bit_flip_is_detected(data: st.DataObject) -> None:
    blob = bytearray(seal(b'{"checks": []}', KEY, Header(KeySource.KEYRING)))
    position = data.draw(st.integers(0, len(blob) - 1))
    blob[position] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises((FormatError, WrongKey, Damaged)):
        open_sealed(bytes(blob), KEY)


def test_a_different_key_is_reported_as_wrong_key_not_damage() -> None:
    blob = seal(b"{}", KEY, Header(KeySource.KEYRING))
    with pytest.raises(WrongKey):
        open_sealed(blob, os.urandom(32))


def test_every_write_uses_a_fresh_nonce() -> None:
    first = seal(b"{}", KEY, Header(KeySource.KEYRING))
    second = seal(b"{}", KEY, Header(KeySource.KEYRING))
    assert parse_header(first)[0].nonce != parse_header(second)[0].nonce
    assert first != second
