"""OPRF throughput: server evaluations per second per core (batched proofs), the builder's map, the client's cost.

Baseline, measured in the same run: one bare libsodium ristretto255 scalar multiplication (the floor of any
evaluation). Ratios say how many scalar multiplications' worth each step costs, which is comparable across noisy
machines; absolute figures are printed too. Target (DESIGN.md): >= 5,000 server evaluations/s per core, proofs
batched.

    .venv/bin/python bench/bench_oprf.py [--n 2000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

from exposurecheck.core.crypto import oprf, sodium
from exposurecheck.core.crypto.group import Mode
from exposurecheck_server.service.evaluate import evaluate_all, evaluate_chunk


def best_of(runs: int, fn: Callable[[], None]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000, help="elements per measurement")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    n = args.n - args.n % 8
    key = oprf.generate_key_pair()
    points = [sodium.point_from_hash(os.urandom(64)) for _ in range(n)]
    scalar = sodium.scalar_random()
    inputs = [b"\x01+86138" + f"{i:08d}".encode() for i in range(n)]

    def bare() -> None:
        for point in points:
            sodium.scalarmult(scalar, point)

    def batched(size: int) -> Callable[[], None]:
        def run() -> None:
            for start in range(0, n, size):
                oprf.blind_evaluate_verifiable(key, points[start : start + size])

        return run

    def builder() -> None:
        evaluate_chunk(key.secret, [(x, (0,)) for x in inputs])

    baseline = best_of(args.runs, bare) / n
    rows = [("bare scalar multiplication (baseline)", baseline)]
    for size in (1, 8, 64):
        rows.append((f"server eval, batch {size:>2} + 1 proof", best_of(args.runs, batched(size)) / n))
    rows.append(("builder evaluate (no blinding, no proof)", best_of(args.runs, builder) / n))

    # Client: blind + proof check + finalize per identifier. Blinds are fixed so the server's answers can be
    # computed beforehand and only the client's work is timed.
    blinds = [sodium.scalar_random() for _ in range(n)]
    answers = []
    for start in range(0, n, 8):
        blinded = oprf.blind(inputs[start : start + 8], Mode.VOPRF, blinds=blinds[start : start + 8])
        answers.append(oprf.blind_evaluate_verifiable(key, [b.element for b in blinded]))

    def client() -> None:
        for index, start in enumerate(range(0, n, 8)):
            chunk = inputs[start : start + 8]
            blinded = oprf.blind(chunk, Mode.VOPRF, blinds=blinds[start : start + 8])
            evaluated, proof = answers[index]
            oprf.finalize_verifiable(chunk, blinded, evaluated, proof, key.public)

    rows.append(("client blind + proof check + finalize (batch 8)", best_of(args.runs, client) / n))
    server8 = rows[2][1]

    print(f"{'step':48} {'us/element':>11} {'per s/core':>11} {'x baseline':>11}")
    for name, seconds in rows:
        print(f"{name:48} {seconds * 1e6:11.1f} {1 / seconds:11.0f} {seconds / baseline:11.2f}")

    cores = os.cpu_count() or 1
    chunks = [[(x, (0,)) for x in inputs[i : i + 250]] for i in range(0, n, 250)] * (2 * cores)
    total = sum(len(c) for c in chunks)
    start = time.perf_counter()
    for _ in evaluate_all(key.secret, chunks, workers=cores):
        pass
    elapsed = time.perf_counter() - start
    print(f"\nbuilder parallel map on {cores} cores: {total / elapsed:,.0f} evaluations/s ({total} in {elapsed:.2f} s)")
    per_core = 1 / server8
    verdict = "meets" if per_core >= 5000 else "BELOW"
    print(f"server, batch 8: {per_core:,.0f} evaluations/s per core -> {verdict} the 5,000/s target")


if __name__ == "__main__":
    main()
