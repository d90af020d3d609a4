"""The site builder: prefix-bit choice, dedupe, padding to one size, Merkle root, and clear refusals."""

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
    [(0, 16), (10, 16), (65_536_000, 16), (65_536_001, 17), (10**9, 20), (10**11, 20)],
)
def test_prefix_bits_follow_the_record_count(identifiers: int, bits: int) -> None:
    assert choose_prefix_bits(identifiers) == bits


def settings(key: oprf.KeyPair, signer: Ed25519PrivateKey, **changes: object) -> BuildSettings:
    base = {"oprf_key": key, "signing_keys": [signer], "catalog": catalog_json(), "prefix_bits": 6, "sequence": 9}
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

    envelope = (tmp_path / "site" / "v1" / "manifest.json").read_bytes()
    manifest = open_envelope(envelope, [signer.public_key().public_bytes_raw()])
    epoch = manifest.epoch()
    assert (manifest.sequence, epoch.record_count, epoch.public_key) == (9, 3, key.public)
    files = sorted((tmp_path / "site" / "v1" / "epochs" / "1" / "buckets").iterdir())
    assert len(files) == 64
    assert {f.stat().st_size for f in files} == {epoch.bucket_bytes}
    bodies = [f.read_bytes()[: buckets.body_size(epoch.bucket_entries)] for f in files]
    assert merkle.build_levels([merkle.leaf_hash(b) for b in bodies])[-1][0] == epoch.merkle_root

    prefix, tag = buckets.split_output(oprf.evaluate(key.secret, encode(phone)), 6)
    parsed = buckets.parse_bucket(files[prefix].read_bytes(), epoch, prefix)
    assert [manifest.breach_ids[i] for i in parsed.breaches_for(tag)] == sorted(
        [first, second], key=manifest.breach_ids.index
    )
    catalog = json.loads((tmp_path / "site" / "v1" / "catalog.json").read_bytes())
    assert catalog == manifest.catalog


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
    parallel = [row for result in evaluate_all(key.secret, chunks, workers=2) for row in result]
    sequential = [row for chunk in chunks for row in evaluate_chunk(key.secret, chunk)]
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


@pytest.mark.parametrize("changes", [{"batch_size": 0}, {"batch_size": 65}, {"buckets_per_check": 0}])
def test_batch_shape_must_be_in_range(tmp_path: Path, changes: dict[str, int]) -> None:
    phone = normalize(IdentifierType.PHONE, "+86 138 0013 8000")
    key, signer = oprf.generate_key_pair(), Ed25519PrivateKey.generate()
    with pytest.raises(UserError) as caught:
        build_site([(phone, breach_ids()[0])], tmp_path / "site", settings(key, signer, **changes))
    assert caught.value.key == "service.admin.batch_size"
