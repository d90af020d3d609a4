"""The builder's OPRF evaluation as a parallel map: each identifier's bytes → (32-bit bucketing prefix, 8-byte tag).

Pure functions over independent batches, so the same `evaluate_batch` runs unchanged in a process pool here
(`evaluate_stream`, used by build.py) and in a Spark task on a cluster (spark/service_job.py). A batch's results
travel back as one byte string of 12 bytes per identifier (prefix big-endian, then the tag), never as an object per
identifier. `evaluate_chunk`/`evaluate_all` are the row-at-a-time form (kept for bench_oprf.py and its test).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from exposurecheck.core.crypto import oprf
from exposurecheck.core.protocol import bucket as buckets
from exposurecheck_server.worker_life import exit_with_parent

Row = tuple[bytes, Sequence[int]]  # encoded identifier, breach indices
Result = tuple[int, bytes, Sequence[int]]  # first 32 bits of the bucketing output, tag, breach indices
Secrets = tuple[bytes, bytes]  # (matching key of the epoch, the service's bucketing key)
RESULT_BYTES = 4 + buckets.TAG_BYTES  # one identifier's evaluate_batch result: prefix32 (big-endian) || tag
T = TypeVar("T")

# The worker's copy of the secret scalars, set once by the pool initializer so they are not pickled with every chunk.
_worker_secrets: Secrets = (b"", b"")


def evaluate_chunk(secrets: Secrets, rows: Sequence[Row]) -> list[Result]:
    """Both VOPRF outputs for each row (hash-to-group once), reduced to what the buckets need."""
    results = []
    for data, breaches in rows:
        matching, bucketing = oprf.evaluate_with_keys(secrets, data)
        results.append((int.from_bytes(bucketing[:4], "big"), buckets.tag_of(matching), breaches))
    return results


def evaluate_batch(secrets: Secrets, identifiers: Sequence[bytes]) -> bytes:
    """Both VOPRF outputs of each encoded identifier, as RESULT_BYTES per identifier back to back, in order."""
    evaluate = oprf.evaluate_with_keys
    out = bytearray()
    for data in identifiers:
        matching, bucketing = evaluate(secrets, data)
        out += bucketing[:4]
        out += matching[: buckets.TAG_BYTES]
    return bytes(out)


def _init_worker(secrets: Secrets, parent: int) -> None:
    global _worker_secrets
    exit_with_parent(parent)  # a builder killed with SIGKILL must not leave workers holding the secrets
    _worker_secrets = secrets


def _pool_task(rows: Sequence[Row]) -> list[Result]:
    return evaluate_chunk(_worker_secrets, rows)


def _pool_batch(identifiers: Sequence[bytes]) -> bytes:
    return evaluate_batch(_worker_secrets, identifiers)


def evaluate_stream(
    secrets: Secrets, batches: Iterable[tuple[T, Sequence[bytes]]], workers: int | None = None
) -> Iterator[tuple[T, bytes]]:
    """(label, evaluate_batch result) for every (label, batch), in order, on `workers` processes (default: every
    core). At most two batches per worker are in flight, so `batches` is read only as fast as they are evaluated:
    memory stays flat however many identifiers there are."""
    workers = workers or os.cpu_count() or 1
    try:
        context = multiprocessing.get_context("fork")  # see evaluate_all
    except ValueError:
        workers = 1
    if workers == 1:
        for label, batch in batches:
            yield label, evaluate_batch(secrets, batch)
        return
    initargs = (secrets, os.getpid())
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=initargs) as pool:
        pending: deque[tuple[T, Future[bytes]]] = deque()
        for label, batch in batches:
            pending.append((label, pool.submit(_pool_batch, batch)))
            if len(pending) >= workers * 2:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


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
    with context.Pool(workers, initializer=_init_worker, initargs=(secrets, os.getpid())) as pool:
        yield from pool.imap(_pool_task, chunks, chunksize=1)
