"""The site builder: sizing to the data, dedupe, padding to one size, Merkle root, continuity, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.crypto import oprf
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType, encode, normalize
from exposurecheck.core.protocol import bucket as buckets
from exposurecheck.core.protocol import merkle
from exposurecheck.core.protocol.manifest import open_envelope
from exposurecheck_server.service.build import BuildSettings, build_site, choose_prefix_bits
from exposurecheck_server.service.evaluate import evaluate_all, evaluate_chunk
from tests.server.service.site_helpers import breach_ids, catalog_json


@pytest.mark.parametrize(
    ("identifiers", "bits"),
    [(0, 3), (1000, 3), (8000, 3), (8001, 4), (65_536_000, 16), (65_536_001, 17), (10**9, 20), (10**11, 20)],
)
def test_prefix_bits_follow_the_record_count(identifiers: int, bits: int) -> None:
    # About 1,000 entries per bucket, never fewer buckets than one check fetches (8), never more than 2^20.
    assert choose_prefix_bits(identifiers) == bits
    assert choose_prefix_bits(identifiers, 16) == max(bits, 4)


BUCKETING = oprf.generate_key_pair()


def settings(key: oprf.KeyPair, signer: Ed25519PrivateKey, **changes: object) -> BuildSettings:
    base = {
        "oprf_key": key,
        "bucketing_key": BUCKETING,
        "signing_keys": [signer],
        "catalog": catalog_json(),
        "prefix_bits": 6,
        "sequence": 9,
    }
    base.update(changes)
    return BuildSettings(**base)  # type: ignore[arg-type]


def test_dedupe_padding_and_root(tmp_path: Path) -> None:
    key, signer = oprf.generate_key_pair(), Ed25519PrivateKey.generate()
    first, second = breach_ids()
    phone = normalize(IdentifierType.PHONE, "+86 138 0013 8000")
    email = normalize(IdentifierType.EMAIL, "a@example.org")
    records = [(phone, first), (phone, first), (phone, second), (email, second)] * 3
    summary = build_site(records, tmp_path / "site", settings(key, signer))
    assert (summary.records, summary.identifiers, summary.prefix_bits, summary.buckets) == (3, 2, 6, 64)

    envelope = (tmp_path / "site" / "v2" / "manifest.json").read_bytes()
    manifest = open_envelope(envelope, [signer.public_key().public_bytes_raw()])
    epoch = manifest.epoch()
    assert (manifest.sequence, epoch.record_count, epoch.public_key) == (9, 3, key.public)
    files = sorted((tmp_path / "site" / "v2" / "epochs" / "1" / "buckets").iterdir())
    assert len(files) == 64
    assert {f.stat().st_size for f in files} == {epoch.bucket_bytes}
    bodies = [f.read_bytes()[: buckets.body_size(epoch.bucket_entries)] for f in files]
    assert merkle.build_levels([merkle.leaf_hash(b) for b in bodies])[-1][0] == epoch.merkle_root

    matching, bucketing = oprf.evaluate_with_keys([key.secret, BUCKETING.secret], encode(phone))
    prefix, tag = buckets.bucket_number(bucketing, 6), buckets.tag_of(matching)
    parsed = buckets.parse_bucket(files[prefix].read_bytes(), epoch, prefix)
    assert [manifest.breach_ids[i] for i in parsed.breaches_for(tag)] == sorted(
        [first, second], key=manifest.breach_ids.index
    )
    catalog = json.loads((tmp_path / "site" / "v2" / "catalog.json").read_bytes())
    assert catalog == manifest.catalog
    assert manifest.bucketing_key == BUCKETING.public
    assert manifest.previous == b""  # a new service's first manifest
    history = tmp_path / "site" / "v2" / "manifests" / f"{manifest.digest.hex()}.json"
    assert history.read_bytes() == envelope  # kept for clients that follow the chain later
    legacy = json.loads((tmp_path / "site" / "v1" / "manifest.json").read_bytes())
    assert legacy == {"format": "exposurecheck.manifest-envelope", "version": 2}  # old apps say "update"


@pytest.mark.parametrize(
    ("records", "key"),
    [([], "service.admin.no_records"), ("unknown", "service.admin.unknown_breach")],
)
def test_refusals(tmp_path: Path, records: object, key: str) -> None:
    phone = normalize(IdentifierType.PHONE, "+86 138 0013 8000")
    rows = [(phone, "no_such_breach_id")] if records == "unknown" else []
    with pytest.raises(UserError) as caught:
        build_site(rows, tmp_path / "site", settings(oprf.generate_key_pair(), Ed25519PrivateKey.generate()))
    assert caught.value.key == key


def test_output_folder_must_be_empty_and_bits_in_range(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.bin").write_bytes(b"x")
    phone = normalize(IdentifierType.PHONE, "+86 138 0013 8000")
    rows = [(phone, breach_ids()[0])]
    key, signer = oprf.generate_key_pair(), Ed25519PrivateKey.generate()
    with pytest.raises(UserError) as caught:
        build_site(rows, tmp_path / "site", settings(key, signer))
    assert caught.value.key == "service.admin.out_not_empty"
    with pytest.raises(UserError) as caught:
        build_site(rows, tmp_path / "other", settings(key, signer, prefix_bits=30))
    assert caught.value.key == "service.admin.prefix_bits"


def test_parallel_map_equals_the_sequential_one() -> None:
    key = oprf.generate_key_pair()
    chunks = [
        [(bytes([1]) + f"+86138{i:08d}".encode(), (i % 3,)) for i in range(start, start + 40)] for start in (0, 40, 80)
    ]
    secrets = (key.secret, BUCKETING.secret)
    parallel = [row for result in evaluate_all(secrets, chunks, workers=2) for row in result]
    sequential = [row for chunk in chunks for row in evaluate_chunk(secrets, chunk)]
    assert parallel == sequential
    assert len(parallel) == 120


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    phone = normalize(IdentifierType.PHONE, "+86 138 0013 8000")
    with pytest.raises(UserError) as caught:
        build_site(
            [(phone, breach_ids()[0])],
            tmp_path / "a-file" / "site",
            settings(oprf.generate_key_pair(), Ed25519PrivateKey.generate()),
        )
    assert caught.value.key == "service.admin.write_failed"
    assert "+86" not in caught.value.message("en")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"batch_size": 1}, "service.admin.batch_size"),
        ({"batch_size": 7}, "service.admin.batch_size"),
        ({"batch_size": 65}, "service.admin.batch_size"),
        ({"buckets_per_check": 1}, "service.admin.buckets_per_check"),
        ({"buckets_per_check": 12}, "service.admin.buckets_per_check"),  # not a power of two: no aligned blocks
        ({"prefix_bits": 24}, "service.admin.prefix_bits"),
        ({"prefix_bits": 2}, "service.admin.prefix_bits"),  # fewer buckets than one check fetches
    ],
)
def test_the_client_floors_hold_at_build_time(tmp_path: Path, changes: dict[str, int], error: str) -> None:
    phone = normalize(IdentifierType.PHONE, "+86 138 0013 8000")
    key, signer = oprf.generate_key_pair(), Ed25519PrivateKey.generate()
    with pytest.raises(UserError) as caught:
        build_site([(phone, breach_ids()[0])], tmp_path / "site", settings(key, signer, **changes))
    assert caught.value.key == error
