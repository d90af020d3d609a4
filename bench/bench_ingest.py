#!/usr/bin/env python3
"""Messy CSV → pack, as an operator runs it: `exposure-check-admin pack build` as its own process, timed end to end.

The input is bench/messy_breach.py's file (every phone, email and ID-number shape real dumps hold, a few broken
rows, a non-UTF-8 byte in an unused column). Each run starts the CLI fresh (imports, key loading, encoding
detection, reading, normalizing, hashing, sorting, signing, writing), and the figures are medians of several runs.

Baselines, measured in the same run on the same file so the ratios mean something on a busy machine:
- `wc -l` of the file: what merely reading the bytes costs;
- Python's csv module reading the file and touching the four mapped fields, in one process: the floor for any
  pure-Python reader, before a single value is normalized.

CPU time is measured too (the CLI's and its worker processes', from getrusage of the finished children): on a
machine shared with other work the wall clock mostly measures the others, CPU time much less so.

    .venv/bin/python bench/bench_ingest.py                 # 1,000,000 rows, 3 runs
    .venv/bin/python bench/bench_ingest.py --rows 200000 --runs 5

Target (issue 16.1): >= 300,000 values/s end to end on a 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "server"), str(ROOT / "bench")]

from messy_breach import write as write_messy  # noqa: E402

from exposurecheck_server.keys import write_signing_key  # noqa: E402

MAP = "phone=phone,email=email,cn_id=cn_id,username=username"
TARGET = 300_000


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # the CLI process and its workers
    summary: dict


def cli_build(source: Path, work: Path, key: Path, jobs: int | None) -> Run:
    """One `pack build` as a separate process; wall clock and the CPU time of the whole process tree."""
    out = work / "bench.ecpack"
    out.unlink(missing_ok=True)
    catalog = ROOT / "resources" / "catalog" / "breaches.json"
    command = [sys.executable, "-m", "exposurecheck_server", "pack", "build", "--input", str(source), "--map", MAP,
               "--breach", "demo_breach", "--catalog", str(catalog), "--signing-key", str(key), "--out", str(out),
               "--json", "--quiet"]  # fmt: skip
    if jobs:
        command += ["--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "desktop"), str(ROOT / "server")]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"pack build failed ({result.returncode}): {result.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, json.loads(result.stdout))


def wc_lines(source: Path) -> float:
    started = time.perf_counter()
    subprocess.run(["wc", "-l", str(source)], capture_output=True, check=True)
    return time.perf_counter() - started


def csv_module_read(source: Path) -> float:
    """Read every row with the csv module and touch the four mapped fields (no normalizing): one process."""
    started = time.perf_counter()
    touched = 0
    with source.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 6:
                touched += len(row[2]) + len(row[3]) + len(row[4]) + len(row[5])
    return time.perf_counter() - started


@dataclass(frozen=True)
class Report:
    rows: int
    size: int
    runs: list[Run]
    wc_seconds: float
    csv_seconds: float
    cores_available: float  # cores that perfectly parallel work got during the runs (csv readers, one per core)

    @property
    def values(self) -> int:
        return int(self.runs[0].summary["values_read"])

    @property
    def wall(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    def lines(self) -> list[str]:
        summary, values, cores = self.runs[0].summary, self.values, os.cpu_count() or 1
        rate = values / self.wall
        return [
            f"messy CSV: {self.rows:,} rows, {self.size / 1e6:,.1f} MB, {values:,} values in the mapped columns "
            f"({summary['exact_path_values'] / values:.1%} left to the app's exact normalizer), "
            f"{summary['entries']:,} pack entries",
            f"CSV -> pack, `pack build` as its own process, median of {len(self.runs)}: {self.wall:.2f} s = "
            f"{rate:,.0f} values/s   target >= {TARGET:,}",
            f"  runs: {', '.join(f'{run.seconds:.2f} s' for run in self.runs)}",
            f"  CPU time of the CLI and its workers, median: {self.cpu:.2f} s = {values / self.cpu:,.0f} values per "
            f"CPU-second (at most {values / self.cpu * cores:,.0f} values/s on {cores} idle cores)",
            f"  during the runs this machine gave perfectly parallel work (one csv reader per core) "
            f"{self.cores_available:.2f} of its {cores} cores; the build used {self.cpu / self.wall:.2f} on average",
            f"  baseline wc -l: {self.wc_seconds:.3f} s (pack build {self.wall / self.wc_seconds:,.0f}x); baseline csv "
            f"module reading the 4 fields in one process: {self.csv_seconds:.2f} s = "
            f"{values / self.csv_seconds:,.0f} values/s (pack build {self.wall / self.csv_seconds:.2f}x)",
        ]

    @property
    def met(self) -> bool:
        return self.values / self.wall >= TARGET


def measure(rows: int, runs: int, jobs: int | None = None, workdir: Path | None = None) -> Report:
    """Write the messy file, then time `runs` CLI builds and the two baselines on it."""
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=workdir) as tmp:
        work = Path(tmp)
        source = work / "messy.csv"
        size = write_messy(source, rows, seed=11)
        write_signing_key(work / "key")
        timed = []
        cores = []
        for _ in range(runs):  # interleaved, so each build has a measure of the machine beside it
            timed.append(cli_build(source, work, work / "key" / "publisher.key", jobs))
            wall, cpu = parallel_readers(source, os.cpu_count() or 1)
            cores.append(cpu / wall)
        wc = statistics.median(wc_lines(source) for _ in range(runs))
        reader = statistics.median(csv_module_read(source) for _ in range(runs))
    return Report(rows, size, timed, wc, reader, statistics.median(cores))


def parallel_readers(source: Path, count: int) -> tuple[float, float]:
    """`count` csv-module readers as separate processes at once: (wall seconds, their CPU seconds). Perfectly
    parallel work, so CPU / wall is how many cores this machine gives such work right now."""
    code = ("import csv,sys\n"
            "with open(sys.argv[1], encoding='utf-8', errors='surrogateescape', newline='') as h:\n"
            "    sum(len(r) for r in csv.reader(h))\n")  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", code, str(source)]) for _ in range(count)]
    for process in processes:
        process.wait()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="--jobs for pack build (default: its own, all cores)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates wall times)")
    report = measure(args.rows, args.runs, args.jobs, args.workdir)
    print("\n".join(report.lines()))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("target met" if report.met else "target NOT met (see the CPU-time line: the machine may be busy)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
