"""Writing a lookup-service site: padded bucket files with Merkle proofs, the catalog and the signed manifests.

The site is plain static files (docs/protocol.md section 2), so any static host, CDN or nginx can serve it. Every
manifest the service publishes stays in the site under its hash (`v2/manifests/`), so a client that pinned an older
one can follow the chain to the current one.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from exposurecheck.core.errors import UserError
from exposurecheck.core.protocol import bucket as buckets
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol import merkle, paths
from exposurecheck.core.protocol.canonical import canonical_json
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Envelope, Epoch, Manifest, parse_payload, read_envelope

# What a version 1 app finds at its manifest path: an envelope of a newer version, so it asks its user to update.
LEGACY_STUB = canonical_json({"format": manifests.ENVELOPE_FORMAT, "version": manifests.VERSION})


@dataclass(frozen=True)
class EpochFiles:
    """What the manifest needs to know about the buckets just written."""

    epoch_id: int
    prefix_bits: int
    capacity: int
    bucket_bytes: int
    merkle_root: bytes
    record_count: int


# A bucket entry as the body stores it (big-endian tag, then breach index: 10 bytes, docs/protocol.md section 5).
BODY_ENTRY = np.dtype([("tag", ">u8"), ("breach", ">u2")])


def write_buckets(
    site: Path,
    epoch_id: int,
    prefix_bits: int,
    capacity: int,
    grouped: Iterable[tuple[int, np.ndarray]],
    record_count: int,
) -> EpochFiles:
    """Write every bucket of the epoch (empty ones too), each with its Merkle proof.

    `grouped` yields (prefix, entries) in increasing prefix order, skipping empty prefixes; entries are a numpy
    array with fields `tag` (u8) and `breach` (u2), in any order. Each body goes straight into its bucket file
    while the leaves are hashed, and the proofs are appended once the whole tree is known: memory stays at one
    bucket plus the tree, and no scratch copy of the buckets is ever made (the site is all the disk it takes).
    """
    folder = site / paths.epoch_folder(epoch_id) / "buckets"
    folder.mkdir(parents=True, exist_ok=True)
    base = os.fspath(folder) + os.sep
    leaves: list[bytes] = []
    pending = iter(grouped)
    upcoming = next(pending, None)
    empty = np.empty(0, BODY_ENTRY)
    for prefix in range(1 << prefix_bits):
        entries: np.ndarray = empty
        if upcoming is not None and upcoming[0] == prefix:
            entries = upcoming[1]
            upcoming = next(pending, None)
        pad = os.urandom((capacity - len(entries)) * buckets.TAG_BYTES)
        body = bucket_body(epoch_id, prefix, prefix_bits, entries, capacity, pad)
        handle = os.open(base + buckets.bucket_name(prefix, prefix_bits), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            _write_all(handle, body)
        finally:
            os.close(handle)
        leaves.append(merkle.leaf_hash(body))
    if upcoming is not None:
        raise ValueError("bucket groups out of order")
    levels = merkle.build_levels(leaves)
    for prefix in range(1 << prefix_bits):
        handle = os.open(base + buckets.bucket_name(prefix, prefix_bits), os.O_WRONLY | os.O_APPEND)
        try:
            _write_all(handle, merkle.proof_for(levels, prefix))
        finally:
            os.close(handle)
    return EpochFiles(
        epoch_id=epoch_id,
        prefix_bits=prefix_bits,
        capacity=capacity,
        bucket_bytes=buckets.file_size(capacity, prefix_bits),
        merkle_root=levels[-1][0],
        record_count=record_count,
    )


def bucket_body(epoch_id: int, prefix: int, prefix_bits: int, entries: np.ndarray, capacity: int, pad: bytes) -> bytes:
    """`bucket.encode_body` for a numpy array of entries (fields `tag`, `breach`): the same bytes, without a
    Python object per entry. `pad` holds one random tag per padding entry."""
    count = len(entries)
    if count > capacity:
        raise ValueError("more entries than the bucket capacity")
    if len(pad) != (capacity - count) * buckets.TAG_BYTES:
        raise ValueError("need exactly one random tag per padding entry")
    rows = np.empty(capacity, BODY_ENTRY)
    rows["tag"][:count] = entries["tag"]
    rows["breach"][:count] = entries["breach"]
    rows["tag"][count:] = np.frombuffer(pad, ">u8")
    rows["breach"][count:] = buckets.PADDING
    # Sorted by tag, then breach index: big-endian tags compare as numbers exactly as their bytes compare.
    order = np.lexsort((rows["breach"].astype(np.uint16), rows["tag"].astype(np.uint64)))
    return buckets.encode_header(epoch_id, prefix, prefix_bits, capacity) + rows[order].tobytes()


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def epoch_entry(files: EpochFiles, public_key: bytes) -> dict[str, Any]:
    return {
        "id": files.epoch_id,
        "suite": manifests.SUITE,
        "mode": manifests.MODE,
        "public_key": public_key.hex(),
        "prefix_bits": files.prefix_bits,
        "tag_bytes": buckets.TAG_BYTES,
        "bucket_count": 1 << files.prefix_bits,
        "bucket_entries": files.capacity,
        "bucket_bytes": files.bucket_bytes,
        "merkle_root": files.merkle_root.hex(),
        "record_count": files.record_count,
    }


def manifest_payload(
    *,
    service_name: str,
    sequence: int,
    previous: bytes,
    issued_at: datetime,
    valid_for: timedelta,
    epochs: Sequence[dict[str, Any]],
    current_epoch: int,
    breach_ids: Sequence[str],
    catalog: Any,
    batch_size: int,
    buckets_per_check: int,
    bucketing_key: bytes,
    publisher_keys: Sequence[bytes],
    announced_publisher_keys: Sequence[bytes] = (),
    announced_oprf_keys: Sequence[bytes] = (),
    types: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The manifest as a dict (docs/protocol.md section 3.2); `previous` is empty for a service's first manifest.
    `types`: the identifier kinds the current epoch holds (left out when not given)."""
    payload = {
        "format": manifests.MANIFEST_FORMAT,
        "version": manifests.VERSION,
        "service": service_name,
        "sequence": sequence,
        "previous": previous.hex(),
        "issued_at": manifests.format_time(issued_at),
        "expires_at": manifests.format_time(issued_at + valid_for),
        "current_epoch": current_epoch,
        "batch_size": batch_size,
        "buckets_per_check": buckets_per_check,
        "bucketing_key": bucketing_key.hex(),
        "publisher_keys": [key.hex() for key in publisher_keys],
        "announced": {
            "publisher_keys": [key.hex() for key in announced_publisher_keys],
            "oprf_keys": [key.hex() for key in announced_oprf_keys],
        },
        "epochs": list(epochs),
        "breach_ids": list(breach_ids),
        "catalog": catalog,
    }
    if types is not None:
        payload["types"] = sorted(set(types))
    return payload


