"""The pack reader against real packs from the real builder: answers, authentication, every way a pack can be bad."""

from __future__ import annotations

import random
import shutil

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.errors import UserError
from exposurecheck.core.packs import format as fmt
from exposurecheck.core.packs.opening import open_pack
from exposurecheck.core.trust import publisher_keys

from .conftest import ABSENT, BREACH, PLANTED, make_pack

REFUSED = {
    "pack.error.tampered",
    "pack.error.tampered_data",
    "pack.error.damaged",
    "pack.error.damaged_file",
    "pack.error.truncated",
    "pack.error.not_a_pack",
    "pack.error.newer_version",
    "pack.error.unsigned",
    "pack.error.unknown_publisher",
    "pack.error.not_first_shard",
    "pack.error.shard_wrong",
}


def _use_fully(path, key):
    """Open (lazily), answer every planted lookup and authenticate every chunk: what `pack verify` does."""
    with open_pack(path, extra_keys=[key], full_check=False) as reader:
        for identifier in PLANTED:
            reader.lookup(identifier)
        reader.verify_all()


def test_finds_planted_and_nothing_else(pack):
    with open_pack(pack.path, extra_keys=[pack.public_key]) as reader:
        for identifier in PLANTED:
            assert reader.lookup(identifier) == (BREACH,)
        for identifier in ABSENT:
            assert reader.lookup(identifier) == ()
        assert all(reader.lookup(i) == (BREACH,) for i in pack.filler[::37])
        info = reader.info
        assert info.entries == len(pack.filler) + len(PLANTED)  # duplicates removed
        assert info.counts == {"phone": len(pack.filler) + 1, "email": 1, "cn_id": 1, "username": 1}
        assert info.breaches == (BREACH,)
        assert info.demo is False
        assert info.publisher_trust == "added"
        assert info.publisher_fingerprint == publisher_keys.fingerprint(pack.public_key)
        assert b"Synthetic breach" in info.catalog_json


def test_entry_size_is_about_five_bytes(tmp_path, config_dir):
    # Version 2 stores 40 bits per entry after the prefix, plus a u32 index slot per 64-128 entries.
    built = make_pack(tmp_path / "big", count=60_000)
    size = built.path.stat().st_size
    assert size / 60_004 < 5.3


def test_a_lookup_reads_only_a_few_chunks(pack):
    # Never a linear scan: one lookup authenticates (so reads) only the index, tags and breach-id chunks it needs.
    with open_pack(pack.path, extra_keys=[pack.public_key], full_check=False) as reader:
        total = len(reader._verified)
        assert total > 10
        before = sum(reader._verified)  # opening reads the small indexes
        reader.lookup(PLANTED[0])
        assert 1 <= sum(reader._verified) - before <= 3  # the high and low arrays' chunks


def test_unknown_publisher_is_refused_with_its_fingerprint(pack):
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with pytest.raises(UserError) as info:
        open_pack(pack.path, extra_keys=[other])
    assert info.value.key == "pack.error.unknown_publisher"
    assert info.value.params["fingerprint"] == publisher_keys.fingerprint(pack.public_key)


def test_trust_store_key_is_trusted(pack, tmp_path):
    pub = tmp_path / "publisher.pub"
    pub.write_text(publisher_keys.format_public_key(pack.public_key), encoding="utf-8")
    publisher_keys.add_trusted(pub)
    with open_pack(pack.path) as reader:
        assert reader.lookup(PLANTED[0]) == (BREACH,)


def test_swapped_publisher_key_fails_the_signature(pack, tmp_path):
    # An attacker who puts a trusted key into the head still cannot make the signature match.
    trusted = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    data = bytearray(pack.path.read_bytes())
    data[fmt.HEAD_START : fmt.HEAD_START + 32] = trusted
    pack.path.write_bytes(bytes(data))
    with pytest.raises(UserError) as info:
        open_pack(pack.path, extra_keys=[trusted])
    assert info.value.key == "pack.error.tampered"


def test_unsigned_pack_is_refused(pack):
    data = bytearray(pack.path.read_bytes())
    data[fmt.HEAD_START + 32 : fmt.HEAD_START + 96] = bytes(64)
    pack.path.write_bytes(bytes(data))
    with pytest.raises(UserError) as info:
        open_pack(pack.path, extra_keys=[pack.public_key])
    assert info.value.key == "pack.error.unsigned"


def test_demo_key_vouches_only_for_demo_packs(tmp_path, config_dir, monkeypatch):
    real = make_pack(tmp_path / "real")
    demo = make_pack(tmp_path / "demo", demo=True)
    monkeypatch.setattr(publisher_keys, "demo_keys", lambda: (real.public_key, demo.public_key))
    with pytest.raises(UserError) as info:
        open_pack(real.path)
    assert info.value.key == "pack.error.demo_key"
    with open_pack(demo.path) as reader:
        assert reader.info.demo is True
        assert reader.info.publisher_trust == "demo"
        assert reader.lookup(PLANTED[0]) == (BREACH,)


def test_small_packs_are_checked_in_full_when_opened(pack):
    data = bytearray(pack.path.read_bytes())
    data[-3] ^= 0x40  # the last chunk: no lookup of a planted value reads it
    pack.path.write_bytes(bytes(data))
    with pytest.raises(UserError) as info:
        open_pack(pack.path, extra_keys=[pack.public_key])
    assert info.value.key == "pack.error.tampered_data"


