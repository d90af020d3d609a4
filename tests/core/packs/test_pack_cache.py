"""Opened packs are kept across checks, and a kept one is used only while it is still what was verified."""

from __future__ import annotations

import os
import shutil

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck.core.sources import pack_cache
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.pack import PackSource
from exposurecheck.core.trust import publisher_keys

from .conftest import BREACH, PLANTED, make_pack


@pytest.fixture(autouse=True)
def _empty_cache():
    pack_cache.forget_all()
    yield
    pack_cache.forget_all()


def _check(source: PackSource) -> list[tuple[str, ...]]:
    result = source.lookup(list(PLANTED), lambda *_: None, CancelToken())
    return [exposure.breaches for exposure in result.exposures]


def test_a_second_check_reuses_the_opened_pack(pack):
    first = PackSource(pack.path, trusted_keys=[pack.public_key])
    assert _check(first) == [(BREACH,)] * len(PLANTED)
    second = PackSource(pack.path, trusted_keys=[pack.public_key])
    assert _check(second) == [(BREACH,)] * len(PLANTED)
    assert second.open() is first.open()


def test_a_changed_file_is_verified_again_and_refused(pack):
    reader = pack_cache.opened_pack(pack.path, [pack.public_key])
    data = bytearray(pack.path.read_bytes())
    data[-3] ^= 0x40  # a body byte: only a full check when opening finds it
    pack.path.write_bytes(bytes(data))
    os.utime(pack.path, ns=(1, 1))  # whatever the clock's resolution, the file's times now differ
    with pytest.raises(UserError) as info:
        pack_cache.opened_pack(pack.path, [pack.public_key])
    assert info.value.key == "pack.error.tampered_data"
    assert reader._shards == []  # the kept reader was closed when dropped: its maps are released


def test_a_replaced_pack_is_opened_afresh(pack, tmp_path, config_dir):
    reader = pack_cache.opened_pack(pack.path, [pack.public_key])
    other = make_pack(tmp_path / "other", chunk_size=1024)
    shutil.copy(other.path, pack.path)
    fresh = pack_cache.opened_pack(pack.path, [pack.public_key, other.public_key])
    assert fresh is not reader and fresh.publisher_key == other.public_key


def test_a_pack_whose_file_is_gone_is_dropped(pack):
    pack_cache.opened_pack(pack.path, [pack.public_key])
    pack.path.unlink()
    with pytest.raises(UserError) as info:
        pack_cache.opened_pack(pack.path, [pack.public_key])
    assert info.value.key == "pack.error.missing"


def test_a_publisher_no_longer_trusted_stops_a_kept_pack(pack):
    key_file = pack.path.with_name("publisher.pub")
    key_file.write_text(publisher_keys.format_public_key(pack.public_key) + "\n", encoding="utf-8")
    publisher_keys.add_trusted(key_file)
    kept = pack_cache.opened_pack(pack.path)
    assert kept.lookup(PLANTED[0]) == (BREACH,)
    publisher_keys.remove_trusted(publisher_keys.fingerprint(pack.public_key))
    with pytest.raises(UserError) as info:
        pack_cache.opened_pack(pack.path)
    assert info.value.key == "pack.error.unknown_publisher"
