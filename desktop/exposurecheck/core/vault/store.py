"""The encrypted vault: the only place anything about a person is kept, and only when they ask.

Nothing is written by a check. When a person chooses to keep a check (for follow-up, or to tick off the checklist
later), it goes into one file, `paths.data_dir()/vault.ecv`: AES-256-GCM with a versioned header as associated data
(see `vault_format`), written atomically (temporary file, fsync, rename, fsync folder), mode 0600 in a 0700 folder.
The key is 32 random bytes kept only in the OS keyring (`keystore`). With no usable keyring nothing is saved and the
caller gets a `KeystoreUnavailable` (a translated `UserError`); the person may then opt into a passphrase, from
which scrypt derives the key (the passphrase and key are never stored; the salt is in the header).

API for the GUI and the CLI::

    vault = Vault.open()                      # or Vault.open(passphrase="...")
    # raises UserError: KeystoreUnavailable (vault.keyring.none / .locked / .refused / .damaged),
    #   vault.needs_passphrase, vault.passphrase_wrong, vault.uses_keyring, vault.newer_version, vault.read_failed
    vault.set_aside                           # files moved out of the way while opening: tell the person
    check_id = vault.save_check(report, note="", identifiers=None)   # identifiers kept ONLY if passed
    vault.list_checks() -> list[SavedCheckSummary]                    # newest first
    vault.load_check(check_id) -> SavedCheck
    vault.delete_check(check_id)
    vault.set_done(check_id, item_id, done)   # checklist progress; item_id is an advice code such as "P-01"
    wipe_everything() -> WipeReport           # in exposurecheck.core.wipe: vault, keyring entry, settings, all

Every method that changes the vault re-reads the file first, so two windows or a GUI and a CLI do not undo each
other's saves (a write between that read and the rename can still be lost: there is no cross-process lock).

A file that is not a vault, is damaged, or was written with a key that is no longer in the keyring is never
overwritten: it is renamed `vault.ecv.<reason>-<UTC time>` and listed in `Vault.set_aside`. A failed write (full
disk, I/O error) raises `UserError("vault.disk_full" | "vault.write_failed")` and leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exposurecheck.core import paths
from exposurecheck.core.atomic import remove_stale_temp_files, set_aside, write_private_atomic
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.report import Report
from exposurecheck.core.vault import codec as vault_codec
from exposurecheck.core.vault.format import (
    Damaged,
    FormatError,
    Header,
    KeySource,
    WrongKey,
    derive_passphrase_key,
    new_passphrase_header,
    open_sealed,
    parse_header,
    seal,
)
from exposurecheck.core.vault.keystore import KeyringKeyStore, KeystoreUnavailable

__all__ = [
    "KeystoreUnavailable",
    "SavedCheck",
    "SavedCheckSummary",
    "SetAside",
    "Vault",
    "saved_check_count",
    "vault_exists",
    "vault_path",
]

VAULT_FILE_NAME = "vault.ecv"
FORMAT = "exposurecheck.vault"
FORMAT_VERSION = 1
MAX_NOTE_CHARS = 500
_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CHECK_ID = re.compile(r"^[0-9a-f]{10}$")

log = logging.getLogger(__name__)


def vault_path() -> Path:
    return paths.data_dir() / VAULT_FILE_NAME


def vault_exists() -> bool:
    """True if a vault file is there (says nothing about whether it can be opened)."""
    return vault_path().is_file()


def saved_check_count(keystore: KeyringKeyStore | None = None, path: Path | None = None) -> int | None:
    """How many checks the vault holds, for "this deletes the N saved checks" before a wipe; None when they cannot
    be counted without more from the person (a passphrase vault, a locked or missing keyring, a damaged file).

    Read only: unlike `Vault.open`, it never creates a keyring entry and never sets a file aside, since the person
    may still answer "no".
    """
    path = path or vault_path()
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return 0
    except OSError:
        return None
    try:
        header, _offset = parse_header(blob)
        if header.key_source is not KeySource.KEYRING:
            return None
        key = (keystore or KeyringKeyStore()).get_key()
        if key is None:
            return None
        data = json.loads(open_sealed(blob, key).decode("utf-8"))
    except (FormatError, KeystoreUnavailable, WrongKey, Damaged, ValueError, UnicodeDecodeError):
        return None
    checks = data.get("checks") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return len(checks) if isinstance(checks, list) else None


@dataclass(frozen=True)
class SetAside:
    """A file moved out of the way. `reason`: "foreign", "damaged", "no-key" (the keyring no longer has its key)
    or "wrong-key" (the keyring has a different key)."""

    path: Path
    reason: str

    def message(self, lang: str = "en") -> str:
        return tr(f"vault.set_aside.{self.reason}", lang, path=str(self.path))


@dataclass(frozen=True)
class SavedCheckSummary:
    id: str
    saved_at: str  # ISO 8601, UTC, to the second
    note: str
    exposure_count: int
    checked_types: tuple[IdentifierType, ...]
    has_identifiers: bool
    done_count: int
    demo: bool = False  # a practice check: any result in it came from demo data


@dataclass(frozen=True)
class SavedCheck:
    id: str
    saved_at: str
    note: str
    report: Report
    identifiers: tuple[Identifier, ...] = field(default=(), repr=False)
    done: frozenset[str] = frozenset()


class Vault:
    """An opened vault. Create with `Vault.open()`; see the module docstring for the whole API."""

    def __init__(self, path: Path, keystore: KeyringKeyStore, source: KeySource, key: bytes | None, header: Header):
        self.path = path
        self._keystore = keystore
        self.key_source = source
        self._key = key
        self._header = header
        self._checks: list[dict[str, Any]] = []
        self.set_aside: list[SetAside] = []

    # ----- opening -------------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, passphrase: str | None = None, *, keystore: KeyringKeyStore | None = None, path: Path | None = None
    ) -> Vault:
        """Open (or prepare to create) the vault. Nothing is written until the first change.

        Without `passphrase` the key comes from the OS keyring, which must be reachable and unlocked even if no
        vault exists yet (so the person is told before they rely on saving). With `passphrase` the keyring is not
        touched at all.
        """
        path = path or vault_path()
        keystore = keystore or KeyringKeyStore()
        if passphrase is not None and not passphrase:
            raise UserError("vault.passphrase_empty")
        _tighten_permissions(path)
        removed = remove_stale_temp_files(path.parent)
        if removed:
            log.info("removed %d unfinished vault write(s)", len(removed))
        existing = _existing_passphrase_header(path)
        if passphrase is None:
            if existing is not None:
                # Say what is needed (the passphrase) rather than what is missing (a keyring it does not use).
                raise UserError("vault.needs_passphrase")
            key = keystore.get_key()  # raises KeystoreUnavailable: no keyring, locked, refused
            vault = cls(path, keystore, KeySource.KEYRING, key, Header(KeySource.KEYRING))
        else:
            header = existing or new_passphrase_header()
            key = derive_passphrase_key(passphrase, header)
            vault = cls(path, keystore, KeySource.PASSPHRASE, key, header)
        vault._reload()
        return vault

    def _reload(self) -> None:
        """Read the file (if any) into memory; set it aside if it cannot be a readable vault."""
        try:
            blob = self.path.read_bytes()
        except FileNotFoundError:
            self._checks = []
            return
        except OSError as exc:
            raise UserError("vault.read_failed", error=_errno_name(exc)) from exc
        try:
            header, _offset = parse_header(blob)
        except FormatError as exc:
            if exc.reason == "newer":
                raise UserError("vault.newer_version") from exc
            self._set_aside("foreign")
            return
        if header.key_source is KeySource.KEYRING:
            self._reload_keyring(blob)
        else:
            self._reload_passphrase(blob, header)

    def _reload_keyring(self, blob: bytes) -> None:
        if self.key_source is not KeySource.KEYRING:
            raise UserError("vault.uses_keyring")
        if self._key is None:
            self._key = self._keystore.get_key()
        if self._key is None:
            self._set_aside("no-key")
            return
        try:
            plaintext = open_sealed(blob, self._key)
        except WrongKey:
            self._set_aside("wrong-key")
            return
        except Damaged:
            self._set_aside("damaged")
            return
        self._decode(plaintext)

    def _reload_passphrase(self, blob: bytes, header: Header) -> None:
        if self.key_source is not KeySource.PASSPHRASE:
            raise UserError("vault.needs_passphrase")
        if self._key is None or header.salt != self._header.salt:
            # Another process replaced the vault with one under a different passphrase since we opened it.
            raise UserError("vault.changed_elsewhere")
        try:
            plaintext = open_sealed(blob, self._key)
        except WrongKey as exc:
            # A wrong passphrase must never move the person's vault aside.
            raise UserError("vault.passphrase_wrong") from exc
        except Damaged:
            self._set_aside("damaged")
            return
        self._decode(plaintext)

    def _decode(self, plaintext: bytes) -> None:
        try:
            data = json.loads(plaintext.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError("not a vault body")
            if data.get("version") != FORMAT_VERSION:
                raise ValueError("unknown body version")
            checks = data["checks"]
            if not isinstance(checks, list):
                raise ValueError("checks")
            for entry in checks:
                _validate_entry(entry)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            self._set_aside("damaged")
            return
        self._checks = checks

    def _set_aside(self, reason: str) -> None:
        try:
            moved = set_aside(self.path, reason)
        except OSError as exc:
            # Never overwrite what we could not move: stop here.
            raise UserError("vault.set_aside_failed", error=_errno_name(exc)) from exc
        log.warning("vault file set aside (%s)", reason)
        self.set_aside.append(SetAside(moved, reason))
        self._checks = []

    # ----- reading -------------------------------------------------------------------------------------------

    def list_checks(self) -> list[SavedCheckSummary]:
        """Saved checks, newest first."""
        summaries = [
            SavedCheckSummary(
                id=entry["id"],
                saved_at=entry["saved_at"],
                note=entry["note"],
                exposure_count=len(entry["report"]["exposures"]),
                checked_types=tuple(IdentifierType(t) for t in entry["report"]["checked_types"]),
                has_identifiers="identifiers" in entry,
                done_count=len(entry["done"]),
                demo=any(item.get("demo") is True for part in ("exposures", "sources")
                         for item in entry["report"].get(part, ()) if isinstance(item, dict)),
            )
            for entry in self._checks
        ]
        return sorted(summaries, key=lambda s: (s.saved_at, s.id), reverse=True)

    def load_check(self, check_id: str) -> SavedCheck:
        """One saved check. Raises `UserError("vault.no_such_check")`."""
        entry = self._find(check_id)
        return SavedCheck(
            id=entry["id"],
            saved_at=entry["saved_at"],
            note=entry["note"],
            report=vault_codec.report_from_json(entry["report"]),
            identifiers=vault_codec.identifiers_from_json(entry.get("identifiers", [])),
            done=frozenset(entry["done"]),
        )

    def _find(self, check_id: str) -> dict[str, Any]:
        wanted = check_id.strip().lower()
        for entry in self._checks:
            if entry["id"] == wanted:
                return entry
        raise UserError("vault.no_such_check", id=_printable_id(check_id))

    # ----- changing ------------------------------------------------------------------------------------------

    def save_check(
        self, report: Report, *, note: str = "", identifiers: tuple[Identifier, ...] | list[Identifier] | None = None
    ) -> str:
        """Keep `report` (without what was sent) and return its id.

        The identifiers themselves are kept only when `identifiers` is given, which callers must do only when the
        person explicitly asked to keep them for a later re-check.
        """
        note = note.strip()
        if len(note) > MAX_NOTE_CHARS:
            raise UserError("vault.note_too_long", limit=MAX_NOTE_CHARS)
        self._reload()
        existing = {entry["id"] for entry in self._checks}
        check_id = secrets.token_hex(5)
        while check_id in existing:
            check_id = secrets.token_hex(5)
        entry: dict[str, Any] = {
            "id": check_id,
            "saved_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "note": note,
            "report": vault_codec.report_to_json(report),
            "done": [],
        }
        if identifiers is not None:
            entry["identifiers"] = vault_codec.identifiers_to_json(tuple(identifiers))
        self._write([*self._checks, entry])
        return check_id

    def delete_check(self, check_id: str) -> None:
        self._reload()
        entry = self._find(check_id)
        self._write([e for e in self._checks if e is not entry])

    def set_done(self, check_id: str, item_id: str, done: bool) -> None:
        """Tick (or untick) one checklist item of a saved check."""
        if not _ITEM_ID.match(item_id):
            raise UserError("vault.bad_item_id")
        self._reload()
        entry = self._find(check_id)
        marked = set(entry["done"])
        if done:
            marked.add(item_id)
        else:
            marked.discard(item_id)
        updated = {**entry, "done": sorted(marked)}
        self._write([updated if e is entry else e for e in self._checks])

    def _write(self, checks: list[dict[str, Any]]) -> None:
        if self._key is None:
            # Only a keyring vault starts without a key (passphrase vaults derive theirs in open()).
            self._key = self._keystore.create_key()  # raises KeystoreUnavailable: nothing is written then
        body = json.dumps(
            {"format": FORMAT, "version": FORMAT_VERSION, "checks": checks}, ensure_ascii=False, separators=(",", ":")
        ).encode("utf-8")
        blob = seal(body, self._key, self._header)
        try:
            write_private_atomic(self.path, blob)
        except OSError as exc:
            log.warning("vault write failed (%s); the previous vault is unchanged", _errno_name(exc))
            if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
                raise UserError("vault.disk_full") from exc
            raise UserError("vault.write_failed", error=_errno_name(exc)) from exc
        self._checks = checks


def _validate_entry(entry: Any) -> None:
    if not isinstance(entry, dict):
        raise ValueError("entry")
    if not isinstance(entry.get("id"), str) or not _CHECK_ID.match(entry["id"]):
        raise ValueError("id")
    if not isinstance(entry.get("saved_at"), str) or not isinstance(entry.get("note"), str):
        raise ValueError("fields")
    done = entry.get("done")
    if not isinstance(done, list) or not all(isinstance(d, str) for d in done):
        raise ValueError("done")
    vault_codec.report_from_json(entry.get("report"))
    if "identifiers" in entry:
        vault_codec.identifiers_from_json(entry["identifiers"])


def _tighten_permissions(path: Path) -> None:
    """An existing data folder or vault copied in with looser modes (a stick, a backup) is made private at start."""
    if os.name != "posix" or not path.parent.is_dir():
        return
    paths.ensure_private_dir(path.parent)
    with contextlib.suppress(FileNotFoundError):
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)


def _existing_passphrase_header(path: Path) -> Header | None:
    """The header of a passphrase vault already at `path` (its salt and cost derive the key), else None."""
    try:
        with path.open("rb") as handle:
            start = handle.read(256)
        header, _offset = parse_header(start + b"\0" * 16)  # only the header is needed here
    except (OSError, FormatError):
        return None  # _reload() reports these properly
    return header if header.key_source is KeySource.PASSPHRASE else None


def _errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)


def _printable_id(text: str) -> str:
    # Echo back only what could be a check id, so a mistyped identifier is never printed.
    cleaned = text.strip()[:12]
    return cleaned if re.fullmatch(r"[0-9A-Za-z]*", cleaned) else "?"
