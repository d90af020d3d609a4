"""`service build`: from (identifier, breach id) records to a signed static site.

Pipeline, each step bounded in memory so it scales past RAM:
1. records are spooled to a temporary CSV (identifier bytes as hex, breach index);
2. DuckDB groups them by identifier (dedupe: one OPRF evaluation per identifier, however many breaches);
3. the evaluation runs as a parallel map over chunks (`evaluate.py`) and is spooled to a second CSV;
4. DuckDB sorts the outputs by prefix and tag, and the buckets are written in one streaming pass (`site.py`).

The bucket count follows the data: about TARGET_PER_BUCKET entries per bucket, never fewer buckets than one check
fetches, never more than 2^20 (the client's floor). A 1,000-row site is one block of 8 small buckets.
"""

from __future__ import annotations

import csv
import math
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.crypto import oprf
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, encode
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol import privacy
from exposurecheck_server.service import site
from exposurecheck_server.service.evaluate import Row, evaluate_all

MAX_BITS = privacy.MAX_PREFIX_BITS
TARGET_PER_BUCKET = 1000  # ~10 KiB buckets: the size/anonymity balance in PROTOCOL-NOTES.md
CHUNK = 2000
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
    memory_limit: str = "1GB"


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

    Database and file-system failures become UserErrors without their text: a DuckDB message can quote a row,
    and a row here is an identifier.
    """
    try:
        return _build_site(records, out, settings, progress)
    except duckdb.Error as exc:
        raise UserError("service.admin.build_failed", reason=type(exc).__name__) from None
    except OSError as exc:
        raise UserError(
            "service.admin.write_failed", path=str(out), reason=exc.strerror or type(exc).__name__
        ) from None


def _build_site(
    records: Iterable[tuple[Identifier, str]], out: Path, settings: BuildSettings, progress: Progress
) -> BuildSummary:
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
    with tempfile.TemporaryDirectory(prefix="ec-service-build-") as work_dir:
        work = Path(work_dir)
        # Old buckets store indices into the old breach list, so the new list starts with it unchanged.
        initial = list(previous.breach_ids) if previous else []
        breach_ids, spooled, kinds = _spool_records(records, work / "records.csv", initial)
        if spooled == 0:
            raise UserError("service.admin.no_records")
        known = _catalog_ids(settings.catalog)
        for breach in breach_ids:
            if breach not in known:
                raise UserError("service.admin.unknown_breach", breach=breach)
        db = duckdb.connect(str(work / "build.duckdb"))
        try:
            db.execute(f"SET memory_limit = '{settings.memory_limit}'")
            db.execute(f"SET temp_directory = {_quote(work / 'spill')}")
            identifiers = _evaluate(db, work, settings, progress)
            bits = settings.prefix_bits or choose_prefix_bits(identifiers, settings.buckets_per_check)
            files = _write_epoch(db, work, out, bits, epoch_id, progress)
        finally:
            db.close()
    if settings.previous_site is not None:
        for old in old_epochs:
            site.copy_epoch(settings.previous_site, out, old.id)
        site.copy_history(settings.previous_site, out)
    publisher_keys = [key.public_key().public_bytes_raw() for key in settings.signing_keys]
    epochs = [site.epoch_entry(files, settings.oprf_key.public)] + [site.epoch_entry_from(e) for e in old_epochs]
    in_use = set(publisher_keys) | {settings.oprf_key.public} | {e.public_key for e in old_epochs}
    announced_publishers, announced_oprf = still_announced(previous, in_use) if previous else ([], [])
    payload = site.manifest_payload(
        service_name=settings.service_name,
        sequence=sequence,
        previous=previous.digest if previous else b"",
        issued_at=datetime.now(UTC).replace(microsecond=0),
        valid_for=timedelta(days=settings.valid_days),
        epochs=epochs,
        current_epoch=epoch_id,
        breach_ids=breach_ids,
        catalog=settings.catalog,
        batch_size=settings.batch_size,
        buckets_per_check=settings.buckets_per_check,
        bucketing_key=settings.bucketing_key.public,
        publisher_keys=publisher_keys,
        announced_publisher_keys=announced_publishers,
        announced_oprf_keys=announced_oprf,
        types=sorted(kinds),
    )
    site.publish(out, manifests.sign_envelope(payload, settings.signing_keys))
    return BuildSummary(
        epoch_id=epoch_id,
        records=files.record_count,
        identifiers=identifiers,
        buckets=1 << bits,
        bucket_bytes=files.bucket_bytes,
        prefix_bits=bits,
        sequence=sequence,
        buckets_per_check=settings.buckets_per_check,
    )


def _quote(path: Path) -> str:
    """A SQL string literal for a path we created ourselves (DDL statements cannot take parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _csv_source(path: Path, columns: str) -> str:
    """`read_csv(...)` over a spool file this process wrote; the only values in it are our own path and constants,
    which is why the S608 warnings on its uses are silenced."""
    return f"read_csv({_quote(path)}, header=false, columns={columns})"


def _catalog_ids(catalog: Any) -> set[str]:
    entries = catalog.get("breaches", []) if isinstance(catalog, dict) else []
    return {str(e.get("id")) for e in entries if isinstance(e, dict)}


def _spool_records(
    records: Iterable[tuple[Identifier, str]], path: Path, initial: Sequence[str]
) -> tuple[list[str], int, set[str]]:
    """Write the records for DuckDB; returns the breach list, the record count and the identifier kinds seen (the
    manifest's `types`: what the app may call "not found")."""
    breach_ids: list[str] = list(initial)
    index = {breach: position for position, breach in enumerate(breach_ids)}
    count = 0
    kinds: set[str] = set()
    with path.open("w", newline="", encoding="ascii") as out:
        writer = csv.writer(out)
        for identifier, breach in records:
            if breach not in index:
                if len(breach_ids) >= 0xFFFE:  # 0xFFFF marks padding in buckets
                    raise UserError("service.admin.too_many_breaches")
                index[breach] = len(breach_ids)
                breach_ids.append(breach)
            writer.writerow((encode(identifier).hex(), index[breach]))
            kinds.add(identifier.type.value)
            count += 1
    return breach_ids, count, kinds


def _evaluate(db: duckdb.DuckDBPyConnection, work: Path, settings: BuildSettings, progress: Progress) -> int:
    """Dedupe by identifier, evaluate in parallel, spool (prefix32, tag, breach) rows. Returns identifiers seen."""
    source = _csv_source(work / "records.csv", "{'x': 'VARCHAR', 'b': 'INTEGER'}")
    db.execute("CREATE VIEW records AS SELECT * FROM " + source)  # noqa: S608 - see _csv_source
    # Counted first (a pass that is fast next to the evaluation) so the progress line can show the time left.
    total = int((db.execute("SELECT count(DISTINCT x) FROM records").fetchone() or (0,))[0])
    cursor = db.execute("SELECT x, list_sort(list(DISTINCT b)) FROM records GROUP BY x ORDER BY x")
    identifiers = 0

    def chunks() -> Iterator[list[Row]]:
        nonlocal identifiers
        while batch := cursor.fetchmany(CHUNK):
            identifiers += len(batch)
            progress("evaluating", identifiers, total)
            yield [(bytes.fromhex(x), tuple(b)) for x, b in batch]

    with (work / "outputs.csv").open("w", newline="", encoding="ascii") as out:
        writer = csv.writer(out)
        secrets = (settings.oprf_key.secret, settings.bucketing_key.secret)
        for results in evaluate_all(secrets, chunks(), settings.workers):
            for prefix32, tag, breaches in results:
                for breach in breaches:
                    writer.writerow((prefix32, tag.hex(), breach))
    return identifiers


def _write_epoch(
    db: duckdb.DuckDBPyConnection, work: Path, out: Path, bits: int, epoch_id: int, progress: Progress
) -> site.EpochFiles:
    source = _csv_source(work / "outputs.csv", "{'p': 'UBIGINT', 't': 'VARCHAR', 'b': 'INTEGER'}")
    shift = 32 - int(bits)
    db.execute(f"CREATE TABLE outputs AS SELECT (p >> {shift})::INTEGER AS prefix, t, b FROM {source}")  # noqa: S608
    total, largest = db.execute(
        "SELECT coalesce(sum(n), 0), coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM outputs GROUP BY prefix)"
    ).fetchone() or (0, 0)
    capacity = max(1, int(largest))
    cursor = db.execute("SELECT prefix, t, b FROM outputs ORDER BY prefix, t, b")

    def grouped() -> Iterator[tuple[int, list[tuple[bytes, int]]]]:
        current: int | None = None
        entries: list[tuple[bytes, int]] = []
        while batch := cursor.fetchmany(CHUNK * 10):
            for prefix, tag, breach in batch:
                if prefix != current:
                    if current is not None:
                        progress("buckets", current + 1, 1 << bits)
                        yield current, entries
                    current, entries = prefix, []
                entries.append((bytes.fromhex(tag), breach))
        if current is not None:
            yield current, entries

    return site.write_buckets(out, epoch_id, bits, capacity, grouped(), int(total))
