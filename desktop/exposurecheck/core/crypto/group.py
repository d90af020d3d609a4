"""ristretto255-SHA512 as RFC 9497 uses it: context strings, hash-to-group and hash-to-scalar (RFC 9380).

Kept apart from the protocol code so the OPRF module reads like the RFC's pseudocode.
"""

from __future__ import annotations

import enum
import hashlib
from functools import cache

from exposurecheck.core.crypto import sodium

SUITE_ID = b"ristretto255-SHA512"
ELEMENT_BYTES = sodium.POINT_BYTES
SCALAR_BYTES = sodium.SCALAR_BYTES
OUTPUT_BYTES = 64  # SHA-512
# The standard ristretto255 base point (a test checks it against libsodium); a constant so importing this module
# does not load libsodium, and a missing library shows up as a UserError at check time instead of at import.
GENERATOR = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")


class Mode(enum.IntEnum):
    """RFC 9497 section 3.1 protocol modes; the value is part of every domain-separation tag."""

    OPRF = 0x00
    VOPRF = 0x01
    POPRF = 0x02


@cache
def context_string(mode: Mode) -> bytes:
    return b"OPRFV1-" + bytes([mode]) + b"-" + SUITE_ID


def i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


_ZERO_BLOCK_STATE = hashlib.sha512(bytes(128))  # Z_pad of RFC 9380 for SHA-512 (s_in_bytes = 128)


def expand_message_xmd(msg: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 section 5.3.1 with SHA-512 (b_in_bytes 64, s_in_bytes 128)."""
    b_in_bytes = 64
    ell = -(-length // b_in_bytes)
    if ell > 255 or length > 65535 or len(dst) > 255:
        raise ValueError("expand_message_xmd: length or DST too long")
    dst_prime = dst + i2osp(len(dst), 1)
    # msg_prime starts with s_in_bytes zero bytes: continue from a copy of the state that has absorbed them.
    state = _ZERO_BLOCK_STATE.copy()
    state.update(msg + i2osp(length, 2) + b"\x00" + dst_prime)
    b_0 = state.digest()
    blocks = [hashlib.sha512(b_0 + b"\x01" + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(x ^ y for x, y in zip(b_0, blocks[-1], strict=True))
        blocks.append(hashlib.sha512(mixed + i2osp(i, 1) + dst_prime).digest())
    return b"".join(blocks)[:length]


def hash_to_group(msg: bytes, mode: Mode) -> bytes:
    """HashToGroup: hash_to_ristretto255 with DST "HashToGroup-" || contextString."""
    uniform = expand_message_xmd(msg, b"HashToGroup-" + context_string(mode), 64)
    return sodium.point_from_hash(uniform)


def hash_to_scalar(msg: bytes, mode: Mode, dst: bytes | None = None) -> bytes:
    """HashToScalar: 64 uniform bytes reduced modulo the group order (default DST "HashToScalar-" || context)."""
    if dst is None:
        dst = _scalar_dst(mode)
    return sodium.scalar_reduce(expand_message_xmd(msg, dst, 64))


@cache
def _scalar_dst(mode: Mode) -> bytes:
    return b"HashToScalar-" + context_string(mode)


def length_prefixed(*parts: bytes) -> bytes:
    """`I2OSP(len(part), 2) || part` for each part: the RFC's transcript framing."""
    return b"".join(i2osp(len(part), 2) + part for part in parts)
