"""OPRF throughput: server evaluations per second per core (batched proofs), the builder's map, the client's cost.

Baseline, measured in the same run: one bare libsodium ristretto255 scalar multiplication (the floor of any
evaluation). Every step is timed as many short repetitions (one batch each): the best repetition is the uncontended cost
(what one dedicated core does), the median shows what this (shared) machine gives right now; the ratio to the
baseline is the number to compare across machines.
Target (DESIGN.md): >= 5,000 server evaluations/s per core, proofs batched. Since protocol version 2 every element a
client sends is evaluated under two keys (the epoch's matching key and the service's bucketing key, each with its
batch proof): the "protocol v2" rows are what one element of a real request costs.

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
    bucketing = oprf.generate_key_pair()
    points = [sodium.point_from_hash(os.urandom(64)) for _ in range(64)]
    scalar = sodium.scalar_random()
    inputs = [b"\x01+86138" + f"{i:08d}".encode() for i in range(64)]
    blinds = [sodium.scalar_random() for _ in range(8)]
    blinded8 = oprf.blind(inputs[:8], Mode.VOPRF, blinds=blinds)
    answer8 = oprf.blind_evaluate_verifiable(key, [b.element for b in blinded8])
    bucketing8 = oprf.blind_evaluate_verifiable(bucketing, [b.element for b in blinded8])

    def client() -> None:
        blinded = oprf.blind(inputs[:8], Mode.VOPRF, blinds=blinds)
        oprf.finalize_verifiable(inputs[:8], blinded, answer8[0], answer8[1], key.public)

    def client_v2() -> None:
        """What the lookup client does per batch: blind once, check both proofs, finalize under both keys."""
        blinded = oprf.blind(inputs[:8], Mode.VOPRF, blinds=blinds)
        oprf.finalize_verifiable(inputs[:8], blinded, answer8[0], answer8[1], key.public)
        oprf.finalize_verifiable(inputs[:8], blinded, bucketing8[0], bucketing8[1], bucketing.public)

    def server_v2() -> None:
        oprf.blind_evaluate_verifiable(key, points[:8])
        oprf.blind_evaluate_verifiable(bucketing, points[:8])

    steps: list[tuple[str, int, Callable[[], object]]] = [
        ("bare scalar multiplication (baseline)", 8, lambda: [sodium.scalarmult(scalar, p) for p in points[:8]]),
        ("server eval, batch  1 + 1 proof", 1, lambda: oprf.blind_evaluate_verifiable(key, points[:1])),
        ("server eval, batch  8 + 1 proof", 8, lambda: oprf.blind_evaluate_verifiable(key, points[:8])),
        ("server eval, batch 64 + 1 proof", 64, lambda: oprf.blind_evaluate_verifiable(key, points)),
        ("server eval v2, batch 8, two keys + 2 proofs", 8, server_v2),
        ("builder evaluate v1 (one key, no proof)", 8, lambda: [oprf.evaluate(key.secret, x) for x in inputs[:8]]),
        (
            "builder evaluate v2 (two keys, no proof)",
            8,
            lambda: evaluate_chunk((key.secret, bucketing.secret), [(x, (0,)) for x in inputs[:8]]),
        ),
        ("client blind + proof check + finalize (batch 8)", 8, client),
        ("client v2: both proofs + both outputs (batch 8)", 8, client_v2),
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
    for _ in evaluate_all((key.secret, bucketing.secret), chunks, workers=cores):
        pass
    elapsed = time.perf_counter() - start
    print(f"\nbuilder parallel map on {cores} cores: {total / elapsed:,.0f} evaluations/s ({total} in {elapsed:.2f} s)")
    for label, row in (("server, batch 8 (one key)", results[2]), ("server v2, batch 8 (both keys)", results[4])):
        median_rate, best_rate = 1 / row[1], 1 / row[2]
        verdict = "meets" if best_rate >= 5000 else "BELOW"
        print(
            f"{label}: {best_rate:,.0f} elements/s per core uncontended (best), {median_rate:,.0f} median "
            f"on this machine now; {row[2] / results[0][2]:.2f}x a bare multiplication -> {verdict} the "
            "5,000/s target"
        )


if __name__ == "__main__":
    main()
