"""The project's libsodium binding: where it loads from, and that it refuses what it should."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exposurecheck.core.crypto import oprf, sodium
from exposurecheck.core.crypto.group import GENERATOR, Mode

ROOT = Path(__file__).resolve().parents[3]


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": f"{ROOT / 'desktop'}{os.pathsep}{ROOT / 'server'}", **env}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=60, check=False
    )


def test_library_path_is_an_existing_absolute_file() -> None:
    path = Path(sodium.library_path())
    assert path.is_absolute()
    assert path.is_file()
    assert "sodium" in path.name


def test_env_override_is_used_and_reported() -> None:
    real = sodium.library_path()
    result = _python(
        "from exposurecheck.core.crypto import sodium; print(sodium.library_path())", EXPOSURECHECK_LIBSODIUM=real
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == os.path.realpath(real)


def test_env_override_to_a_missing_file_does_not_fall_back_to_the_system_copy(tmp_path: Path) -> None:
    result = _python(
        "from exposurecheck.core.crypto import sodium\n"
        "try:\n    sodium.load()\nexcept sodium.SodiumUnavailable:\n    print('unavailable')\n",
        EXPOSURECHECK_LIBSODIUM=str(tmp_path / "libsodium.so"),
    )
    assert result.stdout.strip() == "unavailable", result.stderr


def test_generator_constant_matches_libsodium() -> None:
    assert sodium.scalarmult_base((1).to_bytes(32, "little")) == GENERATOR


def test_identity_and_garbage_are_not_valid_points() -> None:
    assert not sodium.is_valid_point(sodium.IDENTITY)
    assert not sodium.is_valid_point(b"\xff" * 32)
    assert not sodium.is_valid_point(GENERATOR[:31])
    assert sodium.is_valid_point(GENERATOR)


def test_scalar_canonical_check() -> None:
    order = (2**252 + 27742317777372353535851937790883648493).to_bytes(32, "little")
    assert not sodium.is_canonical_scalar(order)
    assert sodium.is_canonical_scalar((5).to_bytes(32, "little"))


def test_proof_from_another_key_is_refused() -> None:
    honest, other = oprf.generate_key_pair(), oprf.generate_key_pair()
    inputs = [b"\x01+8613800138000", b"\x02a@example.org"]
    blinded = oprf.blind(inputs, Mode.VOPRF)
    evaluated, proof = oprf.blind_evaluate_verifiable(other, [b.element for b in blinded])
    with pytest.raises(oprf.OprfError):
        oprf.finalize_verifiable(inputs, blinded, evaluated, proof, honest.public)
    outputs = oprf.finalize_verifiable(inputs, blinded, evaluated, proof, other.public)
    assert outputs == [oprf.evaluate(other.secret, x) for x in inputs]


def test_swapped_evaluations_fail_the_batch_proof() -> None:
    key = oprf.generate_key_pair()
    inputs = [b"\x01a", b"\x01b", b"\x01c"]
    blinded = oprf.blind(inputs, Mode.VOPRF)
    evaluated, proof = oprf.blind_evaluate_verifiable(key, [b.element for b in blinded])
    with pytest.raises(oprf.OprfError):
        oprf.finalize_verifiable(inputs, blinded, [evaluated[1], evaluated[0], evaluated[2]], proof, key.public)


def test_invalid_blinded_element_is_refused_by_the_server() -> None:
    key = oprf.generate_key_pair()
    with pytest.raises(oprf.OprfError):
        oprf.blind_evaluate_verifiable(key, [b"\xff" * 32])


def _with_bit_255(point: bytes) -> bytes:
    return point[:31] + bytes([point[31] | 0x80])


def test_non_canonical_encodings_are_refused_whatever_the_library_version() -> None:
    # RFC 9496 section 4.3.1: the value must be below p = 2^255 - 19 and even. libsodium 1.0.18 (Debian 12) masks
    # bit 255 and would decode the first of these to the same point as the canonical encoding.
    point = sodium.point_from_hash(os.urandom(64))
    prime = 2**255 - 19
    not_canonical = [
        _with_bit_255(point),  # bit 255 set: s >= 2^255
        (prime + 1).to_bytes(32, "little"),  # s >= p without bit 255 (even, so only step 1 refuses it)
        (3).to_bytes(32, "little"),  # odd: "negative" in RFC 9496 terms
    ]
    scalar = sodium.scalar_random()
    for encoding in not_canonical:
        assert not sodium.is_canonical_encoding(encoding)
        assert not sodium.is_valid_point(encoding)
        with pytest.raises(sodium.InvalidPoint):
            sodium.scalarmult(scalar, encoding)
        with pytest.raises(sodium.InvalidPoint):
            sodium.point_add(point, encoding)
    assert sodium.is_canonical_encoding(point)
    assert sodium.is_canonical_encoding(GENERATOR)


def test_non_canonical_points_are_refused_by_the_oprf_on_both_sides() -> None:
    key = oprf.generate_key_pair()
    inputs = [b"\x01+8613800138000"]
    blinded = oprf.blind(inputs, Mode.VOPRF)
    with pytest.raises(oprf.OprfError):  # the server's side
        oprf.blind_evaluate_verifiable(key, [_with_bit_255(blinded[0].element)])
    evaluated, proof = oprf.blind_evaluate_verifiable(key, [blinded[0].element])
    with pytest.raises(oprf.OprfError):  # the client's side: an answer in a second encoding of the right point
        oprf.finalize_verifiable(inputs, blinded, [_with_bit_255(evaluated[0])], proof, key.public)


@pytest.mark.parametrize(
    ("function", "arguments"),
    [
        (sodium.point_from_hash, (bytes(63),)),
        (sodium.point_add, (GENERATOR, GENERATOR[:31])),
        (sodium.point_add, (GENERATOR[:31], GENERATOR)),
        (sodium.scalarmult, (bytes(31), GENERATOR)),
        (sodium.scalarmult, (bytes(32), GENERATOR + b"\x00")),
        (sodium.scalarmult_base, (bytes(31),)),
        (sodium.scalar_reduce, (bytes(32),)),
        (sodium.scalar_invert, (bytes(33),)),
        (sodium.scalar_add, (bytes(32), bytes(31))),
        (sodium.scalar_sub, (bytes(31), bytes(32))),
        (sodium.scalar_mul, (bytes(32), b"")),
        (sodium.scalar_mul, ("x" * 32, bytes(32))),
    ],
)
def test_every_binding_function_checks_lengths_before_libsodium(function: object, arguments: tuple) -> None:
    with pytest.raises(ValueError, match="must be"):
        function(*arguments)  # type: ignore[operator]
