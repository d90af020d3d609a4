"""Pack format versions: version-1 packs (the shipped demo pack, any old build) still open and answer; version 2
stores exactly the prefix and the next 40 tag bits, which is what the false-positive rate in docs/pack-format.md
is derived from."""

from __future__ import annotations

import json
import random
from array import array
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.catalog import catalog_to_json
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck.core.packs.opening import open_pack
from exposurecheck_server.pack.writer import PackMeta, write_pack

from .conftest import ABSENT, BREACH, CATALOG, PLANTED, filler, make_pack

ROOT = Path(__file__).resolve().parents[3]


def test_the_shipped_demo_pack_is_version_1_and_still_answers(config_dir):
    identities = json.loads((ROOT / "resources" / "training" / "identities.json").read_text(encoding="utf-8"))
    with open_pack(ROOT / "resources" / "packs" / "demo.ecpack") as reader:
        assert reader.info.format_version == 1
        assert reader.info.demo is True
        for person in identities:
            found = reader.lookup(Identifier(IdentifierType.PHONE, person["phone"]))
            assert bool(found) is (person["expect"] == "found"), person["label_en"]


def _v1_pack(folder: Path, identifiers: list[Identifier]) -> tuple[Path, bytes]:
    """A version-1 pack written the way the version-1 builder did (tags, u64 index, u16 breach ids)."""
    key = Ed25519PrivateKey.generate()
    salt = bytes(range(32))
    tags = sorted({fmt.keyed_tag(salt, identifier) for identifier in identifiers})
    bits = fmt.prefix_bits_for(len(tags))
    index = array("Q", [0] * ((1 << bits) + 1))
    for tag in tags:
        index[(tag >> (64 - bits) if bits else 0) + 1] += 1
    for prefix in range(1, len(index)):
        index[prefix] += index[prefix - 1]
    body = index.tobytes() + array("Q", tags).tobytes() + array("H", [0] * len(tags)).tobytes()
    counts: dict[str, int] = {}
    for identifier in set(identifiers):
        counts[identifier.type.value] = counts.get(identifier.type.value, 0) + 1
    meta = PackMeta(title="old", demo=False, salt=salt, breaches=(BREACH,), types=tuple(sorted(counts)),
                    counts=counts, entries=len(tags), chunk_size=1024, prefix_bits=bits, version=1)  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    files = write_pack(folder / "old.ecpack", meta=meta, catalog_json=catalog_to_json(CATALOG),
                       body=lambda: iter([body]), signing_key=key)  # fmt: skip
    return files[0], key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_a_version_1_pack_opens_and_answers(tmp_path, config_dir):
    rows = filler(2000)
    path, public = _v1_pack(tmp_path / "v1", [*rows, *PLANTED])
    assert int.from_bytes(path.read_bytes()[8:10], "little") == 1
    for full_check in (True, False):
        with open_pack(path, extra_keys=[public], full_check=full_check) as reader:
            assert reader.info.format_version == 1
            assert all(reader.lookup(identifier) == (BREACH,) for identifier in PLANTED)
            assert all(reader.lookup(identifier) == (BREACH,) for identifier in rows[::13])
            assert all(reader.lookup(identifier) == () for identifier in ABSENT)
            reader.verify_all()


def test_version_2_stores_exactly_the_prefix_and_the_next_40_bits(tmp_path, config_dir):
    # The false-positive rate per lookup is (entries in the tag's prefix) / 2^40 because a lookup matches exactly
    # when the top prefix_bits + 40 bits agree. Checked bit by bit on a built pack: changing any kept bit of a
    # member's tag misses; changing only dropped bits still hits.
    built = make_pack(tmp_path / "p", count=20_000)
    rng = random.Random(11)
    with open_pack(built.path, extra_keys=[built.public_key]) as reader:
        phones = reader.sections[0]
        assert phones.type is IdentifierType.PHONE and phones.prefix_bits == 8  # bit_length(20,051 hashed) - 7
        kept = phones.prefix_bits + fmt.RESIDUAL_BITS
        members = [fmt.keyed_tag(reader.salt, identifier) for identifier in rng.sample(built.filler, 300)]
        for tag in members:
            assert reader.lookup_tag_in(IdentifierType.PHONE, tag) == (BREACH,)
            kept_bit = 63 - rng.randrange(kept)
            assert reader.lookup_tag_in(IdentifierType.PHONE, tag ^ (1 << kept_bit)) == ()
            dropped_bit = rng.randrange(64 - kept)
            assert reader.lookup_tag_in(IdentifierType.PHONE, tag ^ (1 << dropped_bit)) == (BREACH,)


def test_random_non_members_are_not_found(tmp_path, config_dir):
    # Expected false positives here: 100,000 x 20,001 / 2^(8 + 40) ~ 7e-9, so any hit would mean the stored
    # bits or the bisect are wrong.
    built = make_pack(tmp_path / "p", count=20_000)
    rng = random.Random(12)
    with open_pack(built.path, extra_keys=[built.public_key]) as reader:
        hits = sum(1 for _ in range(100_000) if reader.lookup_tag_in(IdentifierType.PHONE, rng.getrandbits(64)))
        assert hits == 0
