"""The builder's OPRF evaluation as a parallel map: each record's input bytes → (32-bit prefix, 8-byte tag).

A pure function over independent chunks, so the same `evaluate_chunk` runs unchanged in a multiprocessing pool here
or as a Spark `mapPartitions` / Ray `map_batches` task on a cluster (docs/protocol.md, "Building at scale").
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence

from exposurecheck.core.crypto import oprf

Row = tuple[bytes, Sequence[int]]  # encoded identifier, breach indices
Result = tuple[int, bytes, Sequence[int]]  # first 32 bits of F, tag bytes 8..16 of F, breach indices

# The worker's copy of the secret scalar, set once by the pool initializer so it is not pickled with every chunk.
_worker_secret: bytes = b""


def evaluate_chunk(secret: bytes, rows: Sequence[Row]) -> list[Result]:
    """F(x) = VOPRF output for each row, reduced to what the buckets need."""
    results = []
    for data, breaches in rows:
        output = oprf.evaluate(secret, data)
        results.append((int.from_bytes(output[:4], "big"), output[8:16], breaches))
    return results


def _init_worker(secret: bytes) -> None:
    global _worker_secret
    _worker_secret = secret


def _pool_task(rows: Sequence[Row]) -> list[Result]:
    return evaluate_chunk(_worker_secret, rows)


def evaluate_all(secret: bytes, chunks: Iterable[Sequence[Row]], workers: int | None = None) -> Iterator[list[Result]]:
    """Evaluate every chunk, in order, on `workers` processes (default: every core)."""
    workers = workers or os.cpu_count() or 1
    try:
        # fork: the admin tool's __main__ is not import-safe for spawn, and a forked child re-imports nothing.
        context = multiprocessing.get_context("fork")
    except ValueError:
        workers = 1  # Windows has no fork: evaluate in this process (use a cluster for big builds there)
    if workers == 1:
        for chunk in chunks:
            yield evaluate_chunk(secret, chunk)
        return
    with context.Pool(workers, initializer=_init_worker, initargs=(secret,)) as pool:
        yield from pool.imap(_pool_task, chunks, chunksize=1)
