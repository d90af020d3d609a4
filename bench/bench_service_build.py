#!/usr/bin/env python3
"""Lookup-service build: identifiers per second (wall and per CPU-second of the process tree, the evaluation
workers included) and peak temporary disk against the finished site (budget: 2x the site, issue 16.3).

    .venv/bin/python bench/bench_service_build.py                  # 10^6 phone numbers
    .venv/bin/python bench/bench_service_build.py --records 10000000 --stand-in-oprf

Temporary disk is the builder's scratch folder at its largest (the budget's measure, as for packs); the scratch
and the site are sampled together every 0.5 s (bench/disk_peak.py), so the free space a build needs (both at the
worst moment) is printed too.

`--stand-in-oprf` replaces the two OPRF evaluations (about 0.12 ms per identifier, 20 CPU-minutes at 10^7) by a
keyed BLAKE2b of the same output shape: every scratch file, bucket and count is the same size as with the real
evaluation, so the disk figures hold for it; the rates printed are then NOT the service build's rates (they say
so). Synthetic identifiers only, handed to build_site already normalized: the CSV reading and normalizing in
front of it is the same ingest both builders share, timed end to end by bench_ingest.py (about 3 µs per value
against 120 µs for the two evaluations), so this bench times the part that is the service build's own.
The machine is shared: wall-clock rates may be depressed by load; CPU-second
rates much less.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "server"), str(ROOT / "bench")]

from bench_spark import tree_cpu_seconds  # noqa: E402
from disk_peak import DiskPeak, tree_bytes  # noqa: E402

from exposurecheck.core.catalog import catalog_to_json, load_bundled_catalog  # noqa: E402
from exposurecheck.core.identifiers import Identifier, IdentifierType  # noqa: E402
from exposurecheck_server.keys import load_signing_key, write_bucketing_key, write_oprf_key, write_signing_key  # noqa: E402
from exposurecheck_server.service import evaluate  # noqa: E402
from exposurecheck_server.service.build import BuildSettings, build_site  # noqa: E402
from exposurecheck_server.service.keyfiles import load_bucketing_keypair, load_oprf_keypair  # noqa: E402

BUDGET = 2.0


def stand_in_batch(secrets: tuple[bytes, bytes], identifiers: list[bytes]) -> bytes:
    """The shape of evaluate_batch's result (4-byte prefix, 8-byte tag per identifier) at a fraction of its cost."""
    key = secrets[0] + secrets[1]
    return b"".join(hashlib.blake2b(data, digest_size=12, key=key).digest() for data in identifiers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--stand-in-oprf", action="store_true", help="measure disk only (see the module docstring)")
    args = parser.parse_args()
    if args.stand_in_oprf:
        evaluate.evaluate_batch = stand_in_batch  # forked evaluation workers inherit it
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates times)")
    with tempfile.TemporaryDirectory(prefix="bench-service-build-", dir=args.workdir) as tmp:
        work = Path(tmp)
        write_signing_key(work / "keys")
        write_oprf_key(work / "keys")
        write_bucketing_key(work / "keys")
        catalog = json.loads(catalog_to_json(load_bundled_catalog()))
        breach = next(b["id"] for b in catalog["breaches"] if not b.get("demo"))
        rng = random.Random(5)
        data = ((Identifier(IdentifierType.PHONE, f"+8613{rng.randrange(10**9):09d}"), breach)
                for _ in range(args.records))  # fmt: skip  (a generator: memory stays flat, as with a real input)
        settings = BuildSettings(
            oprf_key=load_oprf_keypair(work / "keys" / "oprf.key"),
            bucketing_key=load_bucketing_keypair(work / "keys" / "bucketing.key"),
            signing_keys=[load_signing_key(work / "keys" / "publisher.key")],
            catalog=catalog,
            sequence=1,
            workdir=work / "build",
        )
        (work / "build").mkdir()  # holds the scratch folder and the site, sampled together
        cpu_before = tree_cpu_seconds(os.getpid())
        started = time.perf_counter()
        # Every half second: summing a site of 16,384 files every 20 ms would take a core's worth of time from the
        # build (its CPU is subtracted, its contention for the GIL and the cores is not); the scratch changes slowly.
        with DiskPeak(work / "build", scratch_marker=".ec-service-build-", interval=0.5) as peak:
            summary = build_site(data, work / "build" / "site", settings)
        wall = time.perf_counter() - started
        cpu = tree_cpu_seconds(os.getpid()) - cpu_before - peak.sampler_cpu
        site_bytes = tree_bytes(work / "build" / "site")
        temporary = peak.scratch
        ratio = temporary / site_bytes
        print(f"records {args.records:,}, identifiers {summary.identifiers:,}, prefix bits {summary.prefix_bits}")
        label = "STAND-IN evaluation, not the real rate" if args.stand_in_oprf else "process tree"
        print(f"service build: wall {wall:.1f} s = {summary.identifiers / wall:,.0f} identifiers/s; CPU {cpu:.1f} s "
              f"({label}) = {summary.identifiers / cpu:,.0f} identifiers per CPU-second")
        print(f"site {site_bytes / 1e6:.1f} MB; temporary disk peak {temporary / 1e6:.1f} MB = {ratio:.2f}x the site"
              f"   budget <= {BUDGET}x; free space needed (scratch + site at the worst moment) "
              f"{peak.total / 1e6:.1f} MB = {peak.total / site_bytes:.2f}x the site")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak memory (resident): this process {own:,.0f} MB (the synthetic identifiers are made on the fly), "
              f"largest evaluation worker {workers:,.0f} MB")
        scale = 1e9 / summary.identifiers
        cost = "(stand-in: no core-hours)" if args.stand_in_oprf else f"{cpu * scale / 3600:,.0f} core-hours,"
        print(f"projected per 10^9 identifiers: {cost} site "
              f"{site_bytes * scale / 1e9:,.0f} GB, temporary {temporary * scale / 1e9:,.0f} GB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("budget met" if ratio <= BUDGET else "budget NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
