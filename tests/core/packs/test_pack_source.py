"""PackSource through the core's front door `check()`, and pack discovery."""

from __future__ import annotations

import os

from exposurecheck.core.check import check
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.packs import discovery
from exposurecheck.core.report import SourceState
from exposurecheck.core.sources.pack import PackSource

from .conftest import ABSENT, BREACH, PLANTED, make_pack


def test_check_finds_planted_with_masked_hints(pack):
    source = PackSource(pack.path, trusted_keys=[pack.public_key])
    assert source.name == "pack"
    assert source.uses_network is False
    assert source.demo is False
    report = check([*PLANTED, *ABSENT], [source])
    assert report.sources[0].state is SourceState.OK
    found = {e.type: e for e in report.exposures}
    assert set(found) == {IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME}
    assert len(report.exposures) == 4
    assert found[IdentifierType.PHONE].hint == "+86 138 **** 8000"
    assert all(e.breaches == (BREACH,) and e.source == "pack" and not e.demo for e in report.exposures)
    assert report.sent[0].items
    assert "Nothing" in report.sent[0].items[0].text("en")
    assert source.catalog()[BREACH].title_zh == "合成泄露"
    source.close()


def test_demo_pack_is_labelled_demo(tmp_path, config_dir, monkeypatch):
    from exposurecheck.core.trust import publisher_keys

    demo = make_pack(tmp_path / "demo", demo=True)
    monkeypatch.setattr(publisher_keys, "demo_keys", lambda: (demo.public_key,))
    source = PackSource(demo.path)
    assert source.name == "demo"
    assert source.demo is True
    report = check([PLANTED[0]], [source])
    assert report.exposures[0].demo is True
    assert report.exposures[0].source == "demo"
    assert report.sources[0].demo is True


def test_refused_pack_is_that_source_s_error_not_a_crash(pack):
    data = bytearray(pack.path.read_bytes())
    data[-3] ^= 0x40
    pack.path.write_bytes(bytes(data))
    report = check([PLANTED[0]], [PackSource(pack.path, trusted_keys=[pack.public_key])])
    status = report.sources[0]
    assert status.state is SourceState.ERROR
    assert status.error_key == "pack.error.tampered_data"
    assert "changed after the publisher signed" in status.error_message("en")
    assert "发布者签名后被改动" in status.error_message("zh_CN")
    assert report.exposures == ()


def test_untrusted_pack_reports_unknown_publisher(pack):
    report = check([PLANTED[0]], [PackSource(pack.path)])
    assert report.sources[0].error_key == "pack.error.unknown_publisher"


def test_discovery_finds_first_files_only(tmp_path, monkeypatch):
    one, two = tmp_path / "stick" / "packs", tmp_path / "app" / "packs"
    one.mkdir(parents=True)
    two.mkdir(parents=True)
    (one / "ngo.ecpack").write_bytes(b"x")
    (one / "ngo.ecpack.2").write_bytes(b"x")
    (one / "readme.txt").write_text("hi")
    (two / "b.ecpack").write_bytes(b"x")
    (two / "a.ecpack").write_bytes(b"x")
    (two / "folder.ecpack").mkdir()
    monkeypatch.setenv(discovery.ENV_VAR, os.pathsep.join([str(one), str(tmp_path / "missing"), str(two)]))
    assert discovery.discover_packs() == [
        (one / "ngo.ecpack").resolve(),
        (two / "a.ecpack").resolve(),
        (two / "b.ecpack").resolve(),
    ]
    monkeypatch.setenv(discovery.ENV_VAR, "")
    assert discovery.discover_packs() == []


def test_default_search_looks_at_removable_mounts(monkeypatch):
    monkeypatch.delenv(discovery.ENV_VAR, raising=False)
    folders = discovery.search_dirs()
    assert all(folder.name == "packs" for folder in folders)
    assert isinstance(discovery.discover_packs(), list)  # never raises, whatever is mounted here
