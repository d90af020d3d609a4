"""RFC 9497 OPRF, VOPRF and POPRF for the ristretto255-SHA512 suite.

The functions follow the RFC's names and steps, over bytes: points are 32-byte encodings, scalars 32-byte
little-endian. Batches are first-class because the lookup protocol always sends a padded batch with one proof.
Random scalars come from libsodium; the `blinds=` / `r=` parameters exist only so the test vectors can fix them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from exposurecheck.core.crypto import dleq, sodium
from exposurecheck.core.crypto.group import (
    GENERATOR,
    Mode,
    context_string,
    hash_to_group,
    hash_to_scalar,
    i2osp,
    length_prefixed,
)


class OprfError(ValueError):
    """A protocol failure (bad point, bad proof, degenerate input). Never carries an input or a blind."""


@dataclass(frozen=True)
class KeyPair:
    secret: bytes = field(repr=False)
    public: bytes


@dataclass(frozen=True)
class Blinded:
    """What the client keeps (`blind`) and what it sends (`element`) for one input."""

    blind: bytes = field(repr=False)
    element: bytes


def derive_key_pair(seed: bytes, info: bytes, mode: Mode) -> KeyPair:
    """DeriveKeyPair (RFC 9497 section 3.2.1)."""
    derive_input = seed + length_prefixed(info)
    dst = b"DeriveKeyPair" + context_string(mode)
    for counter in range(256):
        secret = hash_to_scalar(derive_input + i2osp(counter, 1), mode, dst=dst)
        if secret != bytes(32):
            return KeyPair(secret=secret, public=sodium.scalarmult_base(secret))
    raise OprfError("DeriveKeyPairError")


def generate_key_pair() -> KeyPair:
    """A fresh random key pair (the same for every mode: the mode only changes the transcripts)."""
    secret = sodium.scalar_random()
    return KeyPair(secret=secret, public=sodium.scalarmult_base(secret))


def public_key(secret: bytes) -> bytes:
    return sodium.scalarmult_base(secret)


def blind(inputs: Sequence[bytes], mode: Mode, blinds: Sequence[bytes] | None = None) -> list[Blinded]:
    """Blind each input: r * HashToGroup(input) with a fresh random r."""
    out = []
    for i, data in enumerate(inputs):
        r = blinds[i] if blinds is not None else sodium.scalar_random()
        point = hash_to_group(data, mode)
        if point == sodium.IDENTITY:
            raise OprfError("InvalidInputError")
        out.append(Blinded(blind=r, element=sodium.scalarmult(r, point)))
    return out


def _deserialize_elements(elements: Sequence[bytes]) -> None:
    for element in elements:
        if not sodium.is_valid_point(element):
            raise OprfError("DeserializeError")


def blind_evaluate(secret: bytes, blinded_elements: Sequence[bytes]) -> list[bytes]:
    """OPRF-mode server step: k * B for each blinded element, no proof.

    No separate DeserializeElement pass: libsodium's scalar multiplication already refuses a non-canonical
    encoding and an identity input or result, and skipping the extra decode is ~5% of a server's time.
    """
    try:
        return [sodium.scalarmult(secret, element) for element in blinded_elements]
    except (sodium.InvalidPoint, ValueError):
        raise OprfError("DeserializeError") from None


def blind_evaluate_verifiable(
    key: KeyPair, blinded_elements: Sequence[bytes], r: bytes | None = None
) -> tuple[list[bytes], bytes]:
    """VOPRF server step: the evaluations and one batch proof that all used the key behind `key.public`."""
    evaluated = blind_evaluate(key.secret, blinded_elements)
    proof = dleq.generate_proof(key.secret, GENERATOR, key.public, blinded_elements, evaluated, Mode.VOPRF, r=r)
    return evaluated, proof


def _finish(data: bytes, blind_scalar: bytes, evaluated: bytes, info: bytes | None) -> bytes:
    unblinded = sodium.scalarmult(sodium.scalar_invert(blind_scalar), evaluated)
    framed = length_prefixed(data) if info is None else length_prefixed(data, info)
    return hashlib.sha512(framed + length_prefixed(unblinded) + b"Finalize").digest()


def finalize(inputs: Sequence[bytes], blinded: Sequence[Blinded], evaluated: Sequence[bytes]) -> list[bytes]:
    """OPRF-mode client step: unblind and hash. Trusts the server (no proof in this mode)."""
    _deserialize_elements(evaluated)
    return [_finish(x, b.blind, e, None) for x, b, e in zip(inputs, blinded, evaluated, strict=True)]


def finalize_verifiable(
    inputs: Sequence[bytes],
    blinded: Sequence[Blinded],
    evaluated: Sequence[bytes],
    proof: bytes,
    server_public: bytes,
) -> list[bytes]:
    """VOPRF client step: check the batch proof against `server_public`, then unblind and hash.

    Raises OprfError when the proof fails, which is what happens if the server used any other key.
    """
    if len(evaluated) != len(blinded) or len(inputs) != len(blinded):
        raise OprfError("batch size mismatch")
    verify_evaluation([b.element for b in blinded], evaluated, proof, server_public)
    return unblind_and_hash(inputs, blinded, evaluated[: len(inputs)])


def verify_evaluation(
    blinded_elements: Sequence[bytes], evaluated: Sequence[bytes], proof: bytes, server_public: bytes
) -> None:
    """Check a VOPRF batch proof; the batch may hold padding elements that have no input behind them."""
    if len(evaluated) != len(blinded_elements):
        raise OprfError("batch size mismatch")
    _deserialize_elements(evaluated)
    if not dleq.verify_proof(GENERATOR, server_public, blinded_elements, evaluated, proof, Mode.VOPRF):
        raise OprfError("VerifyError")


def unblind_and_hash(inputs: Sequence[bytes], blinded: Sequence[Blinded], evaluated: Sequence[bytes]) -> list[bytes]:
    """The last step of Finalize, for evaluations already checked with `verify_evaluation`."""
    return [_finish(x, b.blind, e, None) for x, b, e in zip(inputs, blinded, evaluated, strict=True)]


def evaluate(secret: bytes, data: bytes, mode: Mode = Mode.VOPRF) -> bytes:
    """The PRF computed directly by the key holder (the builder): equal to what a client's finalize yields."""
    point = hash_to_group(data, mode)
    if point == sodium.IDENTITY:
        raise OprfError("InvalidInputError")
    issued = sodium.scalarmult(secret, point)
    return hashlib.sha512(length_prefixed(data, issued) + b"Finalize").digest()


