"""The encrypted vault: real Secret Service for the key, real files, and a refusing/locked/absent keyring."""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from pathlib import Path

import keyring.backends.fail
import pytest

from exposurecheck.core import atomic, paths
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType, normalize
from exposurecheck.core.report import Exposure, Report, SentRecord, SourceState, SourceStatus
from exposurecheck.core.vault.format import MAGIC, KeySource, parse_header
from exposurecheck.core.vault.keystore import SERVICE, KeyringKeyStore, KeystoreUnavailable
from exposurecheck.core.vault.store import Vault, vault_path
from tests.support.secret_service import ForgetfulKeyring, LockedKeyring, RefusingKeyring, real_keystore

CANARY_EMAIL = "vault.canary.7731@example.org"


@pytest.fixture
def keystore() -> KeyringKeyStore:
    store = real_keystore()
    yield store
    store.delete_key()


def _report() -> Report:
    email = normalize(IdentifierType.EMAIL, CANARY_EMAIL)
    return Report(
        exposures=(
            Exposure(IdentifierType.EMAIL, "v***@example.org", "demo", breaches=("DemoBreach",), demo=True),
            Exposure(IdentifierType.PASSWORD, "******", "hibp-passwords", count=42),
        ),
        sources=(
            SourceStatus("demo", SourceState.OK, demo=True),
            SourceStatus("hibp-passwords", SourceState.ERROR, "http.status", (("status", "503"),)),
        ),
        sent=(SentRecord("hibp-passwords", ("sha1-prefix:ABCDE",)),),
        checked_types=(email.type, IdentifierType.PASSWORD),
    )


def _file_bytes() -> bytes:
    return vault_path().read_bytes()


# ----- keyring vault, for real ------------------------------------------------------------------------------


def test_open_writes_nothing_until_the_first_save(keystore: KeyringKeyStore) -> None:
    vault = Vault.open(keystore=keystore)
    assert vault.list_checks() == []
    assert not paths.data_dir().exists()
    assert keystore.get_key() is None  # no key is created just by opening


def test_save_reopen_load_round_trip(keystore: KeyringKeyStore) -> None:
    report = _report()
    check_id = Vault.open(keystore=keystore).save_check(report, note="follow up Tuesday")
    reopened = Vault.open(keystore=keystore)
    [summary] = reopened.list_checks()
    assert summary.id == check_id
    assert summary.note == "follow up Tuesday"
    assert summary.exposure_count == 2
    assert summary.has_identifiers is False
    saved = reopened.load_check(check_id.upper())
    assert saved.report.exposures == report.exposures
    assert saved.report.sources == report.sources
    assert saved.report.checked_types == report.checked_types
    assert saved.report.sent == ()  # what was sent (hash prefixes) is never stored
    assert saved.identifiers == ()


