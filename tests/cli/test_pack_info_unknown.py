"""`exposure-check pack info` on a pack from a publisher this app does not trust yet describes it (who signed it, in
fingerprint groups that can be read aloud, its breaches with their dates, its counts, its size) and says plainly that
it is not used; `pack verify` and `check` keep refusing it. Real CLI processes, a real signed pack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exposurecheck.core.trust.publisher_keys import fingerprint, format_public_key
from tests.conftest import run_cli
from tests.core.packs.conftest import PLANTED, BuiltPack, make_pack

GROUPS = re.compile(r"^[0-9a-f]{4}( [0-9a-f]{4}){7}$")


@pytest.fixture(scope="module")
def unknown(tmp_path_factory: pytest.TempPathFactory) -> BuiltPack:
    return make_pack(tmp_path_factory.mktemp("stick"), count=1500)


def test_info_describes_it_as_json(unknown: BuiltPack) -> None:
    result = run_cli("pack", "info", str(unknown.path), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["publisher_trust"] == "unknown"
    assert data["publisher_fingerprint"] == fingerprint(unknown.public_key)
    assert GROUPS.match(data["publisher_fingerprint"])
    assert data["breaches"] == [{"id": "synthetic_2024", "title": "Synthetic breach", "date": "2024-01-01"}]
    assert data["entries"] == 1500 + len(PLANTED) and data["entries_per_type"]["phone"] == 1501
    assert data["bytes"] == unknown.path.stat().st_size and data["created"]


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("does not trust yet", "not used for any check", "Synthetic breach (synthetic_2024, 2024-01-01)",
            "Phone number 1,501", "exposure-check trust add FILE.pub")),
    ("zh_CN", ("还不在本软件的信任列表中", "不会用它做任何查询", "合成泄露（synthetic_2024，2024-01-01）",
               "手机号码 1,501", "exposure-check trust add 文件.pub")),
])  # fmt: skip
def test_info_says_plainly_that_it_is_not_used(unknown: BuiltPack, lang: str, words: tuple[str, ...]) -> None:
    result = run_cli("pack", "info", str(unknown.path), "--lang", lang)
    assert result.returncode == 0, result.stderr
    for word in words:
        assert word in result.stdout, (word, result.stdout)
    assert fingerprint(unknown.public_key) in result.stdout
    assert "您" not in result.stdout


def test_verify_and_check_still_refuse_it(unknown: BuiltPack) -> None:
    verify = run_cli("pack", "verify", str(unknown.path))
    assert verify.returncode == 1 and "does not know" in verify.stderr
    report = json.loads(run_cli("check", "--source", f"pack={unknown.path}", "--phone", "+8613800138000",
                                "--json").stdout)  # fmt: skip
    assert report["sources"][0]["status"] == "error" and report["exposures"] == []


def test_a_trusted_pack_is_described_as_before(unknown: BuiltPack, tmp_path: Path) -> None:
    pub = tmp_path / "publisher.pub"
    pub.write_text(format_public_key(unknown.public_key), encoding="utf-8")
    data = json.loads(run_cli("pack", "info", str(unknown.path), "--trust", str(pub), "--json").stdout)
    assert data["publisher_trust"] == "added"


def test_a_changed_head_is_refused_even_for_a_description(unknown: BuiltPack, tmp_path: Path) -> None:
    data = bytearray(unknown.path.read_bytes())
    at = data.find(b"Synthetic breach")  # the signed catalog: what info would show
    data[at] ^= 0x20
    changed = tmp_path / "changed.ecpack"
    changed.write_bytes(bytes(data))
    result = run_cli("pack", "info", str(changed))
    assert result.returncode == 2
    assert "was changed after its publisher signed it" in result.stderr and result.stdout == ""
