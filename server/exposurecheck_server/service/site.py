"""Writing a lookup-service site: padded bucket files with Merkle proofs, the catalog and the signed manifest.

The site is plain static files (docs/protocol.md section 2), so any static host, CDN or nginx can serve it.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.errors import UserError
from exposurecheck.core.protocol import bucket as buckets
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol import merkle
from exposurecheck.core.protocol.canonical import canonical_json
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Epoch, Manifest, parse_payload


@dataclass(frozen=True)
class EpochFiles:
    """What the manifest needs to know about the buckets just written."""

    epoch_id: int
    prefix_bits: int
    capacity: int
    bucket_bytes: int
    merkle_root: bytes
    record_count: int


def write_buckets(
    site: Path,
    epoch_id: int,
    prefix_bits: int,
    capacity: int,
    grouped: Iterable[tuple[int, Sequence[tuple[bytes, int]]]],
    record_count: int,
) -> EpochFiles:
    """Write every bucket of the epoch (empty ones too), each with its Merkle proof.

    `grouped` yields (prefix, entries) in increasing prefix order, skipping empty prefixes. Bodies are spooled to
    one scratch file (they all have the same size) while the leaves are hashed, and each bucket file is written
    once the whole tree is known: memory stays at one bucket plus the tree, and every file is opened only once.
    """
    folder = site / "v1" / "epochs" / str(epoch_id) / "buckets"
    folder.mkdir(parents=True, exist_ok=True)
    size = buckets.body_size(capacity)
    leaves: list[bytes] = []
    pending = iter(grouped)
    upcoming = next(pending, None)
    with tempfile.TemporaryFile(dir=site) as spool:
        for prefix in range(1 << prefix_bits):
            entries: Sequence[tuple[bytes, int]] = ()
            if upcoming is not None and upcoming[0] == prefix:
                entries = upcoming[1]
                upcoming = next(pending, None)
            pad = os.urandom((capacity - len(entries)) * buckets.TAG_BYTES)
            body = buckets.encode_body(epoch_id, prefix, prefix_bits, entries, capacity, pad)
            spool.write(body)
            leaves.append(merkle.leaf_hash(body))
        if upcoming is not None:
            raise ValueError("bucket groups out of order")
        levels = merkle.build_levels(leaves)
        spool.seek(0)
        base = os.fspath(folder) + os.sep
        for prefix in range(1 << prefix_bits):
            body = spool.read(size)
            handle = os.open(
                base + buckets.bucket_name(prefix, prefix_bits), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644
            )
            try:
                _write_all(handle, body + merkle.proof_for(levels, prefix))
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


def write_manifest(
    site: Path,
    *,
    service_name: str,
    sequence: int,
    issued_at: datetime,
    valid_for: timedelta,
    epochs: Sequence[dict[str, Any]],
    current_epoch: int,
    breach_ids: Sequence[str],
    catalog: Any,
    batch_size: int,
    buckets_per_check: int,
    signing_keys: Sequence[Ed25519PrivateKey],
) -> bytes:
    """Sign and write `v1/manifest.json` (and `v1/catalog.json` for people and tools); returns the envelope."""
    payload = {
        "format": manifests.MANIFEST_FORMAT,
        "version": manifests.VERSION,
        "service": service_name,
        "sequence": sequence,
        "issued_at": manifests.format_time(issued_at),
        "expires_at": manifests.format_time(issued_at + valid_for),
        "current_epoch": current_epoch,
        "batch_size": batch_size,
        "buckets_per_check": buckets_per_check,
        "epochs": list(epochs),
        "breach_ids": list(breach_ids),
        "catalog": catalog,
    }
    envelope = manifests.sign_envelope(payload, signing_keys)
    folder = site / "v1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "catalog.json").write_bytes(canonical_json(catalog))
    temporary = folder / ".manifest.json.tmp"
    temporary.write_bytes(envelope)
    os.replace(temporary, folder / "manifest.json")  # the manifest goes last and atomically: it commits the site
    return envelope


def read_site_manifest(site: Path) -> Manifest:
    """The site's own manifest (not signature-checked: the operator built it; the clients check it)."""
    try:
        envelope = json.loads((site / "v1" / "manifest.json").read_bytes())
        return parse_payload(base64.b64decode(envelope["payload"], validate=True))
    except (OSError, ValueError, KeyError, TypeError, ProtocolError):
        raise UserError("service.admin.site_missing", path=str(site)) from None


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


def copy_epoch(previous_site: Path, site: Path, epoch_id: int) -> None:
    """Carry an older epoch's buckets into a new site (hard links where the file system allows: no extra space)."""
    source = previous_site / "v1" / "epochs" / str(epoch_id)
    target = site / "v1" / "epochs" / str(epoch_id)

    def link_or_copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_or_copy)
