"""Properties over random inputs: Merkle proofs, canonical JSON, and the OPRF's client/key-holder agreement."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from exposurecheck.core.crypto import oprf
from exposurecheck.core.crypto.group import Mode
from exposurecheck.core.protocol import merkle
from exposurecheck.core.protocol.canonical import canonical_json, is_canonical

KEY = oprf.derive_key_pair(b"\x07" * 32, b"property tests", Mode.VOPRF)


@settings(max_examples=40, deadline=None)
@given(depth=st.integers(0, 6), data=st.data())
def test_every_leaf_proves_and_any_other_leaf_does_not(depth: int, data: st.DataObject) -> None:
    bodies = data.draw(st.lists(st.binary(max_size=20), min_size=1 << depth, max_size=1 << depth, unique=True))
    levels = merkle.build_levels([merkle.leaf_hash(b) for b in bodies])
    root = levels[-1][0]
    index = data.draw(st.integers(0, len(bodies) - 1))
    proof = merkle.proof_for(levels, index)
    assert merkle.verify(bodies[index], index, proof, depth, root)
    other = data.draw(st.integers(0, len(bodies) - 1).filter(lambda i: i != index)) if len(bodies) > 1 else None
    if other is not None:
        assert not merkle.verify(bodies[other], index, proof, depth, root)
        assert not merkle.verify(bodies[index], other, proof, depth, root)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_canonical_json_is_a_fixed_point(value: object) -> None:
    data = canonical_json(value)
    assert is_canonical(data)
    assert json.loads(data) == value
    assert canonical_json(json.loads(data)) == data


@settings(max_examples=25, deadline=None)
@given(st.lists(st.binary(min_size=1, max_size=64), min_size=1, max_size=8))
def test_client_output_equals_the_key_holders_evaluation(inputs: list[bytes]) -> None:
    blinded = oprf.blind(inputs, Mode.VOPRF)
    evaluated, proof = oprf.blind_evaluate_verifiable(KEY, [b.element for b in blinded])
    outputs = oprf.finalize_verifiable(inputs, blinded, evaluated, proof, KEY.public)
    assert outputs == [oprf.evaluate(KEY.secret, x) for x in inputs]
    assert len(set(b.element for b in oprf.blind(inputs[:1] * 2, Mode.VOPRF))) == 2  # fresh blinds every time