def test_file_is_private_encrypted_and_has_the_header(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report(), note="follow up Tuesday")
    blob = _file_bytes()
    assert blob.startswith(MAGIC)
    header, _ = parse_header(blob)
    assert header.key_source is KeySource.KEYRING
    for plain in (b"follow up Tuesday", b"DemoBreach", b"example.org", b"hibp-passwords", b"ABCDE"):
        assert plain not in blob
    if os.name == "posix":
        assert stat.S_IMODE(vault_path().stat().st_mode) == 0o600
        assert stat.S_IMODE(paths.data_dir().stat().st_mode) == 0o700
    assert [p.name for p in paths.data_dir().iterdir()] == ["vault.ecv"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_loose_modes_are_tightened_at_start(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report())
    vault_path().chmod(0o644)
    paths.data_dir().chmod(0o755)
    Vault.open(keystore=keystore)
    assert stat.S_IMODE(vault_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.data_dir().stat().st_mode) == 0o700


def test_identifiers_are_kept_only_when_passed(keystore: KeyringKeyStore) -> None:
    email = normalize(IdentifierType.EMAIL, CANARY_EMAIL)
    vault = Vault.open(keystore=keystore)
    without = vault.save_check(_report())
    with_ids = vault.save_check(_report(), identifiers=[email])
    reopened = Vault.open(keystore=keystore)
    assert reopened.load_check(without).identifiers == ()
    assert reopened.load_check(with_ids).identifiers == (email,)
    assert CANARY_EMAIL.encode() not in _file_bytes()
    assert {s.id: s.has_identifiers for s in reopened.list_checks()} == {without: False, with_ids: True}


def test_delete_and_checklist_progress(keystore: KeyringKeyStore) -> None:
    vault = Vault.open(keystore=keystore)
    first = vault.save_check(_report())
    second = vault.save_check(_report())
    vault.set_done(first, "P-01", True)
    vault.set_done(first, "A-02", True)
    vault.set_done(first, "A-02", False)
    vault.delete_check(second)
    reopened = Vault.open(keystore=keystore)
    assert [s.id for s in reopened.list_checks()] == [first]
    assert reopened.load_check(first).done == frozenset({"P-01"})
    with pytest.raises(UserError) as missing:
        reopened.load_check(second)
    assert missing.value.key == "vault.no_such_check"
    with pytest.raises(UserError) as bad_item:
        reopened.set_done(first, "not an item!", True)
    assert bad_item.value.key == "vault.bad_item_id"


def test_two_openers_do_not_undo_each_other(keystore: KeyringKeyStore) -> None:
    gui, cli = Vault.open(keystore=keystore), Vault.open(keystore=keystore)
    a = gui.save_check(_report())
    b = cli.save_check(_report())  # re-reads the file first, so a is kept
    assert {s.id for s in Vault.open(keystore=keystore).list_checks()} == {a, b}


def test_a_damaged_vault_is_set_aside_and_reported(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report())
    blob = bytearray(_file_bytes())
    blob[-5] ^= 0x01  # inside the ciphertext
    vault_path().write_bytes(bytes(blob))
    vault = Vault.open(keystore=keystore)
    [moved] = vault.set_aside
    assert moved.reason == "damaged"
    assert moved.path.read_bytes() == bytes(blob)  # kept as it was, never overwritten
    assert moved.path.name.startswith("vault.ecv.damaged-")
    assert "moved to" in moved.message("en") and "移到" in moved.message("zh_CN")
    assert not vault_path().exists()
    assert vault.list_checks() == []
    vault.save_check(_report())
    assert moved.path.read_bytes() == bytes(blob)


@pytest.mark.parametrize("content", [b"", b"hello", b'{"checks": []}', b"ECVAULT\0\x01\x01" + b"\0" * 10])
def test_a_foreign_file_is_set_aside(keystore: KeyringKeyStore, content: bytes) -> None:
    paths.ensure_private_dir(paths.data_dir())
    vault_path().write_bytes(content)
    vault = Vault.open(keystore=keystore)
    assert [m.reason for m in vault.set_aside] == ["foreign"]
    assert vault.set_aside[0].path.read_bytes() == content


def test_every_header_byte_is_authenticated(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report())
    original = _file_bytes()
    _, offset = parse_header(original)
    for position in range(offset):
        tampered = bytearray(original)
        tampered[position] ^= 0x04
        vault_path().write_bytes(bytes(tampered))
        try:
            vault = Vault.open(keystore=keystore)
        except UserError:
            continue  # e.g. "written by a newer version": refused, file untouched
        finally:
            for leftover in paths.data_dir().glob("vault.ecv.*"):
                leftover.unlink()
        assert vault.list_checks() == [], position
        assert vault.set_aside, position


def test_a_newer_version_is_refused_and_left_alone(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report())
    blob = bytearray(_file_bytes())
    blob[len(MAGIC)] = 9
    vault_path().write_bytes(bytes(blob))
    with pytest.raises(UserError) as info:
        Vault.open(keystore=keystore)
    assert info.value.key == "vault.newer_version"
    assert _file_bytes() == bytes(blob)


def test_a_vault_whose_key_is_gone_or_different_is_set_aside(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report())
    keystore.delete_key()
    vault = Vault.open(keystore=keystore)
    assert [m.reason for m in vault.set_aside] == ["no-key"]
    vault.save_check(_report())  # a new key and a new vault; the old file stays set aside
    keystore.create_key()  # the keyring now holds a different key than the one the vault was written with
    assert [m.reason for m in Vault.open(keystore=keystore).set_aside] == ["wrong-key"]
    assert len(list(paths.data_dir().glob("vault.ecv.*"))) == 2


def _fail_with(monkeypatch: pytest.MonkeyPatch, name: str, code: int) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic.os, name, broken)


@pytest.mark.parametrize(
    ("call", "code", "key"),
    [
        ("write", errno.ENOSPC, "vault.disk_full"),
        ("fsync", errno.ENOSPC, "vault.disk_full"),
        ("replace", errno.EIO, "vault.write_failed"),
    ],
)
def test_a_failed_write_keeps_the_previous_vault(
    keystore: KeyringKeyStore, monkeypatch: pytest.MonkeyPatch, call: str, code: int, key: str
) -> None:
    # A real full disk cannot be made here (no loop devices or tmpfs quotas for tests), so the OS call in the
    # write path raises the error a full disk or a failing device raises.
    vault = Vault.open(keystore=keystore)
    kept = vault.save_check(_report(), note="kept")
    before = _file_bytes()
    with monkeypatch.context() as patch:
        _fail_with(patch, call, code)
        with pytest.raises(UserError) as info:
            vault.save_check(_report(), note="lost")
    assert info.value.key == key
    assert "Nothing was saved" in info.value.message("en")
    assert _file_bytes() == before
    assert [p.name for p in paths.data_dir().iterdir()] == ["vault.ecv"]  # no temporary file left
    assert [s.id for s in Vault.open(keystore=keystore).list_checks()] == [kept]


def test_a_leftover_temporary_file_is_removed_on_open(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report())
    leftover = paths.data_dir() / ".tmp-crashed"
    leftover.write_bytes(b"half a vault")
    in_progress = paths.data_dir() / ".tmp-another-process-writing"
    in_progress.write_bytes(b"being written")
    an_hour_ago = time.time() - 3600
    os.utime(leftover, (an_hour_ago, an_hour_ago))
    Vault.open(keystore=keystore)
    assert not leftover.exists()
    assert in_progress.exists()  # young: may be another window's write in progress


