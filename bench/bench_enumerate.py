#!/usr/bin/env python3
"""What a pack costs someone who wants to read it: how fast every Chinese mobile number can be tested against it.

A pack's entries are keyed hashes (BLAKE2b keyed with the pack's salt), and the salt is in the pack: whoever holds
the file can hash every candidate number and look each one up. The phone space is small (about 1.6 billion numbers
in use: PROTOCOL-NOTES.md), so this is a matter of minutes. This benchmark measures it on this machine, in plain
Python (the slowest way an attacker would do it; C or a GPU is far faster), against a bare, unkeyed hashlib BLAKE2b
baseline measured in the same run: the ratio shows the pack's key costs an attacker nothing extra.

    .venv/bin/python bench/bench_enumerate.py            # ~20 s: 5 rounds of 2 s per measurement, 2 processes
    .venv/bin/python bench/bench_enumerate.py --seconds 1 --rounds 3

The figure quoted in README.md, docs/pack-format.md, docs/helpdesk.md and `pack build` output comes from this.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop")]

from exposurecheck.core.identifiers import IdentifierType  # noqa: E402
from exposurecheck.core.packs import format as fmt  # noqa: E402

CN_MOBILE_SPACE = 1.6e9  # numbers in use (PROTOCOL-NOTES.md); all 11-digit 1xx numbers are 10^10
PREFIX = b"\x01+86138"  # encode(): type byte, then the canonical E.164 form; the last 8 digits vary


def _trials(keyed: bool, seconds: float) -> float:
    """Hashes per second of `PREFIX + 8 digits`, as an enumeration loop would compute them."""
    salt = os.urandom(fmt.SALT_BYTES)
    base = fmt.tag_hasher(salt, IdentifierType.PHONE) if keyed else hashlib.blake2b(digest_size=fmt.TAG_BYTES)
    copy = base.copy
    done = 0
    number = 0
    end = time.perf_counter() + seconds
    start = time.perf_counter()
    while True:
        for _ in range(10_000):
            h = copy()
            h.update(PREFIX + b"%08d" % number)
            h.digest()
            number += 1
        done += 10_000
        if time.perf_counter() >= end:
            break
    return done / (time.perf_counter() - start)


def _parallel_rate(keyed: bool, seconds: float, processes: int) -> float:
    with multiprocessing.Pool(processes) as pool:
        return sum(pool.starmap(_trials, [(keyed, seconds)] * processes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=5, help="measurements of each kind (the median is reported)")
    parser.add_argument("--processes", type=int, default=2, help="cores to use (a 2-core laptop: 2)")
    args = parser.parse_args(argv)
    keyed, bare = [], []
    for _ in range(args.rounds):  # interleaved, so load on the machine affects both alike
        keyed.append(_parallel_rate(True, args.seconds, args.processes))
        bare.append(_parallel_rate(False, args.seconds, args.processes))
    keyed_rate, bare_rate = statistics.median(keyed), statistics.median(bare)
    minutes = CN_MOBILE_SPACE / keyed_rate / 60
    print(f"processes: {args.processes} (cores here: {os.cpu_count()}), rounds: {args.rounds} x {args.seconds:g} s")
    print(f"pack's keyed hash (BLAKE2b-64, salt from the pack): {keyed_rate / 1e6:.2f} M numbers/s (median)")
    print(f"bare hashlib BLAKE2b-64 baseline:                   {bare_rate / 1e6:.2f} M numbers/s (median)")
    print(f"keyed / bare: {keyed_rate / bare_rate:.2f}")
    print(f"every Chinese mobile number ({CN_MOBILE_SPACE:.1e}): {minutes:.1f} minutes in plain Python")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
