"""`service build --engine spark`: the lookup-service build as a Spark job, with the same site contents as the local
engine for the same input and keys (the same entries in the same buckets; only the random padding differs).

Stages (Arrow batches throughout, `mapInArrow`; no row-at-a-time Python in Spark):
1. **Normalize** (blocks.py): each task reads and normalizes its blocks of the input with the project's ingest, and
   encodes each identifier (type byte, canonical UTF-8). Identifiers leave in one binary value per (block, part),
   the part being a CRC-32 of the identifier modulo the number of parts, so every copy of an identifier meets the
   others in one part. One row of counts per block follows.
2. **Shuffle by part, deduplicate and evaluate**: each task holds one part, deduplicates it in memory, evaluates
   both OPRF keys for each distinct identifier (`evaluate.evaluate_batch`: the bucketing key picks the bucket, the
   epoch's matching key makes the tag) and sends out entries (prefix, tag, breach index: 14 bytes, spool.ENTRY)
   as one binary value per prefix group (the prefix's top 8 bits, 256 groups of whole buckets).
3. **Shuffle by bucket group and sort** each group by (prefix, tag, breach).
4. **On the driver**: the groups are collected into an EntrySpool and written as buckets, the Merkle tree built
   and the manifest signed exactly as the local engine does (build.py `write_epoch`, `finish_site`).

Keys. The signing key never leaves the driver. The two OPRF secrets must reach the executors, and only them: each
stage-2 task reads them from key files at paths given to the job (`ExecutorKeys`: the operator's own key files in
local mode; on a cluster, files only the executors' user can read, e.g. a Kubernetes secret volume; see
docs/scale.md). Only the *paths* travel, in the task closure; the secrets are in no job argument, Spark
configuration, broadcast, log line or shuffle file, and are never written to the driver's disk. Each task checks
that what it read matches the public keys the manifest will name, so a wrong file fails the job at once instead of
building a site no client could use.
"""

from __future__ import annotations

import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from exposurecheck.core.errors import UserError
from exposurecheck_server.ingest.options import IngestOptions
from exposurecheck_server.ingest.pipeline import block_tasks, check_accepted
from exposurecheck_server.ingest.stats import IngestStats
from exposurecheck_server.service.build import (
    BuildSettings,
    BuildSummary,
    Progress,
    breach_index,
    check_breaches,
    finish_site,
    plan_epoch,
    write_epoch,
)
from exposurecheck_server.service.spool import ENTRY, GROUP_SHIFT, GROUPS, EntrySpool
from exposurecheck_server.spark.blocks import counts_from_json, counts_json, load_task, spark_options, task_frame

PART_INPUT_BYTES = 32 << 20  # input bytes per part: at most a few million identifiers deduplicated in one task
_ROW_ENTRIES = 1 << 20  # entries per row out of stage 3 (14 MB): Arrow's binary values stay far below 2 GB
_KEY_MISMATCH = "exposure-check: the executor could not read this build's OPRF keys from the given files"
STATS = -1  # the key of the rows that carry a block's counts


@dataclass(frozen=True)
class ExecutorKeys:
    """Where executors read the OPRF secrets: file paths as the executors see them (a path is not a secret)."""

    matching: str  # the epoch's matching key (oprf.key)
    bucketing: str  # the service's bucketing key (bucketing.key)


def spread_keys(spark: Any, partitions: int) -> list[int]:
    """For each partition number n, a key that Spark's `repartition(partitions, column)` sends to partition n.

    Spark places a row by a hash of the key modulo the partition count; with as many keys as partitions, plain
    numbers 0..n-1 would leave about a third of the tasks empty and give others two or three parts. These keys
    are found with Spark's own hash function (the one repartition uses), so each part gets a task of its own.
    """
    from pyspark.sql import functions as F

    wanted = spark.range(0, partitions * 64).select(
        F.col("id"), F.expr(f"pmod(hash(id), {int(partitions)})").alias("n")
    )
    found: dict[int, int] = {}
    for row in wanted.collect():
        found.setdefault(int(row.n), int(row.id))
    return [found.get(n, n) for n in range(partitions)]  # a miss (never seen) only costs balance, not correctness


