"""`--engine spark` keeps every promise the local engine makes to an operator (issue 15.3/15.4, issue 16.2):

- a build that accepts no row, or fewer than `--min-accepted` of them, exits non-zero with the local engine's
  message and leaves no pack or site behind, and no scratch folder;
- a GBK file given without `--encoding` is detected and read as the local engine reads it: the same counts and
  entries in the summary;
- a missing output folder is named as such (it was an "internal error (FileNotFoundError)" on Spark);
- the same summary table (and the same --json, but for the engine's name) as the local engine; progress shows at a
  terminal.

Spark runs in local[2] mode, in the session every Spark test shares (conftest.py); skipped cleanly where PySpark or
Java is missing. The inputs are a few hundred rows: these tests pay for the Spark jobs, not the data.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from exposurecheck_server.keys import write_signing_key
from tests.conftest import REPO, cli_env, run_cli
from tests.server.service.site_helpers import breach_ids, make_keys
from tests.server.spark.conftest import spark_available
from tests.support.terminal import on_a_terminal

BREACH = "demo_breach"
VARYING = {"seconds", "values_per_second", "files", "engine"}  # what may differ between two runs or engines


@pytest.fixture(autouse=True)
def _config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURECHECK_CONFIG_DIR", str(tmp_path / "config"))


def _sparse_csv(path: Path, good: int, bad: int) -> Path:
    """`good` rows with a valid phone and email, then `bad` rows with neither (synthetic, no real person)."""
    rows = ["id,phone,email"]
    rows += [f"{i},+86 138 0013 {8000 + i:04d},user{i}@example.com" for i in range(good)]
    rows += [f"{good + i},not a phone,not an email" for i in range(bad)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _gbk_csv(path: Path) -> Path:
    """A GBK file with a Chinese header and names: what a dump from a mainland system often is."""
    rows = ["编号,姓名,手机,邮箱,城市"]
    rows += [f"{i},张{i}伟,1380013{8000 + i:04d},u{i}@example.cn,上海" for i in range(300)]
    path.write_bytes(("\n".join(rows) + "\n").encode("gbk"))
    return path


def _pack_build(tmp_path: Path, *args: str) -> list[str]:
    if not (tmp_path / "keys" / "publisher.key").exists():
        write_signing_key(tmp_path / "keys")
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    return ["pack", "build", "--breach", BREACH, "--catalog", str(catalog),
            "--signing-key", str(tmp_path / "keys" / "publisher.key"), *args]  # fmt: skip


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The admin command in this process, so that a Spark build uses the shared session (as it would use the one
    spark-submit makes)."""
    from exposurecheck_server.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _run_engine(engine: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The local engine in its own process: its worker pool forks, which a process running a JVM should not do."""
    if engine == "spark":
        return _run(argv, capsys)
    done = run_cli(*argv, admin=True, env={"EXPOSURECHECK_CONFIG_DIR": os.environ["EXPOSURECHECK_CONFIG_DIR"]})
    return done.returncode, done.stdout, done.stderr


def _left_behind(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".ecpack") or p.name.startswith("."))


def test_spark_pack_build_refuses_too_few_accepted_rows_and_leaves_nothing(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _sparse_csv(tmp_path / "sparse.csv", good=20, bad=80)
    out = tmp_path / "out"
    out.mkdir()
    argv = _pack_build(tmp_path, "--engine", "spark", "--input", str(source), "--map", "phone=phone,email=email")
    code, stdout, err = _run([*argv, "--out", str(out / "p.ecpack")], capsys)  # default --min-accepted 50%
    assert code == 2 and stdout == ""
    assert "Only 20 of 100 rows (20%)" in err and "--min-accepted (50%)" in err and "Nothing was written" in err
    assert _left_behind(out) == []
    # The same file with the bar lowered builds, and its summary counts what it accepted.
    code, stdout, err = _run([*argv, "--min-accepted", "10%", "--json", "--out", str(out / "p.ecpack")], capsys)
    assert code == 0, err
    summary = json.loads(stdout)
    assert summary["rows_accepted"] == 20 and summary["entries"] == 40 and summary["engine"] == "spark"
    assert _left_behind(out) == ["p.ecpack"]


def test_spark_pack_build_that_accepts_nothing_fails_and_leaves_nothing(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _sparse_csv(tmp_path / "empty.csv", good=0, bad=50)
    out = tmp_path / "out"
    out.mkdir()
    argv = _pack_build(tmp_path, "--engine", "spark", "--input", str(source), "--map", "phone=phone,email=email",
                       "--min-accepted", "0", "--out", str(out / "p.ecpack"))  # fmt: skip
    code, stdout, err = _run(argv, capsys)
    assert code == 2 and stdout == ""
    assert "No row gave a usable identifier (50 rows read" in err and "Nothing was written" in err
    assert _left_behind(out) == []


def test_spark_reads_a_gbk_file_without_encoding_as_the_local_engine_does(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _gbk_csv(tmp_path / "gbk.csv")
    summaries = {}
    for engine in ("local", "spark"):
        argv = _pack_build(tmp_path, "--engine", engine, "--input", str(source), "--map", "phone=手机,email=邮箱",
                           "--json", "--out", str(tmp_path / f"{engine}.ecpack"))  # fmt: skip
        code, stdout, err = _run_engine(engine, argv, capsys)
        assert code == 0, err
        summaries[engine] = json.loads(stdout)
    spark_summary = summaries["spark"]
    assert spark_summary["encoding"] == "gb18030" and spark_summary["encoding_detected"] is True
    assert spark_summary["rows_accepted"] == 300 and spark_summary["entries"] == 600
    assert spark_summary["engine"] == "spark" and summaries["local"]["engine"] == "local"
    # Every count, the entries per type and the pack's size: the same on both engines.
    assert {k: v for k, v in spark_summary.items() if k not in VARYING} == {
        k: v for k, v in summaries["local"].items() if k not in VARYING
    }


def test_spark_pack_build_prints_the_local_summary_table(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _sparse_csv(tmp_path / "rows.csv", good=60, bad=40)
    tables = {}
    for engine in ("local", "spark"):
        argv = _pack_build(tmp_path, "--engine", engine, "--input", str(source), "--map", "phone=phone,email=email",
                           "--out", str(tmp_path / f"{engine}.ecpack"))  # fmt: skip
        code, stdout, err = _run_engine(engine, argv, capsys)
        assert code == 0, err
        tables[engine] = stdout.splitlines()
    # The same rows with the same values, but for where the pack went and how long it took.
    same = [line for line in tables["spark"] if not line.startswith(("Output", "Time"))]
    assert same == [line for line in tables["local"] if not line.startswith(("Output", "Time"))]
    assert "Rows accepted               60 (60.0%)" in same
    assert "Values rejected             80: invalid email 40, invalid phone 40" in same
    assert not any("{" in line for line in tables["spark"])  # no Python dict printed as a value


def test_spark_pack_build_names_a_missing_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Checked before any Spark session is started (no fixture needed): it used to be an internal error.
    source = _sparse_csv(tmp_path / "rows.csv", good=10, bad=0)
    argv = _pack_build(tmp_path, "--engine", "spark", "--input", str(source), "--map", "phone=phone,email=email",
                       "--out", str(tmp_path / "no such folder" / "p.ecpack"))  # fmt: skip
    code, stdout, err = _run(argv, capsys)
    assert code == 2 and stdout == ""
    assert "does not exist" in err and "no such folder" in err and "internal error" not in err


def test_spark_pack_build_shows_progress_at_a_terminal(tmp_path: Path) -> None:
    """Its own process at a pseudo-terminal (its own Spark session: it cannot share this process's)."""
    spark_available()
    source = _sparse_csv(tmp_path / "rows.csv", good=200, bad=0)
    argv = _pack_build(tmp_path, "--engine", "spark", "--input", str(source), "--map", "phone=phone,email=email",
                       "--out", str(tmp_path / "p.ecpack"))  # fmt: skip
    env = {**cli_env(None), "EXPOSURECHECK_CONFIG_DIR": str(tmp_path / "config"), "COLUMNS": "120"}
    code, screen = on_a_terminal([sys.executable, "-m", "exposurecheck_server", *argv], lambda _s: None, env=env,
                                 timeout=180)  # fmt: skip
    assert code == 0, screen
    assert "\rwriting" in screen and "400 entries" in screen  # the progress line, rewritten in place
    assert "Entries written             400" in screen
    assert os.path.isfile(tmp_path / "p.ecpack")


def test_spark_service_build_refuses_too_few_accepted_rows_and_leaves_no_site(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _sparse_csv(tmp_path / "sparse.csv", good=20, bad=80)
    keys = make_keys(tmp_path / "keys")
    catalog = tmp_path / "catalog.json"
    catalog.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    out = tmp_path / "out"
    out.mkdir()
    code, stdout, err = _run([
        "service", "build", "--engine", "spark", "--input", str(source), "--map", "phone=phone,email=email",
        "--breach", breach_ids()[0], "--catalog", str(catalog), "--oprf-key", str(keys.oprf_key),
        "--bucketing-key", str(keys.bucketing_key), "--signing-key", str(keys.signing_key),
        "--out", str(out / "site"),
    ], capsys)  # fmt: skip
    assert code == 2 and stdout == ""
    assert "Only 20 of 100 rows (20%)" in err and "--min-accepted (50%)" in err
    assert sorted(p.name for p in out.iterdir()) == []  # no site, no half-built folder, no Spark scratch


def test_spark_refuses_a_wrong_encoding_that_loses_a_whole_column(
    tmp_path: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every row has an ASCII phone number (so every row is accepted), but no email decodes as UTF-8: the local
    # engine refuses this (tests/server/ingest/test_cli.py), and so must Spark, leaving nothing behind.
    source = _gbk_csv(tmp_path / "gbk.csv")
    source.write_bytes(source.read_bytes().replace(b"@example.cn", "@例子.中国".encode("gbk")))
    out = tmp_path / "out"
    out.mkdir()
    argv = _pack_build(tmp_path, "--engine", "spark", "--input", str(source), "--map", "phone=3,email=4",
                       "--encoding", "utf-8", "--out", str(out / "p.ecpack"))  # fmt: skip  (the header is GBK too)
    code, stdout, err = _run(argv, capsys)
    assert code == 2 and stdout == ""
    assert "of the email values (300 of 300) could not be decoded as utf-8" in err and "Nothing was written" in err
    assert _left_behind(out) == []
