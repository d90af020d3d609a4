"""`service build`: from (identifier, breach id) records to a signed static site.

Pipeline, each step bounded in memory so it scales past RAM:
1. records are spooled to a temporary CSV (identifier bytes as hex, breach index);
2. DuckDB groups them by identifier (dedupe: one OPRF evaluation per identifier, however many breaches);
3. the evaluation runs as a parallel map over chunks (`evaluate.py`) and is spooled to a second CSV;
4. DuckDB sorts the outputs by prefix and tag, and the buckets are written in one streaming pass (`site.py`).
"""

from __future__ import annotations

import csv
import math
import tempfile
from collections.abc import Iterable, Iterator, Sequence
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
from exposurecheck_server.service import site
from exposurecheck_server.service.evaluate import Row, evaluate_all

MIN_AUTO_BITS, MAX_AUTO_BITS = 16, 20
MIN_BITS, MAX_BITS = 4, manifests.MAX_PREFIX_BITS  # below 16 only for tests and tiny demo services
TARGET_PER_BUCKET = 1000  # ~10 KiB buckets: the size/anonymity balance in PROTOCOL-NOTES.md
CHUNK = 2000
MAX_EPOCHS = 16  # what a manifest may list; more old epochs than that are dropped, oldest first


@dataclass(frozen=True)
class BuildSettings:
    oprf_key: oprf.KeyPair
    signing_keys: Sequence[Ed25519PrivateKey]
    catalog: Any  # canonical catalog JSON object (catalog_to_json parsed)
    service_name: str = "Exposure Check lookup service"
    epoch_id: int | None = None  # default: 1, or one more than the newest epoch of previous_site
    previous_site: Path | None = None  # key change-over: carry this site's epochs (and breach numbering) along
    prefix_bits: int | None = None
    sequence: int | None = None
    valid_days: int = 30
    batch_size: int = 8
    buckets_per_check: int = 8
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


def choose_prefix_bits(identifiers: int) -> int:
    """16-20 bits so buckets hold about TARGET_PER_BUCKET entries: fewer records, fewer bits (bigger anonymity sets)."""
    wanted = math.ceil(math.log2(max(identifiers, 1) / TARGET_PER_BUCKET)) if identifiers > TARGET_PER_BUCKET else 0
    return min(MAX_AUTO_BITS, max(MIN_AUTO_BITS, wanted))


def build_site(records: Iterable[tuple[Identifier, str]], out: Path, settings: BuildSettings) -> BuildSummary:
    """Build the whole site into `out` (which must be empty or absent).

    Database and file-system failures become UserErrors without their text: a DuckDB message can quote a row,
    and a row here is an identifier.
    """
    try:
        return _build_site(records, out, settings)
    except duckdb.Error as exc:
        raise UserError("service.admin.build_failed", reason=type(exc).__name__) from None
    except OSError as exc:
        raise UserError(
            "service.admin.write_failed", path=str(out), reason=exc.strerror or type(exc).__name__
        ) from None


