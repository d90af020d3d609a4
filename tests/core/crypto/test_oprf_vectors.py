"""RFC 9497 test vectors for ristretto255-SHA512: OPRF, VOPRF and POPRF modes, single and batched."""

from __future__ import annotations

import json

import pytest

from exposurecheck.core.crypto import oprf
from exposurecheck.core.crypto.group import Mode
from tests.conftest import TESTDATA

VECTORS = TESTDATA / "oprf" / "rfc9497_test_vectors.json"

pytestmark = pytest.mark.skipif(not VECTORS.is_file(), reason=f"RFC 9497 vectors not found at {VECTORS}")


def _suites() -> list[dict]:
    if not VECTORS.is_file():
        return []
    return [s for s in json.loads(VECTORS.read_text()) if s["identifier"] == "ristretto255-SHA512"]


def _cases(mode: int) -> list[tuple[dict, dict]]:
    return [(suite, vector) for suite in _suites() if suite["mode"] == mode for vector in suite["vectors"]]


def _split(field: str) -> list[bytes]:
    return [bytes.fromhex(part) for part in field.split(",")]


def _ids(cases: list[tuple[dict, dict]]) -> list[str]:
    return [f"batch{v['Batch']}-{i}" for i, (_, v) in enumerate(cases)]


def test_all_three_modes_are_present() -> None:
    assert sorted(s["mode"] for s in _suites()) == [0, 1, 2]


@pytest.mark.parametrize("suite", _suites(), ids=lambda s: f"mode{s['mode']}")
def test_derive_key_pair(suite: dict) -> None:
    key = oprf.derive_key_pair(bytes.fromhex(suite["seed"]), bytes.fromhex(suite["keyInfo"]), Mode(suite["mode"]))
    assert key.secret.hex() == suite["skSm"]
    if "pkSm" in suite:
        assert key.public.hex() == suite["pkSm"]


@pytest.mark.parametrize(("suite", "vector"), _cases(0), ids=_ids(_cases(0)))
def test_oprf_mode(suite: dict, vector: dict) -> None:
    secret = bytes.fromhex(suite["skSm"])
    inputs = _split(vector["Input"])
    blinded = oprf.blind(inputs, Mode.OPRF, blinds=_split(vector["Blind"]))
    assert [b.element for b in blinded] == _split(vector["BlindedElement"])
    evaluated = oprf.blind_evaluate(secret, [b.element for b in blinded])
    assert evaluated == _split(vector["EvaluationElement"])
    outputs = oprf.finalize(inputs, blinded, evaluated)
    assert outputs == _split(vector["Output"])
    assert [oprf.evaluate(secret, x, Mode.OPRF) for x in inputs] == outputs


@pytest.mark.parametrize(("suite", "vector"), _cases(1), ids=_ids(_cases(1)))
def test_voprf_mode(suite: dict, vector: dict) -> None:
    key = oprf.KeyPair(secret=bytes.fromhex(suite["skSm"]), public=bytes.fromhex(suite["pkSm"]))
    inputs = _split(vector["Input"])
    blinded = oprf.blind(inputs, Mode.VOPRF, blinds=_split(vector["Blind"]))
    assert [b.element for b in blinded] == _split(vector["BlindedElement"])
    evaluated, proof = oprf.blind_evaluate_verifiable(
        key, [b.element for b in blinded], r=bytes.fromhex(vector["Proof"]["r"])
    )
    assert evaluated == _split(vector["EvaluationElement"])
    assert proof.hex() == vector["Proof"]["proof"]
    outputs = oprf.finalize_verifiable(inputs, blinded, evaluated, proof, key.public)
    assert outputs == _split(vector["Output"])
    assert [oprf.evaluate(key.secret, x) for x in inputs] == outputs


@pytest.mark.parametrize(("suite", "vector"), _cases(2), ids=_ids(_cases(2)))
def test_poprf_mode(suite: dict, vector: dict) -> None:
    secret, public = bytes.fromhex(suite["skSm"]), bytes.fromhex(suite["pkSm"])
    info = bytes.fromhex(vector["Info"])
    inputs = _split(vector["Input"])
    blinded, tweaked = oprf.poprf_blind(inputs, info, public, blinds=_split(vector["Blind"]))
    assert [b.element for b in blinded] == _split(vector["BlindedElement"])
    evaluated, proof = oprf.poprf_blind_evaluate(
        secret, [b.element for b in blinded], info, r=bytes.fromhex(vector["Proof"]["r"])
    )
    assert evaluated == _split(vector["EvaluationElement"])
    assert proof.hex() == vector["Proof"]["proof"]
    assert oprf.poprf_finalize(inputs, blinded, evaluated, proof, info, tweaked) == _split(vector["Output"])
