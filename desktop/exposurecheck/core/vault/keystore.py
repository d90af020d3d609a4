"""The vault key in the OS keyring (Secret Service, macOS Keychain, Windows Credential Locker) via `keyring`.

The key is 32 random bytes, stored base64-encoded under service "exposure-check", username "vault-key". Nothing
else ever goes into the keyring. When `EXPOSURECHECK_DATA_DIR` moves the data folder (a USB stick, a test), the
username becomes "vault-key:<first 16 hex of SHA-256 of that folder's absolute path>", so two copies of the app on
one computer never share, or wipe, each other's key.

Every keyring failure becomes a `KeystoreUnavailable` (a `UserError` with a plain message: no keyring, locked, or
refused), so callers never see a backend's exception text.

The backend is injectable (`KeyringKeyStore(backend=...)`) so tests can use a small keyring class of their own for
the cases a real Secret Service cannot show on demand (one that refuses to store).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import secrets
from collections.abc import Callable
from typing import TypeVar

import keyring
import keyring.backend
import keyring.errors

from exposurecheck.core import paths
from exposurecheck.core.errors import UserError

T = TypeVar("T")

SERVICE = "exposure-check"
USERNAME = "vault-key"
KEY_BYTES = 32

log = logging.getLogger(__name__)


class KeystoreUnavailable(UserError):
    """The keyring cannot hold or give the vault key. `reason` is one of "none", "locked", "refused", "damaged"."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"vault.keyring.{reason}")
        self.reason = reason


def default_username() -> str:
    """The keyring username for the vault key of the current data folder (see the module docstring)."""
    if not os.environ.get("EXPOSURECHECK_DATA_DIR"):
        return USERNAME
    folder = str(paths.data_dir().absolute()).encode("utf-8")
    return f"{USERNAME}:{hashlib.sha256(folder).hexdigest()[:16]}"


class KeyringKeyStore:
    """Reads, creates and deletes the vault key in one keyring backend (the system default unless given)."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None, username: str | None = None) -> None:
        self._backend = backend
        self.username = username or default_username()

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def get_key(self) -> bytes | None:
        """The stored key, or None if there is none yet. Raises `KeystoreUnavailable`."""
        encoded = self._call(lambda b: b.get_password(SERVICE, self.username))
        if encoded is None:
            return None
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise KeystoreUnavailable("damaged") from exc
        if len(key) != KEY_BYTES:
            raise KeystoreUnavailable("damaged")
        return key

    def create_key(self) -> bytes:
        """Generate a new random key, store it, read it back, and return it. Raises `KeystoreUnavailable`."""
        key = secrets.token_bytes(KEY_BYTES)
        encoded = base64.b64encode(key).decode("ascii")
        self._call(lambda b: b.set_password(SERVICE, self.username, encoded))
        # Some backends accept a write and drop it (or store it somewhere we cannot read back): never encrypt
        # with a key we cannot get again.
        if self.get_key() != key:
            raise KeystoreUnavailable("refused")
        return key

    def probe(self) -> None:
        """Raise `KeystoreUnavailable` if the keyring cannot be read right now (no keyring, or locked)."""
        self.get_key()

    def delete_key(self) -> bool:
        """Remove the key; True if one was removed, False if there was none. Raises `KeystoreUnavailable`."""
        try:
            self._call(lambda b: b.delete_password(SERVICE, self.username))
        except _NoSuchEntry:
            return False
        return True

    def _call(self, operation: Callable[[keyring.backend.KeyringBackend], T]) -> T:
        backend = self.backend
        try:
            return operation(backend)
        except keyring.errors.PasswordDeleteError as exc:
            raise _NoSuchEntry from exc
        except keyring.errors.NoKeyringError as exc:
            raise KeystoreUnavailable("none") from exc
        except keyring.errors.KeyringLocked as exc:
            raise KeystoreUnavailable("locked") from exc
        except keyring.errors.InitError as exc:
            # Secret Service reachable but it could not open or create a collection (e.g. no prompt possible).
            raise KeystoreUnavailable("locked") from exc
        except keyring.errors.KeyringError as exc:
            raise KeystoreUnavailable("refused") from exc
        except (OSError, RuntimeError) as exc:
            # D-Bus and platform errors that some backends let through; the type name is safe to log.
            log.info("keyring backend failed: %s", type(exc).__name__)
            raise KeystoreUnavailable("refused") from exc


class _NoSuchEntry(Exception):
    pass
