"""What the app remembers about each lookup service: its pinned keys (core/protocol/chain.py), per base URL.

Each entry holds the service's public keys, the hash and sequence of the last manifest accepted (rollback and fork
protection), and how many bits of the bucketing output checks against it have revealed. None of it says anything
about the person or what they checked: it is the kind of setting DESIGN.md section 7 allows in a plain JSON file in
the state folder. It is written atomically, so a crash cannot leave a half-written file that would silently reset
the protection; an unreadable file reads as empty (first use again), which costs protection but never a check.
Every change is a read-modify-write under an exclusive lock on a lock file beside it: sources run at once (and the
window and the command line may too), and a lost update would forget a pin, so the next check would count as first
use and accept any keys.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from exposurecheck.core.paths import ensure_private_dir, state_dir
from exposurecheck.core.protocol.chain import Pin

FILE_NAME = "service-pins.json"
LOCK_NAME = "service-pins.lock"
FORMAT = "exposurecheck.service-pins"
MAX_FILE_BYTES = 1024 * 1024


class PinStore:
    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder

    @property
    def path(self) -> Path:
        return (self._folder or state_dir()) / FILE_NAME

    def _read(self) -> dict[str, Any]:
        try:
            with self.path.open("rb") as handle:
                data = json.loads(handle.read(MAX_FILE_BYTES))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("services"), dict):
            return {}
        return data["services"]

    def all(self) -> dict[str, Pin]:
        """Every readable pin, by base URL (damaged entries left out)."""
        pins = {}
        for url in self._read():
            pin = self.get(url)
            if pin is not None:
                pins[url] = pin
        return pins

    def get(self, base_url: str) -> Pin | None:
        entry = self._read().get(base_url)
        try:
            return _pin_from(entry) if isinstance(entry, dict) else None
        except (KeyError, TypeError, ValueError):
            return None  # a damaged entry is treated as first use

    def put(self, base_url: str, pin: Pin) -> None:
        """Remember `pin` for `base_url`. Failing to write only weakens the protection, so an unwritable state folder
        does not stop a check."""
        with self._locked():
            services = self._read()
            services[base_url] = _pin_to(pin)
            self._write(services)

    def forget(self, base_url: str) -> bool:
        """Drop what is pinned for a service (after its organisation confirmed a key change out of band)."""
        with self._locked():
            services = self._read()
            if services.pop(base_url, None) is None:
                return False
            self._write(services)
            return True

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Exclusive for the read-modify-write: across threads (the lock below) and across processes (a lock on a
        file beside the pins, where the system has one). Without a usable state folder the write fails anyway."""
        with _THREADS:
            try:
                folder = ensure_private_dir(self.path.parent)
                handle = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                yield
                return
            try:
                # Unlockable: the thread lock still holds; another process at once is rare and risks one lost pin.
                with suppress(OSError):
                    _lock_file(handle)
                yield
            finally:
                os.close(handle)  # closing releases the lock

    def _write(self, services: dict[str, Any]) -> None:
        try:
            folder = ensure_private_dir(self.path.parent)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".pins-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"format": FORMAT, "services": services}, out, sort_keys=True)
            os.replace(temporary, self.path)
        except OSError:
            return


_THREADS = threading.Lock()  # one process's sources; the file lock covers other processes


def _lock_file(handle: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(handle, msvcrt.LK_LOCK, 1)  # retries for about 10 s, then raises OSError
    else:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX)


def _pin_to(pin: Pin) -> dict[str, Any]:
    return {
        "manifest": pin.digest.hex(),
        "sequence": pin.sequence,
        "bucketing_key": pin.bucketing_key.hex(),
        "publisher_keys": sorted(k.hex() for k in pin.publisher_keys),
        "oprf_keys": sorted(k.hex() for k in pin.oprf_keys),
        "revealed_bits": pin.revealed_bits,
    }


def _pin_from(entry: dict[str, Any]) -> Pin:
    sequence, bits = entry["sequence"], entry["revealed_bits"]
    if not isinstance(sequence, int) or not isinstance(bits, int) or not 0 <= bits <= 64:
        raise ValueError("damaged pin")
    return Pin(
        digest=_raw(entry["manifest"]),
        sequence=sequence,
        bucketing_key=_raw(entry["bucketing_key"]),
        publisher_keys=frozenset(_raw(k) for k in entry["publisher_keys"]),
        oprf_keys=frozenset(_raw(k) for k in entry["oprf_keys"]),
        revealed_bits=bits,
    )


def _raw(value: object) -> bytes:
    raw = bytes.fromhex(value) if isinstance(value, str) else b""
    if len(raw) != 32:
        raise ValueError("damaged pin")
    return raw
