#!/usr/bin/env python3
"""Offline pack benchmark: build rate, bytes per entry and warm lookup time, against SQLite on the same tags.

Both are built and queried in this run, on this machine, so the ratios mean something even where absolute times
are noisy. Synthetic identifiers only (valid-looking CN mobiles, ID numbers, emails, usernames), generated
lazily so memory stays flat.

Two build figures, labelled apart: the real operator path (a messy CSV through `exposure-check-admin pack build` as
its own process: reading, encoding detection, normalizing, hashing, sorting, signing; bench_ingest.py, with its
own baselines), and the builder alone on pre-made canonical identifiers (no CSV, no normalizing, in this process).

    .venv/bin/python bench/bench_pack.py               # 10 million records, and a 1,000,000-row CSV (minutes)
    .venv/bin/python bench/bench_pack.py --quick       # 300,000 records, and a 200,000-row CSV
    .venv/bin/python bench/bench_pack.py --csv-rows 0  # without the CSV path

Targets (DESIGN.md section 8, issue 16): <= 10.5 bytes per entry, <= 10 us median warm lookup, >= 300k values/s
from a messy CSV end to end.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "server"), str(ROOT / "scripts"), str(ROOT / "bench")]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402
from make_synthetic_breach import MOBILE_PREFIXES, REGION_CODES, check_character  # noqa: E402

from exposurecheck.core.catalog import load_bundled_catalog  # noqa: E402
from exposurecheck.core.identifiers import Identifier, IdentifierType  # noqa: E402
from exposurecheck.core.packs import format as fmt  # noqa: E402
from exposurecheck.core.packs.opening import open_pack  # noqa: E402
from exposurecheck_server.pack.builder import build_pack  # noqa: E402

PHONE, EMAIL = IdentifierType.PHONE, IdentifierType.EMAIL
CN_ID, USERNAME = IdentifierType.CN_ID, IdentifierType.USERNAME


def identifiers(count: int, seed: int) -> Iterator[Identifier]:
    """Canonical synthetic identifiers: 55% phones, 20% ID numbers, 15% emails, 10% usernames."""
    rng = random.Random(seed)
    prefixes, regions = MOBILE_PREFIXES, REGION_CODES
    for _ in range(count):
        roll = rng.random()
        if roll < 0.55:
            yield Identifier(PHONE, f"+86{rng.choice(prefixes)}{rng.randrange(10**8):08d}")
        elif roll < 0.75:
            born = f"19{rng.randrange(50, 100)}0{rng.randrange(1, 10)}1{rng.randrange(10)}"
            first17 = f"{rng.choice(regions)}{born}{rng.randrange(1000):03d}"
            yield Identifier(CN_ID, first17 + check_character(first17))
        elif roll < 0.90:
            yield Identifier(EMAIL, f"user{rng.getrandbits(40):x}@example.com")
        else:
            yield Identifier(USERNAME, f"name_{rng.getrandbits(36):x}")


def sample(count: int, seed: int, take: int) -> list[Identifier]:
    """`take` identifiers from the built set (spread through it) plus as many that are not in it."""
    every = max(1, count // take)
    present = [ident for i, ident in enumerate(identifiers(count, seed)) if i % every == 0][:take]
    absent = list(identifiers(take, seed + 1))
    return present + absent


def timed_lookups(function, values: list[Identifier]) -> list[float]:
    for value in values:  # warm: pages in, chunks authenticated
        function(value)
    times = []
    clock = time.perf_counter_ns
    for value in values:
        start = clock()
        function(value)
        times.append((clock() - start) / 1000)
    return times


def build_sqlite(path: Path, salt: bytes, count: int, seed: int) -> float:
    """SQLite with the same keyed tags (as signed 64-bit ints), deduplicated and indexed; returns build seconds.

    The tags are computed again from the same identifiers: a format-2 pack stores only part of each tag.
    """
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE entries (tag INTEGER NOT NULL, breach INTEGER NOT NULL)")
    tags = sorted({fmt.keyed_tag(salt, identifier) for identifier in identifiers(count, seed)})
    step = 100_000
    for lo in range(0, len(tags), step):
        db.executemany("INSERT INTO entries VALUES (?, ?)", ((tag - (1 << 63), 0) for tag in tags[lo : lo + step]))
    db.execute("CREATE INDEX entries_tag ON entries (tag)")
    db.commit()
    db.close()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--quick", action="store_true", help="300,000 records")
    parser.add_argument("--lookups", type=int, default=20_000, help="lookups timed per store (half present)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--csv-rows", type=int, default=None,
                        help="rows of the messy CSV built through the CLI (default 1,000,000, --quick 200,000)")
    parser.add_argument("--csv-runs", type=int, default=3, help="CLI builds of the CSV (the median is reported)")
    args = parser.parse_args()
    count = 300_000 if args.quick else args.records
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates times)")
    seed = 7
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with tempfile.TemporaryDirectory(prefix="bench-pack-", dir=args.workdir) as tmp:
        work = Path(tmp)
        # CPU time is measured too: on a shared machine the wall clock mostly measures the other processes. The
        # build runs in this one process, so its CPU time is what it would take on an idle machine.
        # The identifiers are made before the clock starts (about 200 bytes each in memory: ~2 GB at 10 million)
        # so that the figures are the builder's, not the synthetic generator's.
        started = time.perf_counter()
        values_in = list(identifiers(count, seed))
        generate_s = time.perf_counter() - started
        started, cpu = time.perf_counter(), time.process_time()
        result = build_pack(values_in, out=work / "bench.ecpack", catalog=load_bundled_catalog(),
                            breach="demo_breach", signing_key=key)  # fmt: skip
        build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
        del values_in
        pack_bytes = sum(p.stat().st_size for p in result.files)

        started = time.perf_counter()
        reader = open_pack(result.files[0], extra_keys=[public], full_check=False)
        open_s = time.perf_counter() - started
        started = time.perf_counter()
        reader.verify_all()
        verify_s = time.perf_counter() - started
        values = sample(count, seed, args.lookups // 2)
        with open_pack(result.files[0], extra_keys=[public]) as as_the_app_opens_it:
            # Big packs are opened lazily: each chunk is authenticated on first touch (the warm-up pass).
            lazy_times = timed_lookups(as_the_app_opens_it.lookup, values)
        pack_times = timed_lookups(reader.lookup, values)
        hits = sum(1 for v in values if reader.lookup(v))

        sqlite_path = work / "bench.sqlite"
        sqlite_build_s = build_sqlite(sqlite_path, reader.salt, count, seed)
        sqlite_bytes = sqlite_path.stat().st_size
        db = sqlite3.connect(sqlite_path)
        query = db.execute
        salt = reader.salt

        def sqlite_lookup(value: Identifier) -> list:
            signed = fmt.keyed_tag(salt, value) - (1 << 63)
            return query("SELECT breach FROM entries WHERE tag = ?", (signed,)).fetchall()

        sqlite_times = timed_lookups(sqlite_lookup, values)
        sqlite_hits = sum(1 for v in values if sqlite_lookup(v))
        db.close()
        reader.close()

    pack_median, sqlite_median = statistics.median(pack_times), statistics.median(sqlite_times)
    per_entry = pack_bytes / result.entries
    build_rate = result.records / build_s
    print(f"records fed: {result.records:,} (generated beforehand in {generate_s:.1f} s, not counted)")
    print(f"entries after dedupe: {result.entries:,}; prefix bits {result.prefix_bits}; files {len(result.files)}")
    cpu_rate = result.records / max(build_cpu, 1e-9)
    print(f"pack build from pre-made identifiers (no CSV, no normalizing, in this process): wall clock "
          f"{build_s:.1f} s = {build_rate:,.0f} records/s; CPU time {build_cpu:.1f} s = {cpu_rate:,.0f} records per "
          f"CPU-second")
    print(f"pack size: {pack_bytes:,} bytes = {per_entry:.3f} bytes/entry   target <= 10.5")
    print(f"pack open (signature, lazy body): {open_s * 1000:.1f} ms; verify every byte: {verify_s:.2f} s")
    print(f"pack warm lookup: median {pack_median:.2f} us, p99 {_p99(pack_times):.2f} us "
          f"({hits} of {len(values)} found)   target <= 10 us")
    print(f"pack warm lookup as the app opens it (chunks authenticated on first touch): median "
          f"{statistics.median(lazy_times):.2f} us, p99 {_p99(lazy_times):.2f} us")
    print(f"sqlite build (from the same tags, indexed): {sqlite_build_s:.1f} s; size {sqlite_bytes:,} bytes = "
          f"{sqlite_bytes / result.entries:.2f} bytes/entry")
    print(f"sqlite warm lookup: median {sqlite_median:.2f} us, p99 {_p99(sqlite_times):.2f} us ({sqlite_hits} found)")
    print(f"ratios pack/sqlite: lookup time {pack_median / sqlite_median:.2f}x, size {pack_bytes / sqlite_bytes:.2f}x")
    slowest_median = max(pack_median, statistics.median(lazy_times))
    ok = per_entry <= 10.5 and slowest_median <= 10 and hits == sqlite_hits
    csv_rows = args.csv_rows if args.csv_rows is not None else (200_000 if args.quick else 1_000_000)
    if csv_rows:
        from bench_ingest import measure

        report = measure(csv_rows, args.csv_runs, workdir=args.workdir)
        print("\n".join(report.lines()))
        ok = ok and report.met
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("targets met" if ok else "targets NOT all met")
    return 0


def _p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99)]


if __name__ == "__main__":
    os.environ.setdefault("EXPOSURECHECK_PACK_DIRS", "")
    sys.exit(main())
