"""`service build`: from (identifier, breach id) records to a signed static site.

Pipeline, each step bounded in memory so it scales past RAM (spool.py), temporary disk at most about 1.3x the
finished site (issue 16.3, measured in bench/bench_service_build.py):
1. records are spooled in hash partitions of compressed (encoded identifier, breach index) records;
2. each partition is deduplicated in memory (one OPRF evaluation per identifier, however many breaches and copies);
3. the evaluation runs as a parallel map over batches (`evaluate.py`); its entries (bucketing prefix, tag, breach
   index: 14 bytes) are spooled by prefix range, counted per bucket as they come;
4. the ranges are read back in order, sorted in memory, and written as buckets in one streaming pass (`site.py`).
Each scratch file is deleted once read. The Spark engine (spark/service_job.py) runs steps 1-3 on a cluster and
shares step 4 and everything after it with this one (`plan_epoch`, `write_epoch`, `finish_site`).

The bucket count follows the data: about TARGET_PER_BUCKET entries per bucket, never fewer buckets than one check
fetches, never more than 2^20 (the client's floor). A 1,000-row site is one block of 8 small buckets.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.crypto import oprf
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, encode
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol import privacy
from exposurecheck_server.service import site
from exposurecheck_server.service.evaluate import evaluate_stream
from exposurecheck_server.service.spool import MAX_BREACHES, EntrySpool, Partition, RecordSpool

MAX_BITS = privacy.MAX_PREFIX_BITS
TARGET_PER_BUCKET = 1000  # ~10 KiB buckets: the size/anonymity balance in PROTOCOL-NOTES.md
CHUNK = 2000  # identifiers per evaluation task (about 0.25 s of work: small next to a task's overhead)
MAX_VALID_DAYS = 366  # a manifest valid for longer would outlive the renewal schedule by far (docs/protocol.md)
MAX_EPOCHS = 16  # what a manifest may list; more old epochs than that are dropped, oldest first


@dataclass(frozen=True)
class BuildSettings:
    oprf_key: oprf.KeyPair  # the epoch's matching key (may rotate)
    bucketing_key: oprf.KeyPair  # the service's bucketing key (never changes: docs/protocol.md section 7)
    signing_keys: Sequence[Ed25519PrivateKey]
    catalog: Any  # canonical catalog JSON object (catalog_to_json parsed)
    service_name: str = "Exposure Check lookup service"
    epoch_id: int | None = None  # default: 1, or one more than the newest epoch of previous_site
    # The service's current site: continue its history (the manifest chain, breach numbering, live epochs). Without
    # it the build starts a new service, which clients that used an earlier one refuse as a fork.
    previous_site: Path | None = None
    prefix_bits: int | None = None
    sequence: int | None = None
    valid_days: int = 30
    batch_size: int = privacy.MIN_BATCH_SIZE
    buckets_per_check: int = privacy.MIN_BUCKETS_PER_CHECK
    workers: int | None = None
    workdir: Path | None = None  # where the scratch folder goes (default: the system's temporary folder)


@dataclass(frozen=True)
class BuildSummary:
    epoch_id: int
    records: int
    identifiers: int
    buckets: int
    bucket_bytes: int
    prefix_bits: int
    sequence: int
    buckets_per_check: int = privacy.MIN_BUCKETS_PER_CHECK

    @property
    def revealed_bits(self) -> int:
        """What one check can reveal to whoever sees the fetches and holds the bucketing key (privacy.py)."""
        return privacy.revealed_bits(self.prefix_bits, self.buckets_per_check)


def choose_prefix_bits(identifiers: int, buckets_per_check: int = privacy.MIN_BUCKETS_PER_CHECK) -> int:
    """Bits so buckets hold about TARGET_PER_BUCKET entries: fewer records, fewer buckets (bigger anonymity sets).

    At least one block (what one check fetches), at most the client's floor of 2^20 buckets.
    """
    wanted = math.ceil(math.log2(identifiers / TARGET_PER_BUCKET)) if identifiers > TARGET_PER_BUCKET else 0
    return min(MAX_BITS, max(privacy.block_bits(buckets_per_check), wanted))


def check_parameters(settings: BuildSettings) -> None:
    """The floors every client enforces (privacy.py): a site below them would be refused by every app."""
    per_check = settings.buckets_per_check
    if not privacy.MIN_BATCH_SIZE <= settings.batch_size <= manifests.MAX_BATCH:
        raise UserError("service.admin.batch_size", low=privacy.MIN_BATCH_SIZE, high=manifests.MAX_BATCH)
    if not privacy.MIN_BUCKETS_PER_CHECK <= per_check <= manifests.MAX_BATCH or per_check & (per_check - 1):
        raise UserError("service.admin.buckets_per_check", low=privacy.MIN_BUCKETS_PER_CHECK, high=manifests.MAX_BATCH)
    low = privacy.block_bits(per_check)
    if settings.prefix_bits is not None and not low <= settings.prefix_bits <= MAX_BITS:
        raise UserError("service.admin.prefix_bits", low=low, high=MAX_BITS)
    if not 1 <= settings.valid_days <= MAX_VALID_DAYS:  # 0 or less would publish a manifest that is already void
        raise UserError("service.admin.valid_days", high=MAX_VALID_DAYS)


def check_continuity(previous: manifests.Manifest, settings: BuildSettings) -> None:
    """Refuse, before hours of work, a build that clients pinned to `previous` would refuse (core/protocol/chain.py):
    another bucketing key, or a matching or signing key that no earlier manifest announced."""
    if settings.bucketing_key.public != previous.bucketing_key:
        raise UserError("service.admin.bucketing_key_changed")
    known_oprf = {e.public_key for e in previous.epochs} | set(previous.announced_oprf_keys)
    if settings.oprf_key.public not in known_oprf:
        raise UserError("service.admin.oprf_key_not_announced")
    known_signers = set(previous.publisher_keys) | set(previous.announced_publisher_keys)
    if any(key.public_key().public_bytes_raw() not in known_signers for key in settings.signing_keys):
        raise UserError("service.admin.signing_key_not_announced")


def next_sequence(previous: manifests.Manifest | None) -> int:
    """The current Unix time, or one more than the previous manifest's sequence if that is already higher."""
    now = int(datetime.now(UTC).timestamp())
    return max(now, previous.sequence + 1) if previous is not None else now


