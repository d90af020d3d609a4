"""Both builders as an operator runs them: encodings detected, failures that leave nothing behind and name their
cause in English and Chinese, progress on terminals only, and the same summary (counts only) as a table or JSON."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from exposurecheck.core.identifiers import IdentifierType, normalize
from exposurecheck.core.packs.opening import open_pack
from tests.conftest import REPO, cli_env, run_cli
from tests.server.service.site_helpers import Keys, make_keys

PLANTED = (("13800138000", "王丽@例子.中国", "王丽"), ("+86 139 1234 5678", "Zhang.Wei@QQ.com", "张伟_88"))
FILLER = [(f"1500000{n:04d}", f"user{n}@163.com", f"用户{n}") for n in range(60)]


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "catalog.json"
    path.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    return path


def _csv(path: Path, rows: list[tuple[str, ...]], encoding: str = "utf-8") -> Path:
    text = "phone,email,username,城市\n" + "".join(",".join(row) + ",北京\n" for row in rows)
    path.write_bytes(text.encode(encoding))
    return path


def _pack(keys: Keys, catalog: Path, source: Path, out: Path, *extra: str, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return run_cli("pack", "build", "--input", str(source), "--map", "phone=phone,email=email,username=username",
                   "--breach", "demo_breach", "--catalog", str(catalog), "--signing-key", str(keys.signing_key),
                   "--out", str(out), *extra, admin=True, env=env)  # fmt: skip


def _service(keys: Keys, catalog: Path, source: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("service", "build", "--input", str(source), "--map", "phone=phone,email=email,username=username",
                   "--breach", "demo_breach", "--catalog", str(catalog), "--oprf-key", str(keys.oprf_key),
                   "--bucketing-key", str(keys.bucketing_key), "--signing-key", str(keys.signing_key),
                   "--out", str(out), "--sequence", "7", *extra, admin=True)  # fmt: skip


def _never_quoted(result: subprocess.CompletedProcess[str]) -> None:
    for row in PLANTED:
        for value in row:
            assert value not in result.stdout + result.stderr
    assert "13800138000" not in result.stdout + result.stderr


def test_pack_from_a_gbk_file_without_encoding_is_right(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    source = _csv(tmp_path / "leak.csv", list(PLANTED) + FILLER, "gbk")
    result = _pack(keys, catalog, source, tmp_path / "leak.ecpack", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["encoding"], summary["encoding_detected"]) == ("gb18030", True)
    assert summary["rows_read"] == summary["rows_accepted"] == len(PLANTED) + len(FILLER)
    assert summary["identifiers"] == {"email": 62, "phone": 62, "username": 62}
    assert summary["values_rejected"] == {} and summary["entries"] == 186
    _never_quoted(result)
    with open_pack(tmp_path / "leak.ecpack", extra_keys=[keys.publisher_raw]) as reader:
        for phone, email, username in PLANTED:
            for kind, raw in ((IdentifierType.PHONE, phone), (IdentifierType.EMAIL, email),
                              (IdentifierType.USERNAME, username)):  # fmt: skip
                assert reader.lookup(normalize(kind, raw)) == ("demo_breach",), raw
        assert reader.lookup(normalize(IdentifierType.USERNAME, "王丽x")) == ()


def test_service_site_from_a_gbk_file_without_encoding(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    source = _csv(tmp_path / "leak.csv", list(PLANTED) + FILLER, "gbk")
    result = _service(keys, catalog, source, tmp_path / "site", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["builder"], summary["encoding"]) == ("service", "gb18030")
    assert summary["distinct_identifiers"] == 186 and summary["identifiers"]["username"] == 62
    _never_quoted(result)
    verified = run_cli("service", "verify", "--site", str(tmp_path / "site"), "--trust", str(keys.publisher_pub),
                       admin=True)  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_files_build_with_several_workers(tmp_path: Path, keys: Keys, catalog: Path, codec: str) -> None:
    # A UTF-16 input is read through a UTF-8 spool. With two workers the spool was deleted when the last task had
    # been handed out, before the workers had opened it: every UTF-16 build on a multi-core machine failed with
    # "Could not write temporary files ... the disk may be full". Both builders, with and without a byte order mark.
    source = _csv(tmp_path / "leak.csv", list(PLANTED) + FILLER * 20, codec)
    if codec == "utf-16-be":
        source.write_bytes(b"\xfe\xff" + source.read_bytes())  # Windows tools write the mark; BE with it
    pack = _pack(keys, catalog, source, tmp_path / "leak.ecpack", "--json", "--jobs", "2")
    site = _service(keys, catalog, source, tmp_path / "site", "--json", "--jobs", "2")
    for result in (pack, site):
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["encoding"].startswith("utf-16") and summary["encoding_detected"] is True
        assert summary["rows_accepted"] == len(PLANTED) + 20 * len(FILLER) and summary["values_rejected"] == {}
        _never_quoted(result)
    assert json.loads(pack.stdout)["entries"] == 3 * (len(PLANTED) + len(FILLER))
    assert json.loads(site.stdout)["distinct_identifiers"] == 3 * (len(PLANTED) + len(FILLER))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json", "leak.csv", "leak.ecpack", "site"]  # no spool


def test_builds_that_accept_nothing_leave_nothing_behind(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    source = _csv(tmp_path / "junk.csv", [("n/a", "none", "")] * 30)
    pack = _pack(keys, catalog, source, tmp_path / "junk.ecpack")
    site = _service(keys, catalog, source, tmp_path / "site")
    for result in (pack, site):
        assert result.returncode == 2
        assert "No row gave a usable identifier (30 rows read" in result.stderr
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json", "junk.csv"]


def test_too_few_accepted_rows_fail_in_the_operators_language(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    source = _csv(tmp_path / "sparse.csv", FILLER[:10] + [("12", "x", "")] * 20)
    chinese = _pack(keys, catalog, source, tmp_path / "s.ecpack", env={"LANG": "zh_CN.UTF-8"})
    assert chinese.returncode == 2
    assert "30 行中只有 10 行（33%）得到可用的标识符，低于 --min-accepted（50%）" in chinese.stderr
    assert not (tmp_path / "s.ecpack").exists()
    lower = _pack(keys, catalog, source, tmp_path / "s.ecpack", "--min-accepted", "30%", "--json")
    assert lower.returncode == 0, lower.stderr
    assert json.loads(lower.stdout)["rows_accepted"] == 10


def test_a_wrong_encoding_that_loses_a_whole_column_is_refused(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    # Every row has an ASCII phone number, so every row is accepted; but the GBK emails and usernames cannot be
    # decoded as UTF-8. Both builders used to exit 0 with those columns silently gone.
    source = _csv(tmp_path / "leak.csv", list(PLANTED) + FILLER, "gbk")
    pack = _pack(keys, catalog, source, tmp_path / "leak.ecpack", "--encoding", "utf-8")
    site = _service(keys, catalog, source, tmp_path / "site", "--encoding", "utf-8")
    for result in (pack, site):
        assert result.returncode == 2 and result.stdout == ""
        assert "could not be decoded as utf-8" in result.stderr and "Nothing was written" in result.stderr
        assert "Traceback" not in result.stderr
        _never_quoted(result)
    assert "of the username values (62 of 62)" in pack.stderr  # the first such column, named
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json", "leak.csv"]
    chinese = _pack(keys, catalog, source, tmp_path / "leak.ecpack", "--encoding", "utf-8",
                    env={"LANG": "zh_CN.UTF-8"})  # fmt: skip
    assert chinese.returncode == 2 and "用户名这一列有 100% 的值（62 个中的 62 个）无法按 utf-8 解码" in chinese.stderr
    # The operator who really means it can still build; a stray bad byte never needed this (test_encoding.py).
    anyway = _pack(keys, catalog, source, tmp_path / "leak.ecpack", "--encoding", "utf-8", "--min-accepted", "0")
    assert anyway.returncode == 0, anyway.stderr
    assert "Some values could not be decoded as utf-8" in anyway.stdout


def test_a_column_whose_values_are_mostly_invalid_is_refused(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    # ID numbers exported for Excel as ="…" (so they are not shown as 1.10105E+17): no normalizer reads them, and
    # every row was still accepted by its phone number, so the ID-number column was lost whole with exit 0.
    ids = ["11010519491231002X", "110105194912310021", "440106199001011234"]
    text = "phone,id\n" + "".join(f'1380013{n:04d},="{ids[n % 3]}"\n' for n in range(30))
    source = tmp_path / "leak.csv"
    source.write_text(text, encoding="utf-8")
    common = ["--input", str(source), "--map", "phone=phone,cn_id=id", "--breach", "demo_breach",
              "--catalog", str(catalog), "--signing-key", str(keys.signing_key)]  # fmt: skip
    pack = run_cli("pack", "build", *common, "--out", str(tmp_path / "p.ecpack"), admin=True)
    site = run_cli("service", "build", *common, "--oprf-key", str(keys.oprf_key), "--bucketing-key",
                   str(keys.bucketing_key), "--out", str(tmp_path / "site"), admin=True)  # fmt: skip
    for result in (pack, site):
        assert result.returncode == 2 and result.stdout == ""
        assert "100% of the values in the ID number column (30 of 30) are not valid" in result.stderr
        assert "--map" in result.stderr and "Excel" in result.stderr and "Traceback" not in result.stderr
        assert "11010519491231002X" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json", "leak.csv"]
    chinese = run_cli("pack", "build", *common, "--out", str(tmp_path / "p.ecpack"), admin=True,
                      env={"LANG": "zh_CN.UTF-8"})  # fmt: skip
    assert chinese.returncode == 2 and "身份证号这一列有 100% 的值（30 个中的 30 个）无效" in chinese.stderr
    anyway = run_cli("pack", "build", *common, "--out", str(tmp_path / "p.ecpack"), "--min-accepted", "0",
                     "--json", admin=True)  # fmt: skip
    assert anyway.returncode == 0, anyway.stderr
    assert json.loads(anyway.stdout)["values_rejected"] == {"invalid_cn_id": 30}


@pytest.mark.parametrize(
    ("args", "cause"),
    [
        (["--out", "{tmp}/no/such/folder/x.ecpack"], "The folder {tmp}/no/such/folder does not exist"),
        (["--encoding", "gbkk"], '--encoding: "gbkk" is not an encoding name'),
        (["--region", "XX"], '--region: "XX" is not a region code'),
        (["--out", "{tmp}"], "is a folder"),
    ],
)
def test_errors_name_their_real_cause(tmp_path: Path, keys: Keys, catalog: Path, args: list[str], cause: str) -> None:
    source = _csv(tmp_path / "leak.csv", FILLER)
    extra = [arg.format(tmp=tmp_path) for arg in args]
    out = tmp_path / "x.ecpack"
    if "--out" in extra:
        out = Path(extra.pop(extra.index("--out") + 1))
        extra.remove("--out")
    result = _pack(keys, catalog, source, out, *extra)
    assert result.returncode == 2
    assert cause.format(tmp=tmp_path) in result.stderr
    assert "disk may be full" not in result.stderr


def test_errors_name_their_real_cause_in_chinese(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    # An operator whose locale is Chinese reads the same causes in Chinese: a missing output folder (not "the disk
    # may be full") and an unknown encoding name (not "the first line could not be read as a header row").
    source = _csv(tmp_path / "leak.csv", FILLER)
    chinese = {"LANG": "zh_CN.UTF-8"}
    missing = _pack(keys, catalog, source, tmp_path / "no" / "x.ecpack", env=chinese)
    assert missing.returncode == 2 and f"文件夹 {tmp_path / 'no'} 不存在" in missing.stderr
    unknown = _pack(keys, catalog, source, tmp_path / "x.ecpack", "--encoding", "gbkk", env=chinese)
    assert unknown.returncode == 2 and "--encoding：Python 不认识编码名称“gbkk”" in unknown.stderr
    site = run_cli("service", "build", "--input", str(source), "--map", "phone=phone", "--breach", "demo_breach",
                   "--catalog", str(catalog), "--oprf-key", str(keys.oprf_key), "--bucketing-key",
                   str(keys.bucketing_key), "--signing-key", str(keys.signing_key), "--out",
                   str(tmp_path / "no" / "site"), admin=True, env=chinese)  # fmt: skip
    assert site.returncode == 2 and f"文件夹 {tmp_path / 'no'} 不存在" in site.stderr
    for result in (missing, unknown, site):
        assert "磁盘" not in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.json", "leak.csv"]


def test_service_build_names_a_missing_folder(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    source = _csv(tmp_path / "leak.csv", FILLER)
    result = _service(keys, catalog, source, tmp_path / "no" / "site")
    assert result.returncode == 2
    assert f"The folder {tmp_path / 'no'} does not exist" in result.stderr
    assert not (tmp_path / "no").exists()


def test_summary_table_is_the_same_for_both_builders(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    rows = list(PLANTED) + FILLER + [("1380013800", "bad@", "ok_user")]
    source = _csv(tmp_path / "leak.csv", rows)
    pack = _pack(keys, catalog, source, tmp_path / "t.ecpack")
    site = _service(keys, catalog, source, tmp_path / "site")
    for result in (pack, site):
        assert result.returncode == 0, result.stderr
        labels = [line.split("  ")[0] for line in result.stdout.splitlines()[:11]]
        assert labels == ["Input", "Rows read", "Rows accepted", "Rows rejected", "Rows without an identifier",
                          "Values accepted", "Values rejected", "Empty values",
                          "Entries written" if result is pack else "Records written", "Output", "Time"]  # fmt: skip
        assert "invalid email 1, invalid phone 1" in result.stdout
        assert "encoding utf-8 (detected)" in result.stdout
        assert result.stderr == ""  # not a terminal: no progress
        _never_quoted(result)


def test_progress_shows_on_a_terminal_with_stage_rate_and_time_left(tmp_path: Path, keys: Keys, catalog: Path) -> None:
    source = _csv(tmp_path / "leak.csv", FILLER * 50)
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "exposurecheck_server", "pack", "build", "--input", str(source),
               "--map", "phone=phone,username=username", "--breach", "demo_breach", "--catalog", str(catalog),
               "--signing-key", str(keys.signing_key), "--out", str(tmp_path / "p.ecpack"), "--jobs", "1"]  # fmt: skip
    process = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, env=cli_env(), timeout=120, check=False)
    os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 65536):
            shown += chunk
    except OSError:
        pass  # the terminal is gone once the process has ended
    os.close(leader)
    assert process.returncode == 0
    text = shown.decode()
    assert "reading 100%" in text and "values/s" in text and "left" in text
    assert "\r" in text and text.endswith("\n")
    assert "13800138000" not in text and "用户" not in text
