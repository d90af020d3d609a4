"""The vault file's bytes: a versioned header, authenticated as AES-256-GCM associated data, then the ciphertext.

Layout (all integers unsigned, big-endian)::

    magic        8   b"ECVAULT\\0"
    version      1   1
    key_source   1   1 = random key in the OS keyring, 2 = passphrase (scrypt)
    scrypt_log2n 1   0 for key_source 1
    scrypt_r     1   0 for key_source 1
    scrypt_p     1   0 for key_source 1
    salt_len     1   0 for key_source 1, 16 for key_source 2
    salt         salt_len
    key_check    16  HMAC-SHA256(key, KEY_CHECK_LABEL)[:16]: tells "wrong key or passphrase" from "damaged file"
    nonce        12  random per write
    ciphertext   rest (AES-256-GCM, tag included; the associated data is every header byte above)

The plaintext is UTF-8 JSON padded with spaces to a multiple of PAD_TO, so the file size says little about how
many checks are kept. Pure functions over bytes: no I/O here.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
import struct
import unicodedata
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ECVAULT\0"
VERSION = 1
NONCE_BYTES = 12
SALT_BYTES = 16
KEY_CHECK_BYTES = 16
KEY_CHECK_LABEL = b"exposure-check vault key check v1"
PAD_TO = 1024
# scrypt cost: 2**17 * 8 * 128 bytes = 128 MiB of memory, ~0.3-0.5 s on a modest laptop; stored in the header so
# it can be raised later without breaking old vaults.
SCRYPT_LOG2N = 17
SCRYPT_R = 8
SCRYPT_P = 1
_FIXED = struct.Struct(">8sBBBBBB")


class KeySource(enum.IntEnum):
    KEYRING = 1
    PASSPHRASE = 2


class FormatError(Exception):
    """Not a vault file this version can read. `reason` is "foreign" (not a vault) or "newer" (a later version)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class WrongKey(Exception):
    """The key (or passphrase) is not the one this vault was written with; the file itself may be fine."""


class Damaged(Exception):
    """The header is fine and the key is right, but the ciphertext does not authenticate."""


@dataclass(frozen=True)
class Header:
    key_source: KeySource
    scrypt_log2n: int = 0
    scrypt_r: int = 0
    scrypt_p: int = 0
    salt: bytes = b""
    key_check: bytes = b""
    nonce: bytes = b""

    def encode(self) -> bytes:
        fixed = _FIXED.pack(
            MAGIC, VERSION, int(self.key_source), self.scrypt_log2n, self.scrypt_r, self.scrypt_p, len(self.salt)
        )
        return fixed + self.salt + self.key_check + self.nonce


def new_passphrase_header() -> Header:
    """A header with a fresh salt and the current scrypt cost, for a new passphrase vault."""
    return Header(KeySource.PASSPHRASE, SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P, os.urandom(SALT_BYTES))


def derive_passphrase_key(passphrase: str, header: Header) -> bytes:
    """scrypt(passphrase) with the header's salt and cost. The passphrase is NFC-normalised (the same passphrase
    typed with a different input method must give the same key), then UTF-8."""
    kdf = Scrypt(salt=header.salt, length=32, n=2**header.scrypt_log2n, r=header.scrypt_r, p=header.scrypt_p)
    return kdf.derive(unicodedata.normalize("NFC", passphrase).encode("utf-8"))


def key_check(key: bytes) -> bytes:
    return hmac.new(key, KEY_CHECK_LABEL, hashlib.sha256).digest()[:KEY_CHECK_BYTES]


def parse_header(blob: bytes) -> tuple[Header, int]:
    """The header and the offset where the ciphertext starts. Raises `FormatError`."""
    if len(blob) < _FIXED.size or blob[: len(MAGIC)] != MAGIC:
        raise FormatError("foreign")
    _magic, version, source, log2n, r, p, salt_len = _FIXED.unpack_from(blob)
    if version > VERSION:
        raise FormatError("newer")
    if version != VERSION:
        raise FormatError("foreign")
    try:
        key_source = KeySource(source)
    except ValueError as exc:
        raise FormatError("foreign") from exc
    if key_source is KeySource.KEYRING and (log2n or r or p or salt_len):
        raise FormatError("foreign")
    if key_source is KeySource.PASSPHRASE and not (
        salt_len == SALT_BYTES and 10 <= log2n <= 22 and 1 <= r <= 32 and 1 <= p <= 16
    ):
        raise FormatError("foreign")
    offset = _FIXED.size
    salt = blob[offset : offset + salt_len]
    offset += salt_len
    check = blob[offset : offset + KEY_CHECK_BYTES]
    offset += KEY_CHECK_BYTES
    nonce = blob[offset : offset + NONCE_BYTES]
    offset += NONCE_BYTES
    # The GCM tag alone is 16 bytes, so anything shorter cannot be a vault.
    if len(nonce) != NONCE_BYTES or len(blob) - offset < 16:
        raise FormatError("foreign")
    return Header(key_source, log2n, r, p, salt, check, nonce), offset


def seal(plaintext: bytes, key: bytes, header: Header) -> bytes:
    """Encrypt `plaintext` (padded) under `key` with a fresh nonce; returns the whole file."""
    padded = plaintext + b" " * (-len(plaintext) % PAD_TO)
    full = Header(
        header.key_source,
        header.scrypt_log2n,
        header.scrypt_r,
        header.scrypt_p,
        header.salt,
        key_check(key),
        os.urandom(NONCE_BYTES),
    )
    aad = full.encode()
    return aad + AESGCM(key).encrypt(full.nonce, padded, aad)


def open_sealed(blob: bytes, key: bytes) -> bytes:
    """Decrypt a whole file. Raises `FormatError`, `WrongKey` or `Damaged`."""
    header, offset = parse_header(blob)
    if not hmac.compare_digest(header.key_check, key_check(key)):
        raise WrongKey
    try:
        return AESGCM(key).decrypt(header.nonce, blob[offset:], blob[:offset])
    except InvalidTag as exc:
        raise Damaged from exc