def evaluate_with_keys(secrets: Sequence[bytes], data: bytes, mode: Mode = Mode.VOPRF) -> list[bytes]:
    """`evaluate` under several keys at once: hash-to-group (half the cost) is done only once."""
    point = hash_to_group(data, mode)
    if point == sodium.IDENTITY:
        raise OprfError("InvalidInputError")
    framed = length_prefixed(data)
    return [
        hashlib.sha512(framed + length_prefixed(sodium.scalarmult(secret, point)) + b"Finalize").digest()
        for secret in secrets
    ]


# --- POPRF (partially oblivious, with public info). Not used by the lookup protocol; kept for full RFC coverage.


def _tweak(info: bytes) -> bytes:
    return hash_to_scalar(b"Info" + length_prefixed(info), Mode.POPRF)


def poprf_blind(
    inputs: Sequence[bytes], info: bytes, server_public: bytes, blinds: Sequence[bytes] | None = None
) -> tuple[list[Blinded], bytes]:
    """POPRF client blind: also returns the tweaked key the proof will be checked against."""
    tweaked = sodium.point_add(sodium.scalarmult_base(_tweak(info)), server_public)
    return blind(inputs, Mode.POPRF, blinds), tweaked


def poprf_blind_evaluate(
    secret: bytes, blinded_elements: Sequence[bytes], info: bytes, r: bytes | None = None
) -> tuple[list[bytes], bytes]:
    _deserialize_elements(blinded_elements)
    t = sodium.scalar_add(secret, _tweak(info))
    if t == bytes(32):
        raise OprfError("InverseError")
    inverse = sodium.scalar_invert(t)
    evaluated = [sodium.scalarmult(inverse, element) for element in blinded_elements]
    tweaked = sodium.scalarmult_base(t)
    proof = dleq.generate_proof(t, GENERATOR, tweaked, evaluated, blinded_elements, Mode.POPRF, r=r)
    return evaluated, proof


def poprf_finalize(
    inputs: Sequence[bytes],
    blinded: Sequence[Blinded],
    evaluated: Sequence[bytes],
    proof: bytes,
    info: bytes,
    tweaked_key: bytes,
) -> list[bytes]:
    _deserialize_elements(evaluated)
    elements = [b.element for b in blinded]
    if not dleq.verify_proof(GENERATOR, tweaked_key, evaluated, elements, proof, Mode.POPRF):
        raise OprfError("VerifyError")
    return [_finish(x, b.blind, e, info) for x, b, e in zip(inputs, blinded, evaluated, strict=True)]
