"""Publisher key files, fingerprints and the trust store (kept in a throwaway config folder)."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.errors import UserError
from exposurecheck.core.trust import publisher_keys as pk


def _raw_key() -> bytes:
    return Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.fixture(autouse=True)
def _config(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(tmp_path / "config"))


def test_pub_file_round_trip(tmp_path):
    raw = _raw_key()
    path = tmp_path / "ngo.pub"
    path.write_text("# Example NGO, 2026\n" + pk.format_public_key(raw, "example ngo"), encoding="utf-8")
    assert pk.read_public_key(path) == raw


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ssh-ed25519 AAAA\n",
        "exposure-check-ed25519\n",
        "exposure-check-ed25519 not*base64\n",
        "exposure-check-ed25519 " + base64.b64encode(b"x" * 31).decode() + "\n",
    ],
)
def test_bad_pub_files_are_refused_clearly(tmp_path, text):
    path = tmp_path / "bad.pub"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as info:
        pk.read_public_key(path)
    assert info.value.key == "pack.key.invalid"


def test_missing_pub_file(tmp_path):
    with pytest.raises(UserError) as info:
        pk.read_public_key(tmp_path / "nope.pub")
    assert info.value.key == "pack.key.unreadable"


def test_fingerprint_is_stable_grouped_and_distinct():
    a, b = _raw_key(), _raw_key()
    fp = pk.fingerprint(a)
    assert fp == pk.fingerprint(a)
    assert fp != pk.fingerprint(b)
    groups = fp.split(" ")
    assert len(groups) == 8
    assert all(len(g) == 4 for g in groups)
    assert pk.normalize_fingerprint(fp.upper().replace(" ", ":")) == fp
    with pytest.raises(UserError):
        pk.normalize_fingerprint(fp[:-1])
    with pytest.raises(UserError):
        pk.normalize_fingerprint(fp[:-1] + "z")


def test_trust_store_add_list_remove(tmp_path):
    a, b = _raw_key(), _raw_key()
    pa, pb = tmp_path / "a.pub", tmp_path / "b.pub"
    pa.write_text(pk.format_public_key(a), encoding="utf-8")
    pb.write_text(pk.format_public_key(b), encoding="utf-8")
    assert pk.trusted_keys() == ()
    assert pk.add_trusted(pa) == a
    assert pk.add_trusted(pb) == b
    assert pk.add_trusted(pa) == a  # adding twice keeps one copy
    assert pk.trusted_keys() == (a, b)
    store = tmp_path / "config" / pk.TRUST_FILE
    assert json.loads(store.read_text(encoding="utf-8"))["keys"][0]["fingerprint"] == pk.fingerprint(a)
    assert pk.remove_trusted(pk.fingerprint(a).replace(" ", "")) == a
    assert pk.trusted_keys() == (b,)
    with pytest.raises(UserError) as info:
        pk.remove_trusted(pk.fingerprint(a))
    assert info.value.key == "pack.trust.not_found"


def test_damaged_trust_store_is_reported(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / pk.TRUST_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError) as info:
        pk.trusted_keys()
    assert info.value.key == "pack.trust.store_damaged"
