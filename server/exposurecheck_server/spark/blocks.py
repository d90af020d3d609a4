"""What both Spark jobs share: the input as ingest's block tasks, and the blocks' counts carried back to the driver.

The driver plans the blocks exactly as the local engine does (`ingest.pipeline.block_tasks`: byte ranges cut where
a single reader would start a fresh row), so a big dump is read by as many tasks as it has blocks, and never needs
splitting by hand. Each Spark task runs `process_block` on its blocks, in an executor's Python worker.

Counts (rows read, accepted, rejected by reason...) ride along with the data as rows of their own, so the input is
read once; the driver adds them up and applies the same `--min-accepted` check as the local engine.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from dataclasses import fields, replace
from typing import Any

from exposurecheck_server.ingest.options import IngestOptions
from exposurecheck_server.ingest.stats import BlockCounts
from exposurecheck_server.ingest.worker import BlockTask


def spark_options(options: IngestOptions, parallelism: int) -> IngestOptions:
    """The options with block sizes planned for the cluster's cores instead of this machine's processes."""
    return replace(options, jobs=max(1, parallelism))


def task_frame(spark: Any, tasks: list[BlockTask]) -> Any:
    """A DataFrame of one row per block task (the task pickled: paths, byte ranges, column map, codec, salt), one
    Spark partition per block so the scheduler can balance them."""
    rows = [(pickle.dumps(task),) for task in tasks]
    return spark.createDataFrame(spark.sparkContext.parallelize(rows, max(1, len(rows))), "task binary")


def load_task(blob: bytes) -> BlockTask:
    task = pickle.loads(blob)  # noqa: S301 - rows this job's driver made from its own plan
    if not isinstance(task, BlockTask):
        raise TypeError("not a block task")
    return task


def counts_json(counts: BlockCounts) -> bytes:
    # Field by field: dataclasses.asdict would rebuild each Counter from its (key, count) pairs, counting the pairs.
    return json.dumps({f.name: getattr(counts, f.name) for f in fields(BlockCounts)}).encode()


def counts_from_json(data: bytes) -> BlockCounts:
    raw = json.loads(data)
    counts = BlockCounts()
    for f in fields(BlockCounts):
        value = raw[f.name]
        setattr(counts, f.name, Counter(value) if isinstance(value, dict) else int(value))
    return counts