def test_every_flipped_byte_is_refused(pack):
    data = pack.path.read_bytes()
    with open_pack(pack.path, extra_keys=[pack.public_key]) as reader:
        body_start = len(data) - reader.body_length
    rng = random.Random(3)
    # Every byte of the head (preamble, key, signature, lengths, meta, catalog, chunk hashes, padding), then a
    # sample of the body: index, tags and breach ids.
    positions = list(range(body_start)) + rng.sample(range(body_start, len(data)), 300) + [len(data) - 1]
    copy = pack.path.with_name("flipped.ecpack")
    for position in positions:
        flipped = bytearray(data)
        flipped[position] ^= 1 << rng.randrange(8)
        copy.write_bytes(bytes(flipped))
        with pytest.raises(UserError) as info:
            _use_fully(copy, pack.public_key)
        assert info.value.key in REFUSED, (position, info.value.key)


def test_truncation_is_refused(pack):
    data = pack.path.read_bytes()
    copy = pack.path.with_name("cut.ecpack")
    for length in (0, 1, 7, 8, 63, 64, 100, 176, 500, len(data) // 2, len(data) - 1):
        copy.write_bytes(data[:length])
        with pytest.raises(UserError) as info:
            _use_fully(copy, pack.public_key)
        assert info.value.key in {"pack.error.truncated", "pack.error.not_a_pack"}, length
    copy.write_bytes(data + b"\x00")
    with pytest.raises(UserError) as info:
        _use_fully(copy, pack.public_key)
    assert info.value.key == "pack.error.damaged_file"


def test_shards_answer_across_file_boundaries(sharded):
    assert len(sharded.files) >= 4
    assert all(path.stat().st_size <= 4096 for path in sharded.files)
    with open_pack(sharded.path, extra_keys=[sharded.public_key]) as reader:
        phones = reader.sections[0]
        starts = [s.body_offset for s in reader._shards[1:]]
        index = [
            int.from_bytes(reader._read(phones.index_offset + 4 * p, phones.index_offset + 4 * p + 4), "little")
            for p in range(phones.index_entries)
        ]
        spanning = [
            p
            for p in range(phones.index_entries - 1)
            for s in starts
            if phones.high_offset + 4 * index[p] < s < phones.high_offset + 4 * index[p + 1]
        ]
        assert spanning, "the test pack should have a prefix range cut by a shard boundary"
        for identifier in PLANTED:
            assert reader.lookup(identifier) == (BREACH,)
        assert all(reader.lookup(i) == (BREACH,) for i in sharded.filler)
        for identifier in ABSENT:
            assert reader.lookup(identifier) == ()
        reader.verify_all()


def test_swapped_missing_foreign_and_cut_shards_are_refused(sharded, tmp_path, config_dir):
    second, third = sharded.files[1], sharded.files[2]
    a, b = second.read_bytes(), third.read_bytes()

    def refused(key):
        with pytest.raises(UserError) as info:
            _use_fully(sharded.path, sharded.public_key)
        assert info.value.key == key

    second.write_bytes(b)
    third.write_bytes(a)
    refused("pack.error.shard_wrong")
    second.write_bytes(a)
    third.write_bytes(b)
    _use_fully(sharded.path, sharded.public_key)

    other = make_pack(tmp_path / "other", chunk_size=512, shard_size=4096)
    assert len(other.files) == len(sharded.files)
    shutil.copy(other.files[1], second)
    refused("pack.error.shard_wrong")
    second.write_bytes(a)

    second.write_bytes(a[:-1])
    refused("pack.error.truncated")
    second.write_bytes(a)

    second.unlink()
    refused("pack.error.shard_missing")
    second.write_bytes(a)

    with pytest.raises(UserError) as info:
        open_pack(third, extra_keys=[sharded.public_key])
    assert info.value.key == "pack.error.not_first_shard"


def test_not_a_pack(tmp_path):
    path = tmp_path / "notes.ecpack"
    path.write_text("hello, this is not a pack\n" * 20)
    with pytest.raises(UserError) as info:
        open_pack(path)
    assert info.value.key == "pack.error.not_a_pack"
    with pytest.raises(UserError) as info:
        open_pack(tmp_path / "absent.ecpack")
    assert info.value.key == "pack.error.missing"


def test_lazily_opened_pack_refuses_answers_from_changed_chunks(pack):
    with open_pack(pack.path, extra_keys=[pack.public_key], full_check=False) as reader:
        tags_start = len(pack.path.read_bytes()) - reader.body_length + reader.sections[0].high_offset
    data = bytearray(pack.path.read_bytes())
    data[tags_start + 2000] ^= 0x01  # inside the tags, a few chunks in
    pack.path.write_bytes(bytes(data))
    outcomes = []
    with open_pack(pack.path, extra_keys=[pack.public_key], full_check=False) as reader:
        for identifier in pack.filler:
            try:
                outcomes.append(reader.lookup(identifier))
            except UserError as exc:
                outcomes.append(exc.key)
    # Lookups that read the changed chunk are refused; every other one still answers correctly.
    assert set(outcomes) == {(BREACH,), "pack.error.tampered_data"}