def publish(site: Path, envelope: bytes) -> Manifest:
    """Install signed envelope bytes as the site's current manifest and return it (parsed).

    Order matters for a site being served while it changes: the history copy and the catalog first, the legacy
    stub, and `v2/manifest.json` last and atomically, because it is what commits the new state.
    """
    opened = read_envelope(envelope)
    manifest = parse_payload(opened.body)
    history = site / paths.history_manifest(manifest.digest)
    history.parent.mkdir(parents=True, exist_ok=True)
    _replace(history, envelope)
    _replace(site / paths.CATALOG, canonical_json(manifest.catalog))
    _replace(site / paths.LEGACY_MANIFEST, LEGACY_STUB)
    _replace(site / paths.MANIFEST, envelope)
    return manifest


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def read_site_envelope(site: Path) -> Envelope:
    """The site's current manifest envelope (not signature-checked: the operator built it; clients check it)."""
    try:
        return read_envelope((site / paths.MANIFEST).read_bytes())
    except (OSError, ProtocolError):
        raise UserError("service.admin.site_missing", path=str(site)) from None


def read_site_manifest(site: Path) -> Manifest:
    """The site's current manifest, parsed (not signature-checked)."""
    try:
        return parse_payload(read_site_envelope(site).body)
    except ProtocolError:
        raise UserError("service.admin.site_missing", path=str(site)) from None


def read_site_payload(site: Path) -> dict[str, Any]:
    """The site's current manifest as the dict it was made from (for a renewal that changes a few fields)."""
    read_site_manifest(site)  # refuses anything that is not a valid manifest
    payload: dict[str, Any] = json.loads(read_site_envelope(site).body)  # an object: parse_payload checked it
    return payload


def epoch_entry_from(epoch: Epoch) -> dict[str, Any]:
    """The manifest entry of an epoch read back from an earlier site (for key change-overs)."""
    files = EpochFiles(
        epoch_id=epoch.id,
        prefix_bits=epoch.prefix_bits,
        capacity=epoch.bucket_entries,
        bucket_bytes=epoch.bucket_bytes,
        merkle_root=epoch.merkle_root,
        record_count=epoch.record_count,
    )
    return epoch_entry(files, epoch.public_key)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def copy_epoch(previous_site: Path, site: Path, epoch_id: int) -> None:
    """Carry an older epoch's buckets into a new site (hard links where the file system allows: no extra space)."""
    source = previous_site / paths.epoch_folder(epoch_id)
    target = site / paths.epoch_folder(epoch_id)
    shutil.copytree(source, target, copy_function=_link_or_copy)


def copy_history(previous_site: Path, site: Path) -> None:
    """Carry every manifest the service has published into a new site, so clients can still follow the chain."""
    source = previous_site / paths.HISTORY
    if source.is_dir():
        shutil.copytree(source, site / paths.HISTORY, copy_function=_link_or_copy, dirs_exist_ok=True)
