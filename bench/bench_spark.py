#!/usr/bin/env python3
"""Spark local[2] against the local engine: the same messy CSV rows (split into files) built into a pack by both,
in this run, on this machine. Prints wall time, CPU time of the whole process tree (the JVM and Spark's Python
workers included), values per second, peak scratch disk, and the cost per 10^9 identifiers they imply.

    .venv/bin/python bench/bench_spark.py                 # 10^6 rows (4 values each), 8 files
    .venv/bin/python bench/bench_spark.py --rows 200000

The two engines use the same ingest and normalizer, so the difference is the engine: Spark's start-up (a JVM,
~10 s), moving tags through Arrow and a shuffle, against one process with a worker pool. On a cluster the Spark
figures scale with executors; the local engine does not. The machine is shared: wall times may be depressed by
load, CPU seconds much less.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "server"), str(ROOT / "scripts"), str(ROOT / "bench")]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from disk_peak import DiskPeak  # noqa: E402
from make_synthetic_breach import rows as fake_rows  # noqa: E402
from make_synthetic_breach import write  # noqa: E402

from exposurecheck.core.catalog import load_bundled_catalog  # noqa: E402
from exposurecheck_server.ingest import IngestStats, iter_identifiers, parse_map  # noqa: E402
from exposurecheck_server.pack.builder import build_pack  # noqa: E402

MAP = "phone=phone,email=email,cn_id=5,username=username"
BILLION = 10**9


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of `root` and every live descendant (their finished children included)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(value) for value in fields[11:15]) / tick  # utime stime cutime cstime
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def make_inputs(folder: Path, rows: int, files: int) -> list[Path]:
    paths = []
    for number in range(files):
        path = folder / f"dump-{number:02d}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            write(handle, "csv", fake_rows(rows // files, 100 + number, {}, messy=True))
        paths.append(path)
    return paths


def measure(label: str, folder: Path, marker: str, run) -> tuple[float, float, int, object]:
    cpu_before = tree_cpu_seconds(os.getpid())
    started = time.perf_counter()
    with DiskPeak(folder, scratch_marker=marker) as peak:
        result = run()
        cpu = tree_cpu_seconds(os.getpid()) - cpu_before  # before Spark stops: its JVM is still our child
    wall = time.perf_counter() - started
    return wall, cpu, peak.scratch, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=8, help="input files (Spark's tag stage runs one task each)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    from exposurecheck_server.spark.pack_job import InputSpec, build_pack_spark

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates times)")
    key = Ed25519PrivateKey.generate()
    catalog = load_bundled_catalog()
    with tempfile.TemporaryDirectory(prefix="bench-spark-", dir=args.workdir) as tmp:
        work = Path(tmp)
        paths = make_inputs(work, args.rows, args.files)
        (work / "local").mkdir()
        (work / "spark").mkdir()

        def local():
            stats = IngestStats()
            values = iter_identifiers(paths, "csv", parse_map(MAP), stats=stats, jobs=2)
            return build_pack(values, out=work / "local" / "p.ecpack", catalog=catalog, breach="demo_breach",
                              signing_key=key)  # fmt: skip

        def spark():
            spec = InputSpec("csv", MAP, "CN", True, None)
            return build_pack_spark(paths, spec, out=work / "spark" / "p.ecpack", catalog=catalog,
                                    breach="demo_breach", signing_key=key, master="local[2]")  # fmt: skip

        figures = {
            "local engine (2 processes)": measure("local", work / "local", ".ecpack-build-", local),
            "spark local[2]": measure("spark", work / "spark", ".ecpack-spark-", spark),
        }
        results = [figure[3] for figure in figures.values()]
        same = results[0].entries == results[1].entries and results[0].counts == results[1].counts
        values = results[0].records
        print(f"input: {args.rows:,} rows in {args.files} files, {values:,} valid values, "
              f"{results[0].entries:,} entries after dedupe; same entries per type in both packs: {same}")
        for name, (wall, cpu, scratch, result) in figures.items():
            pack_bytes = sum(p.stat().st_size for p in result.files)
            print(f"{name}: wall {wall:.1f} s = {values / wall:,.0f} values/s; CPU {cpu:.1f} s (process tree) = "
                  f"{values / cpu:,.0f} values per CPU-second; scratch peak {scratch / 1e6:.1f} MB "
                  f"({scratch / pack_bytes:.2f}x the pack)")
            print(f"   per 10^9 values: {cpu * BILLION / values / 3600:,.1f} core-hours, scratch "
                  f"{scratch * BILLION / values / 1e9:,.0f} GB, pack {pack_bytes * BILLION / values / 1e9:,.1f} GB")
        (local_wall, local_cpu, _s, _r), (spark_wall, spark_cpu, _s2, _r2) = figures.values()
        print(f"ratio spark / local: wall {spark_wall / local_wall:.2f}x, CPU {spark_cpu / local_cpu:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("EXPOSURECHECK_PACK_DIRS", "")
    sys.exit(main())
