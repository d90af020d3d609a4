"""`pack build --engine spark`: the pack build as a Spark job, same answers as the local engine.

Stages (Arrow batches throughout, no row-at-a-time Python in Spark):
1. input blocks → (type, bucket, tags) with `mapInArrow`: the driver cuts the inputs into ingest's blocks (byte
   ranges, blocks.py), and each task reads and normalizes its blocks with the project's own ingest (the local
   engine's rules exactly: encodings, broken rows, the app's normalizer) and computes each value's pack tag with
   the pack's salt; tags leave as one binary value per (type, bucket) and million values, so the shuffle moves
   ~8 bytes per value in few rows. One row of counts per block follows. A big dump needs no splitting by hand.
2. shuffle by (type, bucket), the bucket being the tag's top 8 bits, so every task of the next stage holds whole
   buckets;
3. per partition (`mapInArrow`): each (type, bucket) sorted and deduplicated (numpy), sent to the driver as one
   binary value of little-endian u64 tags;
4. on the driver: buckets in (type, bucket) order become the pack's sections (sections.py); the body is hashed
   and the pack signed here. The signing key never reaches an executor, a shuffle file or Spark's configuration.

The salt is shipped to executors inside the block tasks; it is public anyway (every pack carries its salt).
Scratch: Spark's local dir and the driver's bucket files live in a temporary folder next to --out (or --workdir)
and are removed at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.catalog import Catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck_server.ingest.options import IngestOptions
from exposurecheck_server.ingest.pipeline import block_tasks, check_accepted
from exposurecheck_server.ingest.stats import IngestStats
from exposurecheck_server.pack.builder import Progress
from exposurecheck_server.pack.sections import SectionWriter, write_sections_pack
from exposurecheck_server.pack.sorter import SortedRun
from exposurecheck_server.spark.blocks import counts_from_json, counts_json, load_task, spark_options, task_frame


def _ignore(_stage: str, _count: int) -> None:
    pass


_EMIT = 1 << 20  # tags of one type buffered per task before they go out as one binary value per bucket


@dataclass(frozen=True)
class SparkPackResult:
    files: tuple[Path, ...]
    entries: int
    counts: dict[str, int]
    records: int
    prefix_bits: int
    stats: dict[str, Any]


def _tag_stage(batches: Iterator[Any]) -> Iterator[Any]:
    import pyarrow as pa

    from exposurecheck_server.ingest.worker import process_block

    schema = pa.schema([("kind", pa.int32()), ("bucket", pa.int32()), ("tags", pa.binary()), ("stats", pa.binary())])

    def tags_batch(code: int, digests: bytes) -> Any:
        # One row per bucket holding its tags as little-endian u64s back to back: the shuffle then moves about
        # 8 bytes per value in a few hundred rows, instead of a row per value.
        tags = np.sort(np.frombuffer(digests, dtype=">u8").astype(np.uint64))
        buckets = (tags >> np.uint64(56)).astype(np.int32)
        cuts = np.flatnonzero(np.diff(buckets)) + 1
        starts, ends = np.r_[0, cuts], np.r_[cuts, len(tags)]
        blobs = [tags[a:b].astype("<u8").tobytes() for a, b in zip(starts, ends, strict=True)]
        return pa.RecordBatch.from_arrays(
            [pa.array(np.full(len(blobs), code, np.int32)), pa.array(buckets[starts]), pa.array(blobs, pa.binary()),
             pa.nulls(len(blobs), pa.binary())],
            schema=schema,
        )  # fmt: skip

    for batch in batches:
        for blob in batch.column("task").to_pylist():
            result = process_block(load_task(blob))  # the task carries the salt: values come back as pack tags
            for code, tags in result.values.items():
                assert isinstance(tags, bytes)  # noqa: S101 - a salted task returns tags
                for start in range(0, len(tags), _EMIT * 8):
                    yield tags_batch(code, tags[start : start + _EMIT * 8])
            yield pa.RecordBatch.from_arrays(
                [pa.array([-1], pa.int32()), pa.array([0], pa.int32()), pa.array([b""], pa.binary()),
                 pa.array([counts_json(result.counts)], pa.binary())],
                schema=schema,
            )  # fmt: skip


def _bucket_stage(batches: Iterator[Any]) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.compute

    schema = pa.schema([("kind", pa.int32()), ("bucket", pa.int32()), ("tags", pa.large_binary())])
    groups: dict[int, list[np.ndarray]] = {}
    for batch in batches:
        if not batch.num_rows:
            continue
        kinds = batch.column("kind").to_numpy()
        if (kinds < 0).any():  # the tag stage's per-block counts: passed through to the driver
            for counts in batch.filter(pa.compute.less(batch.column("kind"), 0)).column("stats").to_pylist():
                yield pa.RecordBatch.from_arrays(
                    [pa.array([-1], pa.int32()), pa.array([0], pa.int32()), pa.array([counts], pa.large_binary())],
                    schema=schema,
                )  # fmt: skip
            batch = batch.filter(pa.compute.greater_equal(batch.column("kind"), 0))
            if not batch.num_rows:
                continue
        keys = batch.column("kind").to_numpy().astype(np.int64) * 256 + batch.column("bucket").to_numpy()
        for key, blob in zip(keys.tolist(), batch.column("tags").to_pylist(), strict=True):
            groups.setdefault(key, []).append(np.frombuffer(blob, dtype="<u8"))
    for key in sorted(groups):
        tags = np.unique(np.concatenate(groups.pop(key)).astype(np.uint64))
        yield pa.RecordBatch.from_arrays(
            [pa.array([key // 256], pa.int32()), pa.array([key % 256], pa.int32()),
             pa.array([tags.astype("<u8").tobytes()], pa.large_binary())],
            schema=schema,
        )  # fmt: skip


def build_pack_spark(
    options: IngestOptions,
    *,
    out: Path,
    catalog: Catalog,
    breach: str,
    signing_key: Ed25519PrivateKey,
    title: str = "",
    demo: bool = False,
    chunk_size: int = fmt.DEFAULT_CHUNK_SIZE,
    shard_size: int = fmt.FAT32_MAX_FILE,
    workdir: Path | None = None,
    master: str | None = "local[2]",
    salt: bytes | None = None,
    stats: IngestStats | None = None,
    progress: Progress | None = None,
) -> SparkPackResult:
    """Build a pack of the identifiers the inputs of `options` hold, with Spark; the same pack contents as
    `build_pack`. `options.min_accepted` is checked as the local engine checks it, before anything is written;
    `stats` (if given) gets the ingest's counts, `progress` the entries sorted and written (as `build_pack` says
    them; the reading stage is inside the Spark job, whose counts come back only with its buckets)."""
    from exposurecheck_server.spark.session import job_session

    if breach not in catalog:
        raise UserError("pack.build.unknown_breach", breach=breach, known=", ".join(sorted(catalog)[:20]))
    if chunk_size & (chunk_size - 1) or not fmt.MIN_CHUNK_SIZE <= chunk_size <= fmt.MAX_CHUNK_SIZE:
        raise UserError("pack.build.bad_chunk_size")
    say = progress or _ignore
    salt = salt or os.urandom(fmt.SALT_BYTES)
    scratch = workdir or out.parent
    try:
        work = Path(tempfile.mkdtemp(prefix=".ecpack-spark-", dir=scratch))
    except OSError:
        raise UserError("pack.build.workdir_failed", folder=str(scratch)) from None
    stats = stats if stats is not None else IngestStats()
    try:
        parts = work / "parts"
        parts.mkdir()
        found: list[tuple[int, int]] = []
        collected = 0
        with job_session(work / "spark", master) as spark:
            planned = spark_options(options, spark.sparkContext.defaultParallelism)
            with block_tasks(planned, stats, salt=salt, scratch=work) as tasks:
                tagged = task_frame(spark, tasks).mapInArrow(
                    _tag_stage, "kind int, bucket int, tags binary, stats binary"
                )
                # One pass over the input: the per-block counts ride along as rows of kind -1 and come back
                # through the bucket stage, so nothing is cached or computed twice.
                buckets = tagged.repartition(spark.sparkContext.defaultParallelism * 4, "kind", "bucket").mapInArrow(
                    _bucket_stage, "kind int, bucket int, tags binary"
                )
                for row in buckets.toLocalIterator():
                    if row.kind < 0:
                        stats.add(counts_from_json(bytes(row.tags)))
                        continue
                    (parts / f"{row.kind}-{row.bucket}").write_bytes(row.tags)
                    found.append((row.kind, row.bucket))
                    collected += len(row.tags) // 8
                    say("sorting", collected)  # sorted and deduplicated buckets as they reach the driver
        check_accepted(stats, options.min_accepted)
        hashed = Counter({IdentifierType(kind).code: n for kind, n in stats.identifiers.items()})
        sections = SectionWriter(work, {(code, 0): n for code, n in hashed.items() if n})
        entries = 0
        for kind, bucket in sorted(found):
            path = parts / f"{kind}-{bucket}"
            tags = np.fromfile(path, dtype="<u8").astype(np.uint64)
            path.unlink()
            entries += sections.add(SortedRun({(kind, 0): tags}))
        say("writing", entries)
        written, counts, bits = write_sections_pack(
            sections, entries, out=out, catalog=catalog, breach=breach, signing_key=signing_key, title=title,
            demo=demo, chunk_size=chunk_size, shard_size=shard_size, salt=salt,
        )  # fmt: skip
        return SparkPackResult(tuple(written), entries, counts, sum(hashed.values()), bits, stats.as_dict())
    except OSError:
        raise UserError("pack.build.workdir_failed", folder=str(scratch)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
