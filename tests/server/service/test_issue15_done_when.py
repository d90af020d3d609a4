"""Issue 15's done-when line, in one go, as an operator follows README and docs/service-operations.md: a lookup
service built from a GBK-encoded CSV given without `--encoding`, renewed without the records or any OPRF key (with
`service renew`, then by the offline path `service manifest --unsigned` → `service sign` → `service publish`), and
checked with `exposure-check check` against the served site on 127.0.0.1 after each step. The 1,000-row site is
under 20 MB and 5,000 files. Every command is its own process, as the operator types it.

The parts are tested one by one elsewhere (ingest/test_cli.py, test_lifecycle.py, test_sizing.py); this test holds
them together, so that no step of the chain can pass alone while the chain fails (a renewed site of a GBK build that
no client reads, say).
"""

from __future__ import annotations

import json
from pathlib import Path

from exposurecheck_server.service.site import read_site_manifest
from tests.conftest import REPO, run_cli
from tests.server.service.site_helpers import Keys, breach_ids, make_keys, serve_process

ROWS = 1000
IN_FILE = ("13800130007", "u7@例子.中国")  # row 7 of the file, in the forms the person types them
NOT_IN_FILE = "13900001111"


def _gbk_dump(path: Path) -> Path:
    """1,000 rows the way a mainland system exports them: GBK, a Chinese header, Chinese names and a city column
    nobody maps. Synthetic: no real person."""
    rows = ["编号,姓名,手机,邮箱,城市"]
    rows += [f"{i},张{i}伟,1380013{i:04d},u{i}@例子.中国,上海" for i in range(ROWS)]
    path.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    return path


def _admin(*args: str) -> str:
    result = run_cli(*args, admin=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _check(url: str, keys: Keys) -> dict[str, str]:
    """`exposure-check check --json` for two values from the file and one not in it: each value's status."""
    result = run_cli("check", "--source", f"service={url}", "--trust", str(keys.publisher_pub), "--json",
                     "--phone", IN_FILE[0], "--email", IN_FILE[1], "--phone", NOT_IN_FILE)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sources"][0]["status"] == "ok"
    return {f"{entry['type']} {entry['hint']}": entry["status"] for entry in report["identifiers"]}


def test_a_gbk_site_renewed_without_records_or_oprf_keys_answers_checks(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    dump = _gbk_dump(tmp_path / "leak.csv")
    site = tmp_path / "site"
    common = ["--input", str(dump), "--format", "csv", "--map", "phone=3,email=4", "--breach", breach_ids()[0],
              "--catalog", str(REPO / "resources" / "catalog" / "breaches.json"), "--oprf-key", str(keys.oprf_key),
              "--bucketing-key", str(keys.bucketing_key), "--signing-key", str(keys.signing_key)]  # fmt: skip

    # A wrong --encoding never passes silently: nothing decodes, the build fails and leaves no site.
    wrong = run_cli("service", "build", *common, "--encoding", "utf-8", "--out", str(site), admin=True)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert not site.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["keys", "leak.csv"]

    # Without --encoding: detected, every row read right.
    summary = json.loads(_admin("service", "build", *common, "--out", str(site), "--json"))
    assert (summary["encoding"], summary["encoding_detected"]) == ("gb18030", True)
    assert summary["rows_accepted"] == ROWS and summary["distinct_identifiers"] == 2 * ROWS
    files = [p for p in site.rglob("*") if p.is_file()]
    assert len(files) < 5000 and sum(p.stat().st_size for p in files) < 20 * 1024 * 1024

    expected = {"phone +86 138 **** 0007": "found", "email u***@例子.中国": "found",
                "phone +86 139 **** 1111": "not_found"}  # fmt: skip
    with serve_process(site, keys) as url:
        assert _check(url, keys) == expected  # also pins the service's keys, as the app does on first use

    before = read_site_manifest(site)
    # Renewing: the records and both OPRF keys are out of reach; only the site and the signing key are there.
    away = tmp_path / "elsewhere"
    away.mkdir()
    for path in (dump, keys.oprf_key, keys.bucketing_key):
        path.rename(away / path.name)
    renewed = _admin("service", "renew", "--site", str(site), "--signing-key", str(keys.signing_key))
    assert "Published manifest" in renewed
    unsigned, signed = tmp_path / "next.json", tmp_path / "next.signed.json"
    _admin("service", "manifest", "--site", str(site), "--unsigned", "--out", str(unsigned))
    _admin("service", "sign", "--manifest", str(unsigned), "--signing-key", str(keys.signing_key), "--out", str(signed))
    _admin("service", "publish", "--site", str(site), "--manifest", str(signed))
    after = read_site_manifest(site)
    assert after.sequence > before.sequence and after.epochs == before.epochs  # (sequences follow the clock)
    for path in (keys.oprf_key, keys.bucketing_key):  # the evaluator needs them again to serve
        (away / path.name).rename(path)

    with serve_process(site, keys) as url:
        assert _check(url, keys) == expected  # the same installation follows both renewals
