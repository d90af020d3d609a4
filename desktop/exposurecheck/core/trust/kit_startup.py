"""Checking the USB kit the app was started from, before it is used, without re-reading the stick on every start.

The first start from a kit verifies it in full (`kit.verify_kit`: signature, trusted signer, every file's hash).
Afterwards a small record in the state folder remembers the kit's signature and the size and modification time of
every file; a later start that finds all of them unchanged is accepted without hashing the 100-200 MB again, and any
difference (a file changed, added or removed, another signature, another signer) triggers the full check.

What this protects against: a stick damaged or changed in transit, or a kit re-signed by someone else. What it
cannot: someone who can rewrite the stick can also rewrite the app that does this check, so NGOs should also
check kits from an installed copy (`exposure-check kit verify DIR`). The record holds only file names from the
kit, sizes and times: nothing about the person.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exposurecheck.core import paths
from exposurecheck.core.atomic import write_private_atomic
from exposurecheck.core.errors import UserError
from exposurecheck.core.trust import kit

RECORD_NAME = "kit-verified.json"
_RECORD_FORMAT = "exposurecheck.kit-verified"


@dataclass(frozen=True)
class StartedKit:
    """The kit the app runs from and how its check went: exactly one of `verified` and `error` is set."""

    root: Path
    verified: kit.VerifiedKit | None = None
    error: UserError | None = None
    from_record: bool = False  # accepted because nothing changed since a full check on this computer

    @property
    def ok(self) -> bool:
        return self.verified is not None


def check_started_kit(
    trusted: Iterable[bytes],
    *,
    executable: Path | None = None,
    state_dir: Path | None = None,
    progress: kit.Progress | None = None,
) -> StartedKit | None:
    """Check the kit around `executable` (default: this frozen app); None when it was not started from a kit.

    Call it from a worker: the first check of a kit hashes every file on it. Never raises for a bad kit: the
    `UserError` is returned in `StartedKit.error` for the GUI to show.
    """
    if executable is None:
        if not getattr(sys, "frozen", False):
            return None
        executable = Path(sys.executable)
    root = kit.find_kit_root(executable)
    if root is None:
        return None
    trusted_keys = tuple(bytes(key) for key in trusted)
    record_path = (state_dir or paths.state_dir()) / RECORD_NAME
    try:
        snapshot = _snapshot(root)
        remembered = _read_record(record_path)
        if remembered is not None and remembered.get("snapshot") == snapshot:
            signer = bytes.fromhex(str(remembered.get("signer", "")))
            if signer in trusted_keys:
                files, total = len(snapshot["files"]), _total(snapshot)
                verified = kit.VerifiedKit(root, signer, files, total, manifest=kit.read_manifest(root))
                return StartedKit(root, verified, from_record=True)
        verified = kit.verify_kit(root, trusted_keys, progress)
    except UserError as error:
        return StartedKit(root, error=error)
    except (OSError, ValueError):
        return StartedKit(root, error=UserError("kit.unreadable", file=kit.SUMS_NAME))
    _write_record(record_path, {"format": _RECORD_FORMAT, "signer": verified.signer.hex(), "snapshot": snapshot})
    return StartedKit(root, verified=verified)


def _snapshot(root: Path) -> dict[str, Any]:
    """What must be unchanged for a remembered check to stand: the signature and every file's size and mtime."""
    files = {}
    for name in kit.kit_files(root):
        info = (root / name).stat()
        files[name] = [info.st_size, info.st_mtime_ns]
    signature = hashlib.sha256((root / kit.SIGNATURE_NAME).read_bytes()).hexdigest()
    sums = hashlib.sha256((root / kit.SUMS_NAME).read_bytes()).hexdigest()
    return {"root": str(root.resolve()), "signature": signature, "sums": sums, "files": files}


def _total(snapshot: dict[str, Any]) -> int:
    return sum(size for size, _mtime in snapshot["files"].values())


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no record, or a damaged one: verify in full
    if not isinstance(data, dict) or data.get("format") != _RECORD_FORMAT:
        return None
    return data


def _write_record(path: Path, record: dict[str, Any]) -> None:
    # Only a speed-up: if it cannot be written (read-only home, full disk), the next start verifies in full again.
    with contextlib.suppress(OSError):
        write_private_atomic(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))