def still_announced(previous: manifests.Manifest, in_use: set[bytes]) -> tuple[list[bytes], list[bytes]]:
    """Announcements of `previous` not yet used, carried into the next manifest (publisher keys, matching keys)."""
    return (
        [k for k in previous.announced_publisher_keys if k not in in_use],
        [k for k in previous.announced_oprf_keys if k not in in_use],
    )


Progress = Callable[[str, int, int | None], None]
"""`progress(stage, done, total)` for the stages after reading ("evaluating", "buckets"); counts only."""


def _no_progress(_stage: str, _done: int, _total: int | None) -> None:
    pass


def build_site(
    records: Iterable[tuple[Identifier, str]], out: Path, settings: BuildSettings, progress: Progress = _no_progress
) -> BuildSummary:
    """Build the whole site into `out` (which must be empty or absent).

    File-system failures become UserErrors that name the folder, never a record: a record is an identifier.
    """
    try:
        return _build_site(records, out, settings, progress)
    except OSError as exc:
        raise UserError(
            "service.admin.write_failed", path=str(out), reason=exc.strerror or type(exc).__name__
        ) from None


@dataclass(frozen=True)
class EpochPlan:
    """What is settled before any work: the history this build continues and the new epoch's number."""

    previous: manifests.Manifest | None
    sequence: int
    epoch_id: int
    old_epochs: list[manifests.Epoch]

    @property
    def breach_ids(self) -> list[str]:
        # Old buckets store indices into the old breach list, so the new list starts with it unchanged.
        return list(self.previous.breach_ids) if self.previous else []


def plan_epoch(out: Path, settings: BuildSettings) -> EpochPlan:
    """Every check that can fail before hours of work: parameters, output folder, continuity, sequence, epoch."""
    check_parameters(settings)
    if out.exists() and any(out.iterdir()):
        raise UserError("service.admin.out_not_empty", path=str(out))
    previous = site.read_site_manifest(settings.previous_site) if settings.previous_site else None
    if previous is not None:
        check_continuity(previous, settings)
    sequence = settings.sequence if settings.sequence is not None else next_sequence(previous)
    if previous is not None and sequence <= previous.sequence:
        raise UserError("service.admin.sequence_not_higher", sequence=previous.sequence)
    old_epochs = list(previous.epochs[: MAX_EPOCHS - 1]) if previous else []
    epoch_id = settings.epoch_id or max((e.id for e in old_epochs), default=0) + 1
    if any(e.id == epoch_id for e in old_epochs):
        raise UserError("service.admin.epoch_exists", epoch=epoch_id)
    return EpochPlan(previous, sequence, epoch_id, old_epochs)


def check_breaches(breach_ids: Sequence[str], catalog: Any) -> None:
    known = _catalog_ids(catalog)
    for breach in breach_ids:
        if breach not in known:
            raise UserError("service.admin.unknown_breach", breach=breach)


def breach_index(breach_ids: list[str], index: dict[str, int], breach: str) -> int:
    """`breach`'s position in `breach_ids`, appended (and indexed) the first time it is seen."""
    position = index.get(breach)
    if position is None:
        if len(breach_ids) >= MAX_BREACHES:
            raise UserError("service.admin.too_many_breaches")
        position = index[breach] = len(breach_ids)
        breach_ids.append(breach)
    return position


def _build_site(
    records: Iterable[tuple[Identifier, str]], out: Path, settings: BuildSettings, progress: Progress
) -> BuildSummary:
    plan = plan_epoch(out, settings)
    with tempfile.TemporaryDirectory(prefix=".ec-service-build-", dir=settings.workdir) as work_dir:
        work = Path(work_dir)
        spool = RecordSpool(work / "records")
        breach_ids, kinds = _spool_records(records, spool, plan.breach_ids)
        if spool.records == 0:
            raise UserError("service.admin.no_records")
        check_breaches(breach_ids, settings.catalog)
        entries = EntrySpool(work / "entries")
        identifiers = _evaluate(spool, entries, settings, progress)
        files = write_epoch(entries, out, plan.epoch_id, identifiers, settings, progress)
    return finish_site(out, settings, plan, files, identifiers=identifiers, breach_ids=breach_ids, kinds=kinds)