def _normalize_stage(keys: list[int]) -> Callable[[Iterator[Any]], Iterator[Any]]:
    parts = len(keys)

    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from exposurecheck_server.ingest.worker import process_block

        schema = pa.schema([("part", pa.int64()), ("data", pa.binary())])
        crc = zlib.crc32
        for batch in batches:
            for blob in batch.column("task").to_pylist():
                result = process_block(load_task(blob))  # no salt in the task: canonical forms come back
                framed: dict[int, bytearray] = {}
                for code, joined in result.values.items():
                    assert isinstance(joined, str)  # noqa: S101 - an unsalted task returns canonical forms
                    kind = bytes([code])
                    for canonical in joined.split("\n"):
                        data = kind + canonical.encode()
                        buffer = framed.setdefault(keys[crc(data) % parts], bytearray())
                        buffer += len(data).to_bytes(2, "big")
                        buffer += data
                if framed:
                    yield pa.RecordBatch.from_arrays(
                        [pa.array(list(framed), pa.int64()), pa.array([bytes(b) for b in framed.values()])],
                        schema=schema,
                    )
                counts = [counts_json(result.counts)]
                yield pa.RecordBatch.from_arrays([pa.array([STATS], pa.int64()), pa.array(counts)], schema=schema)

    return run


def _read_secrets(keys: ExecutorKeys, publics: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    """Both secrets from the executor's key files, checked against the build's public keys."""
    from exposurecheck.core.crypto import oprf
    from exposurecheck_server.keys import load_bucketing_key, load_oprf_key

    try:
        secrets = (load_oprf_key(keys.matching), load_bucketing_key(keys.bucketing))
        matches = (oprf.public_key(secrets[0]), oprf.public_key(secrets[1])) == publics
    except Exception:  # unreadable, not a key file: the same plain message, and never the file's contents
        matches = False
    if not matches:
        raise RuntimeError(_KEY_MISMATCH)
    return secrets


def _evaluate_stage(
    keys: ExecutorKeys, publics: tuple[bytes, bytes], breach: int, groups: list[int]
) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from exposurecheck_server.service.evaluate import evaluate_batch

        schema = pa.schema([("dest", pa.int64()), ("grp", pa.int32()), ("data", pa.binary())])
        index: dict[bytes, None] = {}
        for batch in batches:
            parts = batch.column("part").to_pylist()
            for part, blob in zip(parts, batch.column("data").to_pylist(), strict=True):
                if part == STATS:  # a block's counts: passed on to the driver
                    yield pa.RecordBatch.from_arrays(
                        [pa.array([STATS], pa.int64()), pa.array([STATS], pa.int32()), pa.array([blob])],
                        schema=schema,
                    )
                    continue
                position, end = 0, len(blob)
                while position < end:
                    length = int.from_bytes(blob[position : position + 2], "big")
                    index[blob[position + 2 : position + 2 + length]] = None
                    position += 2 + length
        if not index:
            return
        secrets = _read_secrets(keys, publics)  # read only now, used only here, never stored
        evaluated = np.frombuffer(evaluate_batch(secrets, list(index)), [("prefix", ">u4"), ("tag", ">u8")])
        del secrets
        entries = np.empty(len(evaluated), ENTRY)
        entries["prefix"], entries["tag"], entries["breach"] = evaluated["prefix"], evaluated["tag"], breach
        numbers = entries["prefix"].astype(np.uint32) >> GROUP_SHIFT
        order = np.argsort(numbers, kind="stable")
        entries, numbers = entries[order], numbers[order]
        cuts = np.flatnonzero(np.diff(numbers)) + 1
        starts, ends = np.r_[0, cuts].tolist(), np.r_[cuts, len(entries)].tolist()
        found = [int(numbers[start]) for start in starts]
        yield pa.RecordBatch.from_arrays(
            [pa.array([groups[n % len(groups)] for n in found], pa.int64()), pa.array(found, pa.int32()),
             pa.array([entries[a:b].tobytes() for a, b in zip(starts, ends, strict=True)])],
            schema=schema,
        )  # fmt: skip

    return run


def _sort_stage(batches: Iterator[Any]) -> Iterator[Any]:
    """Each group's entries, sorted by (prefix, tag, breach), in rows of at most _ROW_ENTRIES entries."""
    import pyarrow as pa

    schema = pa.schema([("grp", pa.int32()), ("data", pa.binary())])
    pieces: dict[int, list[np.ndarray]] = {}
    for batch in batches:
        for group, blob in zip(batch.column("grp").to_pylist(), batch.column("data").to_pylist(), strict=True):
            if group == STATS:
                yield pa.RecordBatch.from_arrays([pa.array([STATS], pa.int32()), pa.array([blob])], schema=schema)
            else:
                pieces.setdefault(group, []).append(np.frombuffer(blob, ENTRY))
    for group in sorted(pieces):
        rows = np.concatenate(pieces.pop(group)).astype(ENTRY)  # concatenate gives native byte order: back to ENTRY
        rows = rows[np.lexsort((rows["breach"].astype(np.uint16), rows["tag"].astype(np.uint64),
                                rows["prefix"].astype(np.uint32)))]  # fmt: skip
        for start in range(0, len(rows), _ROW_ENTRIES):
            data = rows[start : start + _ROW_ENTRIES].tobytes()
            yield pa.RecordBatch.from_arrays([pa.array([group], pa.int32()), pa.array([data])], schema=schema)


def _parts_for(stats: IngestStats, parallelism: int) -> int:
    """Parts (stage-2 tasks): at least two per core, and enough that one part fits in a task's memory."""
    return max(2 * parallelism, -(-stats.bytes_total // PART_INPUT_BYTES))


def build_site_spark(
    options: IngestOptions,
    out: Path,
    settings: BuildSettings,
    breach: str,
    executor_keys: ExecutorKeys,
    *,
    stats: IngestStats | None = None,
    master: str | None = "local[2]",
    progress: Progress | None = None,
) -> BuildSummary:
    """Build the site of the identifiers in the inputs of `options` (all from `breach`) with Spark, into `out`;
    `stats` (if given) gets the ingest's counts.

    Everything that can be refused is refused before the job starts (build.py `plan_epoch`); the share of
    accepted rows is checked after the job and before anything is written, as with the local engine.
    """
    from exposurecheck_server.spark.session import job_session

    def no_progress(_stage: str, _done: int, _total: int | None) -> None:
        pass

    plan = plan_epoch(out, settings)
    breach_ids = plan.breach_ids
    breach_number = breach_index(breach_ids, {b: n for n, b in enumerate(breach_ids)}, breach)
    check_breaches(breach_ids, settings.catalog)
    publics = (settings.oprf_key.public, settings.bucketing_key.public)
    scratch = settings.workdir or out.parent
    try:
        work = Path(tempfile.mkdtemp(prefix=".ec-service-spark-", dir=scratch))
    except OSError:
        raise UserError("service.admin.no_folder", folder=str(scratch)) from None
    stats = stats if stats is not None else IngestStats()
    try:
        entries = EntrySpool(work / "entries")
        with job_session(work / "spark", master) as spark:
            parallelism = spark.sparkContext.defaultParallelism
            with block_tasks(spark_options(options, parallelism), stats, scratch=work) as tasks:
                parts = spread_keys(spark, _parts_for(stats, parallelism))
                groups = spread_keys(spark, min(GROUPS, 4 * parallelism))
                normalized = task_frame(spark, tasks).mapInArrow(_normalize_stage(parts), "part long, data binary")
                evaluated = normalized.repartition(len(parts), "part").mapInArrow(
                    _evaluate_stage(executor_keys, publics, breach_number, groups), "dest long, grp int, data binary"
                )
                grouped = evaluated.repartition(len(groups), "dest").mapInArrow(_sort_stage, "grp int, data binary")
                _collect(grouped, entries, stats, executor_keys)
        check_accepted(stats, options.min_accepted)
        if entries.entries == 0:
            raise UserError("service.admin.no_records")
        files = write_epoch(entries, out, plan.epoch_id, entries.entries, settings, progress or no_progress)
        kinds = [kind for kind, count in stats.identifiers.items() if count]
        # One breach per build: every entry is a distinct identifier.
        summary = finish_site(
            out, settings, plan, files, identifiers=entries.entries, breach_ids=breach_ids, kinds=kinds
        )
        return summary
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UserError("service.admin.write_failed", path=str(out), reason=reason) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _collect(grouped: Any, entries: EntrySpool, stats: IngestStats, keys: ExecutorKeys) -> None:
    """The sorted groups into the driver's EntrySpool, the counts into `stats`. A failed task becomes a plain
    message: which kind of failure, never a row (Spark's own log has the task's traceback, which holds none)."""
    try:
        for row in grouped.toLocalIterator():
            if row.grp == STATS:
                stats.add(counts_from_json(bytes(row.data)))
            else:
                entries.add(np.frombuffer(bytes(row.data), ENTRY))
    except OSError:
        raise  # the driver's own disk: build_site_spark names the folder
    except Exception as exc:
        if _KEY_MISMATCH in str(exc):
            raise UserError("service.admin.executor_keys", matching=keys.matching, bucketing=keys.bucketing) from None
        raise UserError("service.admin.spark_job_failed", reason=type(exc).__name__) from None
