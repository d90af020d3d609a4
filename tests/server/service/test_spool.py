"""The service build's scratch spools: exact dedupe (also when a partition must be split to fit in memory),
entries back in bucket order with the right counts, files gone once read, and bucket bodies byte-identical to the
protocol's own encoder."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest

from exposurecheck.core.protocol import bucket as buckets
from exposurecheck_server.service import spool as spools
from exposurecheck_server.service.site import BODY_ENTRY, bucket_body
from exposurecheck_server.service.spool import ENTRY, EntrySpool, RecordSpool


def _records(count: int, seed: int) -> list[tuple[bytes, int]]:
    rng = random.Random(seed)
    values = [b"\x01+8613" + f"{rng.randrange(10**9):09d}".encode() for _ in range(count)]
    return [(value, rng.choice((0, 0, 0, 1, 2))) for value in values]


def _read_back(spool: RecordSpool) -> tuple[set[tuple[bytes, int]], int]:
    pairs: set[tuple[bytes, int]] = set()
    identifiers = 0
    for part in spool.partitions():
        identifiers += len(part.identifiers)
        assert len(set(part.identifiers)) == len(part.identifiers)  # distinct within the partition
        for value in part.pairs.tolist():
            pairs.add((part.identifiers[value >> 16], value & 0xFFFF))
    return pairs, identifiers


@pytest.mark.parametrize("in_memory", [1 << 20, 50])  # 50: every partition is split, some more than once
def test_record_spool_dedupes_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: int) -> None:
    monkeypatch.setattr(spools, "MAX_IN_MEMORY", in_memory)
    monkeypatch.setattr(spools, "PARTITIONS", 4)
    splits: list[int] = []
    real_split = spools._split

    def counted_split(path: Path, used_bits: int):  # type: ignore[no-untyped-def]
        splits.append(used_bits)
        return real_split(path, used_bits)

    monkeypatch.setattr(spools, "_split", counted_split)
    records = _records(3000, 1)
    records += records[:1000]  # the same records again
    records += [(value, 7) for value, _ in records[:200]]  # a further breach for some identifiers
    records += [(records[5][0], 0)] * 500  # many copies of one identifier: never a reason to split
    spool = RecordSpool(tmp_path / "records")
    for value, breach in records:
        spool.add(value, breach)
    assert spool.records == len(records)
    pairs, identifiers = _read_back(spool)
    assert pairs == set(records)
    assert identifiers == len({value for value, _ in records})
    assert not any((tmp_path / "records").iterdir())  # every scratch file deleted once read
    if in_memory == 50:
        assert 6 in splits  # split twice: 2 bits chose the partition, 4 the first split, 4 more the second
    else:
        assert not splits


def test_entry_spool_gives_buckets_in_order_with_their_counts(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    entries = np.empty(5000, ENTRY)
    entries["prefix"] = rng.integers(0, 1 << 32, 5000, dtype=np.uint64)
    entries["tag"] = rng.integers(0, 1 << 63, 5000, dtype=np.uint64)
    entries["breach"] = rng.integers(0, 3, 5000)
    for bits in (3, 10):  # fewer buckets than groups (a bucket spans groups) and more
        spool = EntrySpool(tmp_path / f"entries-{bits}")
        spool.add(entries[:2000])
        spool.add(np.concatenate([entries[2000:]]))  # rows in native byte order (what np.concatenate gives)
        expected = np.bincount(entries["prefix"].astype(np.uint32) >> (32 - bits), minlength=1 << bits)
        assert spool.capacity(bits) == expected.max() and spool.entries == 5000
        seen = list(spool.buckets(bits))
        assert [number for number, _ in seen] == sorted(np.flatnonzero(expected).tolist())
        assert [len(rows) for _, rows in seen] == [expected[number] for number, _ in seen]
        got = np.concatenate([rows for _, rows in seen])
        assert sorted(got.tolist()) == sorted(entries.tolist())
        assert not any((tmp_path / f"entries-{bits}").iterdir())


def test_bucket_body_is_the_protocol_encoding(tmp_path: Path) -> None:
    rng = random.Random(9)
    entries = [(os.urandom(8), rng.randrange(5)) for _ in range(40)]
    entries += [(entries[0][0], 3), (entries[1][0], 0)]  # one tag under two breaches; a tie on tag
    pad = os.urandom(20 * buckets.TAG_BYTES)
    rows = np.array([(int.from_bytes(tag, "big"), breach) for tag, breach in entries], dtype=BODY_ENTRY)
    reference = buckets.encode_body(4, 17, 9, entries, len(entries) + 20, pad)
    assert bucket_body(4, 17, 9, rows, len(entries) + 20, pad) == reference
    with pytest.raises(ValueError, match="capacity"):
        bucket_body(4, 17, 9, rows, len(entries) - 1, b"")