def _build_site(records: Iterable[tuple[Identifier, str]], out: Path, settings: BuildSettings) -> BuildSummary:
    for value in (settings.batch_size, settings.buckets_per_check):
        if not 1 <= value <= manifests.MAX_BATCH:
            raise UserError("service.admin.batch_size", high=manifests.MAX_BATCH)
    if out.exists() and any(out.iterdir()):
        raise UserError("service.admin.out_not_empty", path=str(out))
    if settings.prefix_bits is not None and not MIN_BITS <= settings.prefix_bits <= MAX_BITS:
        raise UserError("service.admin.prefix_bits", low=MIN_BITS, high=MAX_BITS)
    previous = site.read_site_manifest(settings.previous_site) if settings.previous_site else None
    old_epochs = list(previous.epochs[: MAX_EPOCHS - 1]) if previous else []
    epoch_id = settings.epoch_id or max((e.id for e in old_epochs), default=0) + 1
    if any(e.id == epoch_id for e in old_epochs):
        raise UserError("service.admin.epoch_exists", epoch=epoch_id)
    with tempfile.TemporaryDirectory(prefix="ec-service-build-") as work_dir:
        work = Path(work_dir)
        # Old buckets store indices into the old breach list, so the new list starts with it unchanged.
        initial = list(previous.breach_ids) if previous else []
        breach_ids, spooled = _spool_records(records, work / "records.csv", initial)
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
            identifiers = _evaluate(db, work, settings)
            bits = settings.prefix_bits or choose_prefix_bits(identifiers)
            files = _write_epoch(db, work, out, bits, epoch_id)
        finally:
            db.close()
    if settings.previous_site is not None:
        for old in old_epochs:
            site.copy_epoch(settings.previous_site, out, old.id)
    sequence = settings.sequence if settings.sequence is not None else int(datetime.now(UTC).timestamp())
    site.write_manifest(
        out,
        service_name=settings.service_name,
        sequence=sequence,
        issued_at=datetime.now(UTC).replace(microsecond=0),
        valid_for=timedelta(days=settings.valid_days),
        epochs=[site.epoch_entry(files, settings.oprf_key.public)] + [site.epoch_entry_from(e) for e in old_epochs],
        current_epoch=epoch_id,
        breach_ids=breach_ids,
        catalog=settings.catalog,
        batch_size=settings.batch_size,
        buckets_per_check=settings.buckets_per_check,
        signing_keys=settings.signing_keys,
    )
    return BuildSummary(
        epoch_id=epoch_id,
        records=files.record_count,
        identifiers=identifiers,
        buckets=1 << bits,
        bucket_bytes=files.bucket_bytes,
        prefix_bits=bits,
        sequence=sequence,
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
) -> tuple[list[str], int]:
    breach_ids: list[str] = list(initial)
    index = {breach: position for position, breach in enumerate(breach_ids)}
    count = 0
    with path.open("w", newline="", encoding="ascii") as out:
        writer = csv.writer(out)
        for identifier, breach in records:
            if breach not in index:
                if len(breach_ids) >= 0xFFFE:  # 0xFFFF marks padding in buckets
                    raise UserError("service.admin.too_many_breaches")
                index[breach] = len(breach_ids)
                breach_ids.append(breach)
            writer.writerow((encode(identifier).hex(), index[breach]))
            count += 1
    return breach_ids, count


def _evaluate(db: duckdb.DuckDBPyConnection, work: Path, settings: BuildSettings) -> int:
    """Dedupe by identifier, evaluate in parallel, spool (prefix32, tag, breach) rows. Returns identifiers seen."""
    source = _csv_source(work / "records.csv", "{'x': 'VARCHAR', 'b': 'INTEGER'}")
    db.execute("CREATE VIEW records AS SELECT * FROM " + source)  # noqa: S608 - see _csv_source
    cursor = db.execute("SELECT x, list_sort(list(DISTINCT b)) FROM records GROUP BY x ORDER BY x")
    identifiers = 0

    def chunks() -> Iterator[list[Row]]:
        nonlocal identifiers
        while batch := cursor.fetchmany(CHUNK):
            identifiers += len(batch)
            yield [(bytes.fromhex(x), tuple(b)) for x, b in batch]

    with (work / "outputs.csv").open("w", newline="", encoding="ascii") as out:
        writer = csv.writer(out)
        for results in evaluate_all(settings.oprf_key.secret, chunks(), settings.workers):
            for prefix32, tag, breaches in results:
                for breach in breaches:
                    writer.writerow((prefix32, tag.hex(), breach))
    return identifiers


def _write_epoch(db: duckdb.DuckDBPyConnection, work: Path, out: Path, bits: int, epoch_id: int) -> site.EpochFiles:
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
                        yield current, entries
                    current, entries = prefix, []
                entries.append((bytes.fromhex(tag), breach))
        if current is not None:
            yield current, entries

    return site.write_buckets(out, epoch_id, bits, capacity, grouped(), int(total))