def write_epoch(
    entries: EntrySpool, out: Path, epoch_id: int, identifiers: int, settings: BuildSettings, progress: Progress
) -> site.EpochFiles:
    """The epoch's buckets from the evaluated entries, sized to the data unless --prefix-bits says otherwise."""
    bits = settings.prefix_bits or choose_prefix_bits(identifiers, settings.buckets_per_check)
    capacity = max(1, entries.capacity(bits))

    def groups_read(done: int, total: int) -> None:
        progress("buckets", done * (1 << bits) // total, 1 << bits)

    grouped = entries.buckets(bits, groups_read)
    return site.write_buckets(out, epoch_id, bits, capacity, grouped, entries.entries)


def finish_site(
    out: Path,
    settings: BuildSettings,
    plan: EpochPlan,
    files: site.EpochFiles,
    *,
    identifiers: int,
    breach_ids: Sequence[str],
    kinds: Iterable[str],
) -> BuildSummary:
    """Carry the earlier epochs and history over, then sign and publish the manifest (on this machine only)."""
    if settings.previous_site is not None:
        for old in plan.old_epochs:
            site.copy_epoch(settings.previous_site, out, old.id)
        site.copy_history(settings.previous_site, out)
    previous = plan.previous
    publisher_keys = [key.public_key().public_bytes_raw() for key in settings.signing_keys]
    epochs = [site.epoch_entry(files, settings.oprf_key.public)] + [site.epoch_entry_from(e) for e in plan.old_epochs]
    in_use = set(publisher_keys) | {settings.oprf_key.public} | {e.public_key for e in plan.old_epochs}
    announced_publishers, announced_oprf = still_announced(previous, in_use) if previous else ([], [])
    payload = site.manifest_payload(
        service_name=settings.service_name,
        sequence=plan.sequence,
        previous=previous.digest if previous else b"",
        issued_at=datetime.now(UTC).replace(microsecond=0),
        valid_for=timedelta(days=settings.valid_days),
        epochs=epochs,
        current_epoch=plan.epoch_id,
        breach_ids=breach_ids,
        catalog=settings.catalog,
        batch_size=settings.batch_size,
        buckets_per_check=settings.buckets_per_check,
        bucketing_key=settings.bucketing_key.public,
        publisher_keys=publisher_keys,
        announced_publisher_keys=announced_publishers,
        announced_oprf_keys=announced_oprf,
        types=sorted(set(kinds)),
    )
    site.publish(out, manifests.sign_envelope(payload, settings.signing_keys))
    return BuildSummary(
        epoch_id=plan.epoch_id,
        records=files.record_count,
        identifiers=identifiers,
        buckets=1 << files.prefix_bits,
        bucket_bytes=files.bucket_bytes,
        prefix_bits=files.prefix_bits,
        sequence=plan.sequence,
        buckets_per_check=settings.buckets_per_check,
    )


def _catalog_ids(catalog: Any) -> set[str]:
    entries = catalog.get("breaches", []) if isinstance(catalog, dict) else []
    return {str(e.get("id")) for e in entries if isinstance(e, dict)}


def _spool_records(
    records: Iterable[tuple[Identifier, str]], spool: RecordSpool, initial: Sequence[str]
) -> tuple[list[str], set[str]]:
    """Spool the records; returns the breach list and the identifier kinds seen (the manifest's `types`: what the
    app may call "not found")."""
    breach_ids: list[str] = list(initial)
    index = {breach: position for position, breach in enumerate(breach_ids)}
    kinds: set[str] = set()
    add = spool.add
    for identifier, breach in records:
        add(encode(identifier), breach_index(breach_ids, index, breach))
        kinds.add(identifier.type.value)
    return breach_ids, kinds


def _evaluate(spool: RecordSpool, entries: EntrySpool, settings: BuildSettings, progress: Progress) -> int:
    """Deduplicate each partition, evaluate its identifiers in parallel, spool the entries. Returns how many
    distinct identifiers there were."""
    secrets = (settings.oprf_key.secret, settings.bucketing_key.secret)

    def batches() -> Iterator[tuple[tuple[Partition, bool], list[bytes]]]:
        for partition in spool.partitions():
            found = partition.identifiers
            for start in range(0, len(found), CHUNK):
                yield (partition, start + CHUNK >= len(found)), found[start : start + CHUNK]

    identifiers = records = 0
    evaluated = bytearray()
    for (partition, last), result in evaluate_stream(secrets, batches(), settings.workers):
        evaluated += result
        if last:
            entries.add(partition.entries(bytes(evaluated)))
            evaluated.clear()
            identifiers += len(partition.identifiers)
            records += partition.records
            progress("evaluating", records, spool.records)
    return identifiers
