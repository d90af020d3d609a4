"""Floors and the anonymity set (core/protocol/privacy.py), from the real parameters."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from exposurecheck.core.i18n import Approx
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.protocol import privacy
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Epoch, Manifest

EPOCH = Epoch(1, b"\x01" * 32, 16, 8, 10, 500, b"\x02" * 32, 5)
MANIFEST = Manifest(
    service="s",
    sequence=1,
    previous=b"",
    issued_at=datetime(2026, 12, 1, tzinfo=UTC),
    expires_at=datetime(2026, 12, 31, tzinfo=UTC),
    current_epoch=1,
    batch_size=8,
    buckets_per_check=8,
    bucketing_key=b"\x03" * 32,
    publisher_keys=(b"\x04" * 32,),
    announced_publisher_keys=(),
    announced_oprf_keys=(),
    epochs=(EPOCH,),
    breach_ids=(),
    digest=b"\x05" * 32,
    catalog={},
)


@pytest.mark.parametrize(
    "changes",
    [
        {"batch_size": 1},
        {"batch_size": 7},
        {"buckets_per_check": 1},
        {"buckets_per_check": 12},  # not a power of two: no aligned blocks
        {"epochs": (dataclasses.replace(EPOCH, prefix_bits=24),)},
        {"epochs": (dataclasses.replace(EPOCH, prefix_bits=21),)},
        {"epochs": (dataclasses.replace(EPOCH, prefix_bits=2),)},  # fewer buckets than one check fetches
    ],
)
def test_weak_parameters_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ProtocolError) as caught:
        privacy.check_floors(dataclasses.replace(MANIFEST, **changes))  # type: ignore[arg-type]
    assert caught.value.key == "service.error.weak_parameters"


def test_the_floors_themselves_pass() -> None:
    privacy.check_floors(MANIFEST)
    privacy.check_floors(dataclasses.replace(MANIFEST, epochs=(dataclasses.replace(EPOCH, prefix_bits=20),)))


def test_blocks_and_revealed_bits() -> None:
    assert list(privacy.block_of(13, 8)) == list(range(8, 16))
    assert list(privacy.block_of(8, 8)) == list(range(8, 16))
    assert privacy.revealed_bits(16, 8) == 13
    assert privacy.revealed_bits(3, 8) == 0
    assert privacy.revealed_bits(20, 64) == 14


def test_candidate_counts_at_the_floor() -> None:
    # The most a service above the floors can reveal: 20-bit buckets in blocks of 8, 17 bits.
    assert privacy.candidates(IdentifierType.PHONE, 17) == 12_207
    assert privacy.candidates(IdentifierType.CN_ID, 17) == 7_629
    assert privacy.candidates(IdentifierType.EMAIL, 17) == 30_518
    assert privacy.candidates(IdentifierType.USERNAME, 17) is None
    assert str(privacy.rounded(12_207)) == "12,000"
    assert str(privacy.rounded(195_313)) == "200,000"
    assert str(privacy.rounded(42)) == "42"
    assert str(privacy.rounded(12_500_000)) == "13,000,000"
    assert privacy.rounded(12_207) == Approx(12_207)  # a number until shown: each language writes it its own way
