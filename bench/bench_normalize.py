"""Normalize + encode + hash throughput, against a bare hashlib.sha1 loop measured in the same run.

Prints identifiers per second for each type and the ratio to the bare loop (how many times slower the full path is
than hashing alone). The machines are shared and noisy: compare ratios, not absolute figures.

    .venv/bin/python bench/bench_normalize.py [--n 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time
from collections.abc import Callable

from exposurecheck.core.identifiers import IdentifierType, encode, normalize
from exposurecheck.core.identifiers.cn_id import check_character


def _inputs(kind: IdentifierType, n: int, rng: random.Random) -> list[str]:
    if kind is IdentifierType.PHONE:
        prefixes = ["138", "139", "150", "158", "186", "189", "177", "199"]
        return [f"+86 {rng.choice(prefixes)} {rng.randrange(10**8):08d}" for _ in range(n)]
    if kind is IdentifierType.EMAIL:
        return [f"User.{rng.randrange(10**6)}@Example{rng.randrange(100)}.com" for _ in range(n)]
    if kind is IdentifierType.CN_ID:
        out = []
        for _ in range(n):
            born = f"{rng.randrange(1950, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            first17 = f"110105{born}{rng.randrange(1000):03d}"
            out.append(first17 + check_character(first17))
        return out
    return [f"Ｕｓｅｒ{rng.randrange(10**6)}" for _ in range(n)]


def _best_of(runs: int, fn: Callable[[], None]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(1)
    print(f"{'type':10} {'ids/s':>12} {'bare sha1/s':>12} {'ratio':>7}")
    ratios = []
    for kind in (IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME):
        values = _inputs(kind, args.n, rng)
        raw_bytes = [v.encode() for v in values]

        def full(values: list[str] = values, kind: IdentifierType = kind) -> None:
            for value in values:
                hashlib.sha256(encode(normalize(kind, value))).digest()

        def bare(raw_bytes: list[bytes] = raw_bytes) -> None:
            for value in raw_bytes:
                hashlib.sha1(value, usedforsecurity=False).digest()

        t_full = _best_of(args.runs, full)
        t_bare = _best_of(args.runs, bare)
        ratio = t_full / t_bare
        ratios.append(ratio)
        print(f"{kind.value:10} {args.n / t_full:12,.0f} {args.n / t_bare:12,.0f} {ratio:7.1f}x")
    print(f"median ratio (full path / bare sha1): {statistics.median(ratios):.1f}x")


if __name__ == "__main__":
    main()