def test_keyring_vault_refuses_a_passphrase(keystore: KeyringKeyStore) -> None:
    Vault.open(keystore=keystore).save_check(_report())
    with pytest.raises(UserError) as info:
        Vault.open(passphrase="something", keystore=keystore)
    assert info.value.key == "vault.uses_keyring"


# ----- no keyring, locked, refusing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "reason", "when"),
    [
        (keyring.backends.fail.Keyring(), "none", "open"),
        (LockedKeyring(), "locked", "open"),
        (RefusingKeyring(), "refused", "save"),
        (ForgetfulKeyring(), "refused", "save"),
    ],
)
def test_without_a_usable_keyring_nothing_is_saved(backend: object, reason: str, when: str) -> None:
    store = KeyringKeyStore(backend)  # type: ignore[arg-type]
    if when == "save":
        vault = Vault.open(keystore=store)  # reading works; only keeping the key fails
        with pytest.raises(KeystoreUnavailable) as info:
            vault.save_check(_report())
    else:
        with pytest.raises(KeystoreUnavailable) as info:
            Vault.open(keystore=store)
    assert info.value.reason == reason
    assert info.value.key == f"vault.keyring.{reason}"
    assert "Nothing was saved" in info.value.message("en")
    assert "没有保存任何内容" in info.value.message("zh_CN")
    assert not paths.data_dir().exists() or not any(paths.data_dir().iterdir())


# ----- passphrase -------------------------------------------------------------------------------------------


def test_passphrase_vault_round_trip_without_touching_the_keyring() -> None:
    no_keyring = KeyringKeyStore(keyring.backends.fail.Keyring())  # type: ignore[arg-type]
    check_id = Vault.open(passphrase="correct horse 电池", keystore=no_keyring).save_check(_report())
    header, _ = parse_header(_file_bytes())
    assert header.key_source is KeySource.PASSPHRASE and len(header.salt) == 16
    assert b"correct horse" not in _file_bytes()
    reopened = Vault.open(passphrase="correct horse 电池", keystore=no_keyring)
    assert [s.id for s in reopened.list_checks()] == [check_id]
    reopened.set_done(check_id, "P-01", True)  # a second write under the same passphrase
    before = _file_bytes()
    with pytest.raises(UserError) as wrong:
        Vault.open(passphrase="wrong horse", keystore=no_keyring)
    assert wrong.value.key == "vault.passphrase_wrong"
    for keystore in (no_keyring, KeyringKeyStore(RefusingKeyring())):  # type: ignore[arg-type]
        with pytest.raises(UserError) as missing:
            Vault.open(keystore=keystore)
        assert missing.value.key == "vault.needs_passphrase"  # what is needed, whatever the keyring's state
    assert _file_bytes() == before  # neither a wrong passphrase nor a missing one moves or changes the vault
    assert not list(paths.data_dir().glob("vault.ecv.*"))
    assert Vault.open(passphrase="correct horse 电池", keystore=no_keyring).load_check(check_id).done == {"P-01"}


def test_empty_passphrase_is_refused() -> None:
    with pytest.raises(UserError) as info:
        Vault.open(passphrase="")
    assert info.value.key == "vault.passphrase_empty"


def test_body_is_padded_so_size_says_little() -> None:
    no_keyring = KeyringKeyStore(keyring.backends.fail.Keyring())  # type: ignore[arg-type]
    vault = Vault.open(passphrase="pw for size", keystore=no_keyring)
    vault.save_check(Report())
    small = len(_file_bytes())
    vault.save_check(Report(), note="x" * 100)
    assert len(_file_bytes()) == small


def test_keyring_username_follows_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPOSURECHECK_DATA_DIR", str(tmp_path / "a"))
    first = KeyringKeyStore(keyring.backends.fail.Keyring()).username  # type: ignore[arg-type]
    monkeypatch.setenv("EXPOSURECHECK_DATA_DIR", str(tmp_path / "b"))
    second = KeyringKeyStore(keyring.backends.fail.Keyring()).username  # type: ignore[arg-type]
    monkeypatch.delenv("EXPOSURECHECK_DATA_DIR")
    default = KeyringKeyStore(keyring.backends.fail.Keyring()).username  # type: ignore[arg-type]
    assert first != second and first.startswith("vault-key:") and default == "vault-key"
    assert SERVICE == "exposure-check"


def test_decoded_body_is_json_inside(keystore: KeyringKeyStore) -> None:
    # The blob decrypts to the documented JSON body (guards against a silent format drift).
    from exposurecheck.core.vault.format import open_sealed

    Vault.open(keystore=keystore).save_check(_report())
    key = keystore.get_key()
    assert key is not None
    body = json.loads(open_sealed(_file_bytes(), key))
    assert body["format"] == "exposurecheck.vault" and body["version"] == 1
    assert "sent" not in body["checks"][0]["report"]
