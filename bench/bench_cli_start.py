#!/usr/bin/env python3
"""CLI cold start: `exposure-check check --phone ... --source pack=demo.ecpack` against a bare Python process that
imports requests and cryptography (the floor any check pays), both run many times, interleaved, in this run.

Like hyperfine: a few warm-up runs (so both read the OS's file cache, which is what a person's second check
sees), then alternating runs of the two commands; the medians and their ratio are printed. Target (issue 16):
the check takes at most 1.3x the bare process. Interleaving makes load from other work on this shared machine
hit both sides alike, so the ratio holds up better than either time.

    .venv/bin/python bench/bench_cli_start.py [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.3


def commands(python: str, pack: Path) -> dict[str, list[str]]:
    return {
        "bare python + requests + cryptography": [python, "-c", "import requests, cryptography"],
        "exposure-check check --source pack=demo": [
            python, "-c", "import sys; from exposurecheck.cli.main import main; sys.exit(main())",
            "check", "--phone", "13800138000", "--source", f"pack={pack}",
        ],
    }  # fmt: skip


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one run of `argv`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per command")
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    pack = ROOT / "resources" / "packs" / "demo.ecpack"
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = {**os.environ, "EXPOSURECHECK_CONFIG_DIR": str(Path(tmp) / "config"), "HOME": tmp,
               "EXPOSURECHECK_PACK_DIRS": ""}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        todo = commands(sys.executable, pack)
        walls: dict[str, list[float]] = {name: [] for name in todo}
        cpus: dict[str, list[float]] = {name: [] for name in todo}
        for _ in range(args.warmup):
            for argv in todo.values():
                run_once(argv, env)
        for _ in range(args.runs):
            for name, argv in todo.items():
                wall, cpu = run_once(argv, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {args.runs} runs each, interleaved")
    for name in todo:
        low, _, high = statistics.quantiles(walls[name], n=4)
        cpu = statistics.median(cpus[name])
        print(f"{name}: wall median {statistics.median(walls[name]) * 1000:.0f} ms (quartiles "
              f"{low * 1000:.0f}-{high * 1000:.0f}), CPU median {cpu * 1000:.0f} ms")
    (bare_wall, check_wall), (bare_cpu, check_cpu) = (
        [statistics.median(series[name]) for name in todo] for series in (walls, cpus)
    )
    ratio, cpu_ratio = check_wall / bare_wall, check_cpu / bare_cpu
    # Wall time is what a person waits; CPU time is the same work measured without the other processes'
    # share of the two cores, so on a loaded machine it is the steadier of the two.
    print(f"ratio check / bare: wall {ratio:.2f}x, CPU {cpu_ratio:.2f}x   target <= {TARGET}x")
    print("target met" if ratio <= TARGET else "target NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
