"""The pack builder: tags equal the reader's, the external sort splits big runs, bad input is reported, catalogs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from array import array
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.catalog import load_bundled_catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck.core.packs.opening import open_pack
from exposurecheck_server.pack import sorter as sorter_module
from exposurecheck_server.pack.builder import build_pack
from exposurecheck_server.pack.sorter import ExternalSorter

ROOT = Path(__file__).resolve().parents[3]
HIBP_V3 = "breaches/breaches_v3_sample10_mozilla-blurts-server_hibpBreachResponse.json"


def _key():
    key = Ed25519PrivateKey.generate()
    return key, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(tmp_path / "config"))


def test_builder_tags_equal_the_readers(tmp_path):
    key, public = _key()
    values = [
        Identifier(IdentifierType.PHONE, "+8613800138000"),
        Identifier(IdentifierType.EMAIL, "ünïcode@例え.jp"),
        Identifier(IdentifierType.USERNAME, "名字_user"),
    ]
    breach = "demo_breach"
    build_pack(values, out=tmp_path / "t.ecpack", catalog=load_bundled_catalog(), breach=breach, signing_key=key)
    with open_pack(tmp_path / "t.ecpack", extra_keys=[public]) as reader:
        for value in values:
            assert reader.lookup_tag_in(value.type, fmt.keyed_tag(reader.salt, value)) == (breach,)
        assert reader.info.counts == {"phone": 1, "email": 1, "username": 1}


def test_external_sort_splits_oversized_runs_and_keeps_order(tmp_path):
    import random

    sorter = ExternalSorter(tmp_path, max_run=100)
    rng = random.Random(5)
    # Many tags share a first byte, so that run exceeds max_run and must be split by the next byte, twice.
    tags = [(0x42 << 56) | rng.getrandbits(56) for _ in range(5000)] + [rng.getrandbits(64) for _ in range(3000)]
    tags += [(0x4242 << 48) | rng.getrandbits(48) for _ in range(400)] + [0xFFFF_FFFF_FFFF_FFFF, 0]
    for start in range(0, len(tags), 700):  # several batches, with duplicates across them
        sorter.add_batch(array("Q", tags[start : start + 700]), 0, 1)
    sorter.add_batch(array("Q", tags[:500]), 0, 2)
    out: dict[tuple[int, int], list[int]] = {}
    for run in sorter.runs():
        for key, values in run.sections.items():
            out.setdefault(key, []).extend(int(v) for v in values)
    sorter.cleanup()
    assert out == {(1, 0): sorted(set(tags)), (2, 0): sorted(set(tags[:500]))}
    assert not list(tmp_path.iterdir())  # temporary runs are gone


def test_sort_keeps_one_entry_per_breach(tmp_path):
    sorter = ExternalSorter(tmp_path)
    sorter.add_batch(array("Q", [5, 3, 5]), 0, 1)
    sorter.add_batch(array("Q", [5, 5]), 1, 1)
    runs = list(sorter.runs())
    sorter.cleanup()
    assert [{key: list(v) for key, v in r.sections.items()} for r in runs] == [{(1, 0): [3, 5], (1, 1): [5]}]


def test_bounded_memory_split_runs_through_a_whole_build(tmp_path, monkeypatch):
    # Force the split path inside a real build: results must not change.
    original = ExternalSorter.__init__

    def small_runs(self, workdir, **kw):
        original(self, workdir, max_run=200)

    monkeypatch.setattr(sorter_module.ExternalSorter, "__init__", small_runs)
    key, public = _key()
    values = [Identifier(IdentifierType.PHONE, f"+86136{i:08d}") for i in range(4000)]
    build_pack(values, out=tmp_path / "s.ecpack", catalog=load_bundled_catalog(), breach="demo_breach", signing_key=key)
    with open_pack(tmp_path / "s.ecpack", extra_keys=[public]) as reader:
        assert reader.info.entries == 4000
        assert all(reader.lookup(v) for v in values[::97])


def test_errors_are_clear(tmp_path):
    key, _ = _key()
    catalog = load_bundled_catalog()
    values = [Identifier(IdentifierType.PHONE, "+8613800138000")]
    with pytest.raises(UserError) as info:
        build_pack(values, out=tmp_path / "x.ecpack", catalog=catalog, breach="no_such_breach", signing_key=key)
    assert info.value.key == "pack.build.unknown_breach"
    with pytest.raises(UserError) as info:
        build_pack(values, out=tmp_path / "x.ecpack", catalog=catalog, breach="demo_breach", signing_key=key,
                   shard_size=1000)  # fmt: skip
    assert info.value.key == "pack.build.shard_too_small"
    with pytest.raises(UserError) as info:
        build_pack([Identifier(IdentifierType.PASSWORD, "hunter2")], out=tmp_path / "x.ecpack", catalog=catalog,
                   breach="demo_breach", signing_key=key)  # fmt: skip
    assert info.value.key == "pack.build.no_passwords"
    with pytest.raises(UserError) as info:
        build_pack(values, out=tmp_path / "x.ecpack", catalog=catalog, breach="demo_breach", signing_key=key,
                   workdir=tmp_path / "no" / "such" / "folder")  # fmt: skip
    assert info.value.key == "pack.build.workdir_failed"
    assert not list(tmp_path.glob("x.ecpack*"))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ecpack-build")]


def _admin(tmp: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "server")])
    for name in ("CONFIG", "DATA", "STATE"):
        env[f"EXPOSURECHECK_{name}_DIR"] = str(tmp / name.lower())
    return subprocess.run(
        [sys.executable, "-m", "exposurecheck_server", *args],
        input=stdin, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def test_messy_csv_builds_what_is_valid_and_reports_the_rest(tmp_path):
    assert _admin(tmp_path, "keygen", "--out", str(tmp_path / "k"), "--passphrase-stdin", stdin="pw\n").returncode == 0
    lines = [
        "phone,email,cn_id,username",
        "+8613800138000,a@example.com,11010519491231002X,alice",
        '"13912345678,b@example.com,,bob',  # broken quoting
        "15012345678,c@example.com,,carol",
        "1,2",  # wrong column count
        "12345,not-an-email,110105194912310021,dave",  # three invalid values, one valid
    ]
    data = tmp_path / "messy.csv"
    data.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes(Path(ROOT / "resources" / "catalog" / "breaches.json").read_bytes())
    result = _admin(
        tmp_path, "pack", "build", "--input", str(data), "--format", "csv",
        "--map", "phone=phone,email=email,cn_id=cn_id,username=username", "--breach", "demo_breach",
        "--catalog", str(catalog), "--signing-key", str(tmp_path / "k" / "publisher.key"), "--passphrase-stdin",
        "--out", str(tmp_path / "m.ecpack"), "--json", "--jobs", "1", stdin="pw\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["rows_read"] == 5
    assert summary["rows_rejected"] == {"broken_quoting": 1, "wrong_column_count": 1}
    assert summary["values_rejected"] == {"invalid_cn_id": 1, "invalid_email": 1, "invalid_phone": 1}
    assert summary["identifiers"] == {"cn_id": 1, "email": 2, "phone": 2, "username": 3}
    assert summary["entries"] == 8
    for value in ("13800138000", "a@example.com", "alice", "dave"):
        assert value not in result.stdout + result.stderr

    text = _admin(
        tmp_path, "pack", "build", "--input", str(data), "--format", "csv", "--map", "phone=phone",
        "--breach", "demo_breach", "--catalog", str(catalog), "--signing-key", str(tmp_path / "k" / "publisher.key"),
        "--out", str(tmp_path / "n.ecpack"), "--quiet",
    )  # fmt: skip
    assert text.returncode == 2
    assert "passphrase" in text.stderr


def test_hibp_v3_catalog_is_accepted(tmp_path, testdata):
    from exposurecheck.core.catalog import catalog_from_json

    catalog = catalog_from_json((testdata / HIBP_V3).read_bytes())
    breach = sorted(catalog)[0]
    key, public = _key()
    build_pack([Identifier(IdentifierType.EMAIL, "x@example.com")], out=tmp_path / "h.ecpack", catalog=catalog,
               breach=breach, signing_key=key)  # fmt: skip
    with open_pack(tmp_path / "h.ecpack", extra_keys=[public]) as reader:
        assert reader.info.breaches == (breach,)
        embedded = catalog_from_json(reader.info.catalog_json)
        assert list(embedded) == [breach]
        assert "<" not in embedded[breach].description_en
