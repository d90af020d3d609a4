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
