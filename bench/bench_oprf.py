"""OPRF throughput: server evaluations per second per core (batched proofs), the builder's map, the client's cost.

Baseline, measured in the same run: one bare libsodium ristretto255 scalar multiplication (the floor of any
evaluation). Every step is timed as many short repetitions (one batch each): the best repetition is the uncontended cost
(what one dedicated core does), the median shows what this (shared) machine gives right now; the ratio to the
baseline is the number to compare across machines.
Target (DESIGN.md): >= 5,000 server evaluations/s per core, proofs batched.

    .venv/bin/python bench/bench_oprf.py [--repeats 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from exposurecheck.core.crypto import oprf, sodium
from exposurecheck.core.crypto.group import Mode
from exposurecheck_server.service.evaluate import evaluate_all, evaluate_chunk


def per_element(repeats: int, elements: int, fn: Callable[[], object]) -> tuple[float, float]:
    """(median, best) seconds per element over `repeats` calls of `fn`, each handling `elements` elements."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) / elements)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=300, help="timed repetitions per step")
    args = parser.parse_args()
    key = oprf.generate_key_pair()
    points = [sodium.point_from_hash(os.urandom(64)) for _ in range(64)]
    scalar = sodium.scalar_random()
    inputs = [b"\x01+86138" + f"{i:08d}".encode() for i in range(64)]
    blinds = [sodium.scalar_random() for _ in range(8)]
    blinded8 = oprf.blind(inputs[:8], Mode.VOPRF, blinds=blinds)
    answer8 = oprf.blind_evaluate_verifiable(key, [b.element for b in blinded8])

    def client() -> None:
        blinded = oprf.blind(inputs[:8], Mode.VOPRF, blinds=blinds)
        oprf.finalize_verifiable(inputs[:8], blinded, answer8[0], answer8[1], key.public)

    steps: list[tuple[str, int, Callable[[], object]]] = [
        ("bare scalar multiplication (baseline)", 8, lambda: [sodium.scalarmult(scalar, p) for p in points[:8]]),
        ("server eval, batch  1 + 1 proof", 1, lambda: oprf.blind_evaluate_verifiable(key, points[:1])),
        ("server eval, batch  8 + 1 proof", 8, lambda: oprf.blind_evaluate_verifiable(key, points[:8])),
        ("server eval, batch 64 + 1 proof", 64, lambda: oprf.blind_evaluate_verifiable(key, points)),
        (
            "builder evaluate (no blinding, no proof)",
            8,
            lambda: evaluate_chunk(key.secret, [(x, (0,)) for x in inputs[:8]]),
        ),
        ("client blind + proof check + finalize (batch 8)", 8, client),
    ]
    results = [(name, *per_element(args.repeats, n, fn)) for name, n, fn in steps]
    baseline = results[0][1]
    print(f"{'step':48} {'median us':>10} {'best us':>8} {'per s/core':>11} {'x baseline':>11}")
    for name, median, best in results:
        print(f"{name:48} {median * 1e6:10.1f} {best * 1e6:8.1f} {1 / median:11.0f} {median / baseline:11.2f}")

    cores = os.cpu_count() or 1
    chunks = [
        [(bytes([1]) + f"+86139{i:08d}".encode(), (0,)) for i in range(s, s + 250)] for s in range(0, 1000 * cores, 250)
    ]
    total = sum(len(c) for c in chunks)
    start = time.perf_counter()
    for _ in evaluate_all(key.secret, chunks, workers=cores):
        pass
    elapsed = time.perf_counter() - start
    print(f"\nbuilder parallel map on {cores} cores: {total / elapsed:,.0f} evaluations/s ({total} in {elapsed:.2f} s)")
    median_rate, best_rate = 1 / results[2][1], 1 / results[2][2]
    verdict = "meets" if best_rate >= 5000 else "BELOW"
    print(
        f"server, batch 8: {best_rate:,.0f} evaluations/s per core uncontended (best), {median_rate:,.0f} median "
        f"on this machine now; {results[2][2] / results[0][2]:.2f}x a bare multiplication -> {verdict} the "
        "5,000/s target"
    )


if __name__ == "__main__":
    main()
