#!/usr/bin/env python3
"""Pack format 2 at scale: bytes per entry at N (default 10^7) and projected to 10^9, the build's temporary disk
against its budget (1.2x the pack), and warm and cold lookups against a version-1 pack of the same identifiers
built in the same run (the baseline: "no slower than today's").

    .venv/bin/python bench/bench_pack_format.py               # 10 million records (about 2 minutes here)
    .venv/bin/python bench/bench_pack_format.py --records 1000000

Cold lookups: before each one the pack's pages are written out and dropped from the page cache (fsync, then
posix_fadvise DONTNEED on every file of the pack, which needs no privileges and leaves other people's caches
alone) and the pack is opened afresh the way the app opens a big pack (signature checked, body authenticated
lazily). Format 2 and the format-1 baseline take turns round by round, so load falls on both alike; each is timed
for the open, the first lookup and the two together, with the bytes read from storage (Linux: /proc/self/io).
Medians throughout.
The machine is shared: wall-clock figures may be depressed by load; CPU-time figures much less so.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLOWER = 1.1  # format 2 / format 1 lookup time allowed ("no slower than today's", with room for noise)
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "server"), str(ROOT / "scripts"), str(ROOT / "bench")]

import numpy as np  # noqa: E402
from bench_pack import identifiers, sample, timed_lookups  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402
from disk_peak import DiskPeak  # noqa: E402

from exposurecheck.core.catalog import Catalog, catalog_to_json, load_bundled_catalog  # noqa: E402
from exposurecheck.core.identifiers import IdentifierType  # noqa: E402
from exposurecheck.core.packs import format as fmt  # noqa: E402
from exposurecheck.core.packs.opening import FULL_CHECK_LIMIT, open_pack  # noqa: E402
from exposurecheck_server.pack.builder import build_pack  # noqa: E402
from exposurecheck_server.pack.writer import PackMeta, write_pack  # noqa: E402

BREACH = "demo_breach"
TEMP_BUDGET = 1.2


def projected_bytes_per_entry(counts: dict[str, int], target: int, catalog_bytes: int) -> float:
    """Bytes per entry of a version-2 pack of `target` entries with the same mix of types as `counts`."""
    total = sum(counts.values())
    specs = []
    for kind, count in sorted(counts.items()):
        entries = round(target * count / total)
        specs.append((IdentifierType(kind), 0, entries, fmt.v2_prefix_bits_for(entries)))
    body = fmt.layout_sections(specs)[1]
    head = fmt.head_length(900, catalog_bytes, -(-body // fmt.DEFAULT_CHUNK_SIZE))  # meta JSON ~900 bytes
    files = -(-(body + head) // fmt.FAT32_MAX_FILE)
    return (body + head + (files - 1) * fmt.PREAMBLE.size) / target


def v1_pack(folder: Path, salt: bytes, count: int, seed: int, key: Ed25519PrivateKey) -> Path:
    """The same identifiers in format version 1 (u64 tags, u64 index, u16 breach ids), as the old builder wrote."""
    digests = bytearray()
    for identifier in identifiers(count, seed):
        digests += fmt.keyed_tag(salt, identifier).to_bytes(8, "big")
    tags = np.unique(np.frombuffer(digests, dtype=">u8").astype(np.uint64))
    del digests
    bits = fmt.prefix_bits_for(len(tags))
    bounds = np.arange(1 << bits, dtype=np.uint64) << np.uint64(64 - bits) if bits else np.zeros(1, np.uint64)
    index = np.append(np.searchsorted(tags, bounds), len(tags)).astype("<u8")
    breaches = np.zeros(len(tags), dtype="<u2")
    catalog = Catalog([load_bundled_catalog()[BREACH]])
    meta = PackMeta(title="v1 baseline", demo=True, salt=salt, breaches=(BREACH,), types=("phone",),
                    counts={"phone": len(tags)}, entries=len(tags), chunk_size=fmt.DEFAULT_CHUNK_SIZE,
                    prefix_bits=bits, version=1)  # fmt: skip

    def body():
        yield index.tobytes()
        for start in range(0, len(tags), 1 << 20):
            yield tags[start : start + (1 << 20)].astype("<u8").tobytes()
        yield breaches.tobytes()

    return write_pack(folder / "v1.ecpack", meta=meta, catalog_json=catalog_to_json(catalog), body=body,
                      signing_key=key)[0]  # fmt: skip


def drop_from_page_cache(files: list[Path]) -> None:
    for path in files:
        fd = os.open(path, os.O_RDONLY)
        try:
            # DONTNEED skips dirty pages: a pack written seconds ago (the baseline is built just before its cold
            # rounds) would stay partly cached and look faster than it is, so write it out first.
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def read_bytes() -> int | None:
    """Bytes this process has had read from storage so far (Linux; None elsewhere): what a cold lookup costs."""
    try:
        with open("/proc/self/io") as io:
            return next(int(line.split()[1]) for line in io if line.startswith("read_bytes"))
    except (OSError, StopIteration):
        return None


@dataclass
class Cold:
    """Cold rounds of one pack: open ms, first lookup us, KiB read from storage by both."""

    opens: list[float] = field(default_factory=list)
    lookups: list[float] = field(default_factory=list)
    kib: list[float] = field(default_factory=list)

    def median(self, what: str) -> float:
        if what == "total":
            return statistics.median(o * 1000 + f for o, f in zip(self.opens, self.lookups, strict=True))
        return statistics.median(getattr(self, what)) if getattr(self, what) else float("nan")


def cold_lookups(packs: dict[str, list[Path]], public: bytes, values: list, rounds: int) -> dict[str, Cold]:
    """Per pack: each round drops the pack's pages, opens it afresh and looks one value up. The packs take turns
    round by round, so load on this shared machine falls on all of them alike."""
    results = {name: Cold() for name in packs}
    for value in values[:rounds]:
        for name, files in packs.items():
            drop_from_page_cache(files)
            before = read_bytes()
            started = time.perf_counter()
            reader = open_pack(files[0], extra_keys=[public], full_check=False)
            opened = time.perf_counter()
            reader.lookup(value)
            done = time.perf_counter()
            after = read_bytes()
            reader.close()
            cold = results[name]
            cold.opens.append((opened - started) * 1000)
            cold.lookups.append((done - opened) * 1e6)
            if before is not None and after is not None:
                cold.kib.append((after - before) / 1024)
    return results


def cold_line(cold: Cold) -> str:
    return (f"cold: open {cold.median('opens'):.1f} ms, first lookup {cold.median('lookups'):.0f} us, both "
            f"{cold.median('total') / 1000:.2f} ms, {cold.median('kib'):,.0f} KiB read (medians)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--lookups", type=int, default=20_000, help="warm lookups timed per pack (half present)")
    parser.add_argument("--cold", type=int, default=60, help="cold lookups per pack")
    parser.add_argument("--no-v1", action="store_true", help="skip the version-1 baseline pack")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    count, seed = args.records, 7
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (other work inflates times)")
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    with tempfile.TemporaryDirectory(prefix="bench-format-", dir=args.workdir) as tmp:
        work = Path(tmp)
        (work / "v2").mkdir()
        values_in = list(identifiers(count, seed))
        started, cpu = time.perf_counter(), time.process_time()
        with DiskPeak(work / "v2", scratch_marker=".ecpack-build-") as peak:
            result = build_pack(values_in, out=work / "v2" / "bench.ecpack", catalog=load_bundled_catalog(),
                                breach=BREACH, signing_key=key)  # fmt: skip
        build_s, build_cpu = time.perf_counter() - started, time.process_time() - cpu
        del values_in
        pack_bytes = sum(p.stat().st_size for p in result.files)
        per_entry = pack_bytes / result.entries
        with open_pack(result.files[0], extra_keys=[public]) as reader:
            salt = reader.salt
            catalog_bytes = len(reader.info.catalog_json)
            sections = reader.sections
        projected = projected_bytes_per_entry(result.counts, 10**9, catalog_bytes)
        scratch_ratio = peak.scratch / pack_bytes
        extra_ratio = (peak.total - pack_bytes) / pack_bytes

        print(f"records {result.records:,}, entries {result.entries:,}; sections: "
              + ", ".join(f"{s.type.value} {s.entries:,} ({s.prefix_bits} prefix bits)" for s in sections))
        print(f"build: {build_s:.1f} s wall, {build_cpu:.1f} s CPU = {result.records / build_cpu:,.0f} records per "
              f"CPU-second (identifiers made beforehand)")
        print(f"format 2 size at {result.entries:,} entries: {pack_bytes:,} bytes = {per_entry:.3f} bytes/entry")
        print(f"format 2 projected to 10^9 entries (same type mix): {projected:.3f} bytes/entry   target <= 7")
        print(f"temporary disk: scratch peak {peak.scratch:,} bytes = {scratch_ratio:.2f}x the pack; peak of "
              f"scratch + output beyond the finished pack = {extra_ratio:.2f}x   budget <= {TEMP_BUDGET}x")

        values = sample(count, seed, args.lookups // 2)
        files2 = list(result.files)
        with open_pack(files2[0], extra_keys=[public], full_check=True) as reader:
            warm2 = timed_lookups(reader.lookup, values)
            hits2 = sum(1 for v in values if reader.lookup(v))
        print(f"format 2 warm lookup: median {statistics.median(warm2):.2f} us ({hits2} of {len(values)} found)")
        ok = per_entry <= 7 and projected <= 7 and scratch_ratio <= TEMP_BUDGET and extra_ratio <= TEMP_BUDGET
        cold_packs = {"2": files2}
        if not args.no_v1:
            (work / "v1").mkdir()
            v1_path = v1_pack(work / "v1", salt, count, seed, key)
            v1_bytes = v1_path.stat().st_size
            with open_pack(v1_path, extra_keys=[public], full_check=True) as reader:
                warm1 = timed_lookups(reader.lookup, values)
                hits1 = sum(1 for v in values if reader.lookup(v))
            print(f"format 1 (baseline, same identifiers): {v1_bytes / result.entries:.3f} bytes/entry; warm lookup "
                  f"median {statistics.median(warm1):.2f} us ({hits1} found)")
            cold_packs["1"] = [v1_path]
        # values is the sample's members, then as many non-members: cold rounds alternate one of each.
        cold_values = [v for pair in zip(values, values[::-1], strict=True) for v in pair]
        print(f"cold rounds: {args.cold} per pack, formats taking turns, load average {os.getloadavg()[0]:.2f}")
        if pack_bytes <= FULL_CHECK_LIMIT:
            # The cold rounds open with full_check=False, the app's path for big packs only (opening.py).
            print(f"note: the app authenticates a pack of at most {FULL_CHECK_LIMIT >> 20} MiB in full when it opens "
                  "it; these cold rounds time the lazy open of bigger packs, not what the app does with this one")
        cold = cold_lookups(cold_packs, public, cold_values, args.cold)
        print(f"format 2 {cold_line(cold['2'])}")
        if not args.no_v1:
            print(f"format 1 {cold_line(cold['1'])}")
            ratio = statistics.median(warm2) / statistics.median(warm1)
            cold_ratio = cold["2"].median("lookups") / cold["1"].median("lookups")
            cold_total = cold["2"].median("total") / cold["1"].median("total")
            print(f"ratios format 2 / format 1: size {pack_bytes / v1_bytes:.2f}x, warm lookup {ratio:.2f}x, "
                  f"cold first lookup {cold_ratio:.2f}x, cold open + first lookup {cold_total:.2f}x   target: "
                  f"lookups no slower than format 1 (<= {SLOWER}x, warm and cold open + first lookup)")
            # "No slower than today's" holds for cold lookups too: the figure used to be printed but not judged, so
            # a run with cold lookups 1.5x slower still ended "targets met". What a person sees cold is the open and
            # the first lookup together; the first lookup alone is one or two chunk reads in both formats (each
            # reads its index when opened), about 0.3 ms at 10^6 where its ratio wanders 0.84-1.15x between runs.
            ok = ok and hits1 == hits2 and ratio <= SLOWER and cold_total <= SLOWER
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("targets met" if ok else "targets NOT all met")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("EXPOSURECHECK_PACK_DIRS", "")
    sys.exit(main())
