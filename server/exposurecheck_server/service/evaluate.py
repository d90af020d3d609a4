"""The builder's OPRF evaluation as a parallel map: each record's input bytes → (32-bit bucketing prefix, 8-byte tag).

A pure function over independent chunks, so the same `evaluate_chunk` runs unchanged in a multiprocessing pool here
or as a Spark `mapPartitions` / Ray `map_batches` task on a cluster (docs/protocol.md, "Building at scale").
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence

from exposurecheck.core.crypto import oprf
from exposurecheck.core.protocol import bucket as buckets

Row = tuple[bytes, Sequence[int]]  # encoded identifier, breach indices
Result = tuple[int, bytes, Sequence[int]]  # first 32 bits of the bucketing output, tag, breach indices
Secrets = tuple[bytes, bytes]  # (matching key of the epoch, the service's bucketing key)

# The worker's copy of the secret scalars, set once by the pool initializer so they are not pickled with every chunk.
_worker_secrets: Secrets = (b"", b"")


def evaluate_chunk(secrets: Secrets, rows: Sequence[Row]) -> list[Result]:
    """Both VOPRF outputs for each row (hash-to-group once), reduced to what the buckets need."""
    results = []
    for data, breaches in rows:
        matching, bucketing = oprf.evaluate_with_keys(secrets, data)
        results.append((int.from_bytes(bucketing[:4], "big"), buckets.tag_of(matching), breaches))
    return results


def _init_worker(secrets: Secrets) -> None:
    global _worker_secrets
    _worker_secrets = secrets


def _pool_task(rows: Sequence[Row]) -> list[Result]:
    return evaluate_chunk(_worker_secrets, rows)


def evaluate_all(
    secrets: Secrets, chunks: Iterable[Sequence[Row]], workers: int | None = None
) -> Iterator[list[Result]]:
    """Evaluate every chunk, in order, on `workers` processes (default: every core)."""
    workers = workers or os.cpu_count() or 1
    try:
        # fork: the admin tool's __main__ is not import-safe for spawn, and a forked child re-imports nothing.
        context = multiprocessing.get_context("fork")
    except ValueError:
        workers = 1  # Windows has no fork: evaluate in this process (use a cluster for big builds there)
    if workers == 1:
        for chunk in chunks:
            yield evaluate_chunk(secrets, chunk)
        return
    with context.Pool(workers, initializer=_init_worker, initargs=(secrets,)) as pool:
        yield from pool.imap(_pool_task, chunks, chunksize=1)
