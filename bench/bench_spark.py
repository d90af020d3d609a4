#!/usr/bin/env python3
"""Spark local[2] against the local engine, in this run, on this machine: the same messy CSV rows built into a pack
by both, then (fewer rows: the OPRF costs about 0.12 ms per identifier) into a lookup-service site by both. Prints
wall time, CPU time of the whole process tree (the JVM and Spark's Python workers included), values per second,
peak scratch disk, and the cost per 10^9 identifiers they imply.

    .venv/bin/python bench/bench_spark.py                              # pack: 10^6 rows; service: 10^5 rows
    .venv/bin/python bench/bench_spark.py --rows 200000 --service-rows 20000
    .venv/bin/python bench/bench_spark.py --only service

Each input is one file: Spark reads it in ingest's blocks, as many tasks as blocks. The engines use the same
ingest, normalizer, OPRF code and bucket writer, so the difference is the engine: Spark's start-up (a JVM, ~10 s,
paid once per process: the first Spark job here pays it; each job starts its own Spark session), moving data
through Arrow and shuffles, against one process with a worker pool. On a cluster the Spark figures scale with
executors; the local engine does not. The machine is shared: wall times may be depressed by load, CPU seconds much
less.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "server"), str(ROOT / "scripts"), str(ROOT / "bench")]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from disk_peak import DiskPeak, tree_bytes  # noqa: E402
from make_synthetic_breach import rows as fake_rows  # noqa: E402
from make_synthetic_breach import write  # noqa: E402

from exposurecheck.core.catalog import catalog_to_json, load_bundled_catalog  # noqa: E402
from exposurecheck.core.crypto import oprf  # noqa: E402
from exposurecheck_server.ingest import IngestOptions, IngestStats, iter_identifiers, parse_map  # noqa: E402
from exposurecheck_server.keys import write_bucketing_key, write_oprf_key  # noqa: E402
from exposurecheck_server.pack.builder import build_pack  # noqa: E402
from exposurecheck_server.service.build import BuildSettings, build_site  # noqa: E402

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


def measure(label: str, folder: Path, marker: str, run, *, spark: bool = False) -> tuple[float, float, int, object]:
    """Wall, CPU of the process tree, scratch peak and result of `run()`. With `spark`, a Spark session is started
    inside the timing (the job uses it, as it would use spark-submit's) and stopped only after the CPU time is
    read: stopping it ends Spark's Python workers, whose CPU time would then leave the process tree uncounted."""
    cpu_before = tree_cpu_seconds(os.getpid())
    started = time.perf_counter()
    with DiskPeak(folder, scratch_marker=marker) as peak:
        session = None
        if spark:
            from exposurecheck_server.spark.session import spark_session

            session = spark_session(folder / f"{marker}session", "local[2]")
        result = run()
        cpu = tree_cpu_seconds(os.getpid()) - cpu_before
        if session is not None:
            session.stop()
    wall = time.perf_counter() - started
    cpu -= peak.sampler_cpu  # the disk sampler's own work is not the build's
    return wall, cpu, peak.scratch, result


def pack_section(args: argparse.Namespace, work: Path, catalog: object) -> None:
    from exposurecheck_server.spark.pack_job import build_pack_spark

    key = Ed25519PrivateKey.generate()
    paths = make_inputs(work, args.rows, args.files)
    (work / "local").mkdir()
    (work / "spark").mkdir()

    def local():
        stats = IngestStats()
        values = iter_identifiers(paths, "csv", parse_map(MAP), stats=stats, jobs=2)
        return build_pack(values, out=work / "local" / "p.ecpack", catalog=catalog, breach="demo_breach",
                          signing_key=key)  # fmt: skip

    def spark():
        options = IngestOptions(paths=tuple(paths), fmt="csv", mapping=parse_map(MAP))
        return build_pack_spark(options, out=work / "spark" / "p.ecpack", catalog=catalog, breach="demo_breach",
                                signing_key=key, master="local[2]")  # fmt: skip

    figures = {
        "local engine (2 processes)": measure("local", work / "local", ".ecpack-build-", local),
        "spark local[2]": measure("spark", work / "spark", ".ecpack-spark-", spark, spark=True),
    }
    results = [figure[3] for figure in figures.values()]
    same = results[0].entries == results[1].entries and results[0].counts == results[1].counts
    values = results[0].records
    print(
        f"PACK BUILD. input: {args.rows:,} rows in {args.files} file(s), {values:,} valid values, "
        f"{results[0].entries:,} entries after dedupe; same entries per type in both packs: {same}"
    )
    for name, (wall, cpu, scratch, result) in figures.items():
        pack_bytes = sum(p.stat().st_size for p in result.files)
        print(
            f"{name}: wall {wall:.1f} s = {values / wall:,.0f} values/s; CPU {cpu:.1f} s (process tree) = "
            f"{values / cpu:,.0f} values per CPU-second; scratch peak {scratch / 1e6:.1f} MB "
            f"({scratch / pack_bytes:.2f}x the pack)"
        )
        print(
            f"   per 10^9 values: {cpu * BILLION / values / 3600:,.1f} core-hours, scratch "
            f"{scratch * BILLION / values / 1e9:,.0f} GB, pack {pack_bytes * BILLION / values / 1e9:,.1f} GB"
        )
    (local_wall, local_cpu, _s, _r), (spark_wall, spark_cpu, _s2, _r2) = figures.values()
    print(f"ratio spark / local: wall {spark_wall / local_wall:.2f}x, CPU {spark_cpu / local_cpu:.2f}x")


def service_section(args: argparse.Namespace, work: Path, catalog: object) -> None:
    from exposurecheck_server.spark.service_job import ExecutorKeys, build_site_spark

    folder = work / "service"
    folder.mkdir()
    paths = make_inputs(folder, args.service_rows, 1)
    write_oprf_key(folder)
    write_bucketing_key(folder)
    from exposurecheck_server.service.keyfiles import load_bucketing_keypair, load_oprf_keypair

    settings = BuildSettings(
        oprf_key=load_oprf_keypair(folder / "oprf.key"),
        bucketing_key=load_bucketing_keypair(folder / "bucketing.key"),
        signing_keys=[Ed25519PrivateKey.generate()],
        catalog=json.loads(catalog_to_json(catalog)),
        sequence=1,
        workers=2,
    )
    (folder / "local").mkdir()
    (folder / "spark").mkdir()

    def local():
        stats = IngestStats()
        values = iter_identifiers(paths, "csv", parse_map(MAP), stats=stats, jobs=2)
        local_settings = dataclasses.replace(settings, workdir=folder / "local")
        return build_site(((v, "demo_breach") for v in values), folder / "local" / "site", local_settings)

    def spark():
        options = IngestOptions(paths=tuple(paths), fmt="csv", mapping=parse_map(MAP))
        keys = ExecutorKeys(str(folder / "oprf.key"), str(folder / "bucketing.key"))
        spark_settings = dataclasses.replace(settings, workdir=folder / "spark")
        return build_site_spark(options, folder / "spark" / "site", spark_settings, "demo_breach", keys)

    figures = {
        "local engine (2 processes)": measure("local", folder / "local", ".ec-service-build-", local),
        "spark local[2]": measure("spark", folder / "spark", ".ec-service-spark-", spark, spark=True),
    }
    results = [figure[3] for figure in figures.values()]
    same = (results[0].identifiers, results[0].records) == (results[1].identifiers, results[1].records)
    identifiers = results[0].identifiers
    print(
        f"SERVICE BUILD. input: {args.service_rows:,} rows in 1 file, {identifiers:,} distinct identifiers, "
        f"{results[0].buckets:,} buckets; same identifiers and entries in both sites: {same}"
    )
    for (name, (wall, cpu, scratch, _summary)), sub in zip(figures.items(), ("local", "spark"), strict=True):
        site_bytes = tree_bytes(folder / sub / "site")
        scale = BILLION / identifiers
        print(
            f"{name}: wall {wall:.1f} s = {identifiers / wall:,.0f} identifiers/s; CPU {cpu:.1f} s (process tree) "
            f"= {identifiers / cpu:,.0f} identifiers per CPU-second; scratch peak {scratch / 1e6:.1f} MB "
            f"({scratch / site_bytes:.2f}x the site)"
        )
        print(
            f"   per 10^9 identifiers: {cpu * scale / 3600:,.1f} core-hours, "
            f"scratch {scratch * scale / 1e9:,.0f} GB, site {site_bytes * scale / 1e9:,.1f} GB"
        )
    (local_wall, local_cpu, _s, _r), (spark_wall, spark_cpu, _s2, _r2) = figures.values()
    print(f"ratio spark / local: wall {spark_wall / local_wall:.2f}x, CPU {spark_cpu / local_cpu:.2f}x")
    print(f"(the OPRF alone: about {oprf_seconds() * 1e6:.0f} us per identifier for both keys on one core now)")


def oprf_seconds() -> float:
    """Median seconds for both evaluations of one identifier, on this core, now (for reading the figures above)."""
    key, bucketing = oprf.generate_key_pair(), oprf.generate_key_pair()
    times = []
    for n in range(7):
        started = time.perf_counter()
        for i in range(200):
            oprf.evaluate_with_keys((key.secret, bucketing.secret), b"\x01+8613800%06d" % (n * 1000 + i))
        times.append((time.perf_counter() - started) / 200)
    return sorted(times)[len(times) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="pack build rows (4 values each)")
    parser.add_argument("--service-rows", type=int, default=100_000, help="service build rows (4 values each)")
    parser.add_argument("--files", type=int, default=1, help="input files for the pack build (any number works)")
    parser.add_argument("--only", choices=("pack", "service"), default=None)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates times)")
    catalog = load_bundled_catalog()
    with tempfile.TemporaryDirectory(prefix="bench-spark-", dir=args.workdir) as tmp:
        if args.only != "service":
            pack_section(args, Path(tmp), catalog)
            print(f"load average: {os.getloadavg()[0]:.2f}")
        if args.only != "pack":
            service_section(args, Path(tmp), catalog)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("EXPOSURECHECK_PACK_DIRS", "")
    sys.exit(main())
