"""`check --save`, `history` and `wipe` through the CLI, each command a new process (save, restart, re-open, wipe).

Keyring cases: the real Secret Service (the suite runs inside dbus-run-session in CI), a real gnome-keyring that
is locked (its own D-Bus session), and no keyring at all (keyring's own `fail` backend, chosen by environment).
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
from pathlib import Path

import pytest

from exposurecheck.core.vault.keystore import KeyringKeyStore
from tests.conftest import cli_env, run_cli
from tests.support.loopback import Reply, loopback_server
from tests.support.secret_service import (
    NO_GNOME_KEYRING,
    has_gnome_keyring,
    real_keystore,
    run_in_fresh_keyring_session,
)

PASSWORD = "Canary-Hist-5150-pw"
EMAIL = "history.canary.5150@example.org"
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@pytest.fixture
def keystore() -> KeyringKeyStore:
    store = real_keystore()
    yield store
    store.delete_key()


def _range_reply(password: str = PASSWORD, count: int = 321) -> tuple[str, Reply]:
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    body = f"{digest[5:]}:{count}\r\n" + "".join(f"{i:035X}:0\r\n" for i in range(20))
    return f"/range/{digest[:5]}", Reply(200, body.encode())


def _check_and_save(url: str, *extra: str, stdin: str = PASSWORD + "\n", env: dict[str, str] | None = None):
    return run_cli(
        "check",
        "--password-stdin",
        "--email",
        EMAIL,
        "--source",
        f"hibp-passwords={url}",
        "--json",
        "--save",
        *extra,
        stdin=stdin,
        env=env,
    )


def _data_files(app_dirs: dict[str, Path]) -> list[str]:
    folder = app_dirs["data"]
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _no_canary(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text and EMAIL not in text


def test_save_restart_show_mark_delete_wipe(keystore: KeyringKeyStore, app_dirs: dict[str, Path]) -> None:
    with loopback_server() as server:
        server.set(*_range_reply())
        saved = _check_and_save(server.url, "--note", "call back Friday")
    assert saved.returncode == 0, saved.stderr
    report = json.loads(saved.stdout)  # stdout stays pure JSON; saving talks on stderr
    assert report["exposures"][0]["count"] == 321
    assert "Saved this check" in saved.stderr and "vault.ecv" in saved.stderr
    _no_canary(saved.stdout, saved.stderr)
    assert _data_files(app_dirs) == ["vault.ecv"]

    listed = run_cli("history", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [entry] = json.loads(listed.stdout)
    assert entry["note"] == "call back Friday" and entry["found"] == 1 and entry["identifiers_kept"] is False
    check_id = entry["id"]

    text_list = run_cli("history", "list")
    assert check_id in text_list.stdout and "call back Friday" in text_list.stdout

    marked = run_cli("history", "done", check_id, "P-01")
    assert marked.returncode == 0, marked.stderr
    shown = run_cli("history", "show", check_id, "--json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    assert detail["done"] == ["P-01"]
    assert detail["report"]["exposures"][0]["count"] == 321
    shown_text = run_cli("history", "show", check_id, "--lang", "zh_CN")
    assert shown_text.returncode == 0, shown_text.stderr
    assert "备注：call back Friday" in shown_text.stdout and "已完成：P-01" in shown_text.stdout
    _no_canary(listed.stdout, shown.stdout, shown_text.stdout, shown_text.stderr)

    deleted = run_cli("history", "delete", check_id)
    assert deleted.returncode == 0 and check_id in deleted.stdout
    assert json.loads(run_cli("history", "list", "--json").stdout) == []
    missing = run_cli("history", "show", check_id)
    assert missing.returncode == 2 and "no saved check" in missing.stderr and "Traceback" not in missing.stderr

    refused = run_cli("wipe")  # no terminal and no --yes: nothing happens
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert _data_files(app_dirs) == ["vault.ecv"]
    assert keystore.get_key() is not None

    wiped = run_cli("wipe", "--yes", "--json")
    assert wiped.returncode == 0, wiped.stdout + wiped.stderr
    result = json.loads(wiped.stdout)
    assert result["keyring"] == "removed" and result["complete"] is True
    assert str(app_dirs["data"] / "vault.ecv") in result["removed"]
    assert _data_files(app_dirs) == []
    assert keystore.get_key() is None


def test_keep_identifiers_is_explicit_and_shows_only_hints(keystore: KeyringKeyStore) -> None:
    with loopback_server() as server:
        server.set(*_range_reply())
        saved = _check_and_save(server.url, "--keep-identifiers")
    assert saved.returncode == 0, saved.stderr
    [entry] = json.loads(run_cli("history", "list", "--json").stdout)
    assert entry["identifiers_kept"] is True
    shown = run_cli("history", "show", entry["id"], "--json")
    kept = json.loads(shown.stdout)["identifiers_kept"]
    assert {k["type"] for k in kept} == {"email", "password"}
    assert all("*" in k["hint"] for k in kept)
    _no_canary(saved.stdout, saved.stderr, shown.stdout, shown.stderr)


def test_without_a_keyring_nothing_is_saved_and_the_exit_code_is_the_checks(app_dirs: dict[str, Path]) -> None:
    with loopback_server() as server:
        server.set(*_range_reply())
        result = _check_and_save(server.url, env=NO_KEYRING)
        failed = _check_and_save("http://127.0.0.1:9", env=NO_KEYRING)  # a check whose source fails: exit 3
    assert result.returncode == 0
    assert json.loads(result.stdout)["exposures"]
    assert "no keyring" in result.stderr and "This check was not saved." in result.stderr
    assert "--passphrase-stdin" in result.stderr and "Traceback" not in result.stderr
    assert failed.returncode == 3
    assert _data_files(app_dirs) == []
    zh = run_cli("history", "list", "--lang", "zh_CN", env=NO_KEYRING)
    assert zh.returncode == 2 and "钥匙串" in zh.stderr


def test_passphrase_fallback_through_stdin(app_dirs: dict[str, Path]) -> None:
    with loopback_server() as server:
        server.set(*_range_reply())
        saved = _check_and_save(
            server.url, "--passphrase-stdin", stdin=f"{PASSWORD}\nmy long passphrase\n", env=NO_KEYRING
        )
    assert saved.returncode == 0, saved.stderr
    assert "Saved this check" in saved.stderr
    listed = run_cli("history", "list", "--json", "--passphrase-stdin", stdin="my long passphrase\n", env=NO_KEYRING)
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 1
    wrong = run_cli("history", "list", "--passphrase-stdin", stdin="not it\n", env=NO_KEYRING)
    assert wrong.returncode == 2 and "does not open" in wrong.stderr
    without = run_cli("history", "list", env=NO_KEYRING)
    assert without.returncode == 2 and "protected by a passphrase" in without.stderr
    wiped = run_cli("wipe", "--yes", env=NO_KEYRING)
    assert wiped.returncode == 0 and "no keyring" in wiped.stdout
    assert _data_files(app_dirs) == []


@pytest.mark.skipif(not has_gnome_keyring(), reason=NO_GNOME_KEYRING)
def test_a_locked_gnome_keyring_saves_nothing(tmp_path: Path, app_dirs: dict[str, Path]) -> None:
    # A real gnome-keyring in its own D-Bus session: unlocked to create the login collection, then locked
    # through the Secret Service API, then `check --save` runs against it.
    lock = (
        "import keyring, secretstorage; "
        "keyring.set_password('exposure-check', 'lock-test', 'x'); "
        "secretstorage.get_default_collection(secretstorage.dbus_init()).lock()"
    )
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env({"HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share")})
    result = run_in_fresh_keyring_session(
        f"{_py()} -c \"{lock}\" && printf '%s\\n' '{PASSWORD}' | "
        f"{_py()} -m exposurecheck check --password-stdin --source hibp-passwords=http://127.0.0.1:9 --save",
        env,
    )
    assert result.returncode == 3, result.stderr  # the check's own exit code (its source was unreachable)
    assert "keyring is locked" in result.stderr and "This check was not saved." in result.stderr
    assert _data_files(app_dirs) == []


def _py() -> str:
    return shlex.quote(sys.executable)


def test_history_help_lists_the_actions() -> None:
    result = run_cli("history", "--help")
    assert result.returncode == 0
    for action in ("list", "show", "delete", "done"):
        assert action in result.stdout


def test_an_unreadable_vault_is_set_aside_and_reported(keystore: KeyringKeyStore, app_dirs: dict[str, Path]) -> None:
    app_dirs["data"].mkdir(mode=0o700, parents=True)
    (app_dirs["data"] / "vault.ecv").write_bytes(b"not a vault at all")
    listed = run_cli("history", "list")
    assert listed.returncode == 0, listed.stderr
    assert "was not one this app wrote" in listed.stderr and "vault.ecv.foreign-" in listed.stderr
    assert "No checks are saved." in listed.stdout
    [moved] = [p for p in app_dirs["data"].iterdir() if p.name.startswith("vault.ecv.foreign-")]
    assert moved.read_bytes() == b"not a vault at all"


def test_recheck_uses_the_kept_identifiers_and_only_those(keystore: KeyringKeyStore) -> None:
    with loopback_server() as server:
        server.set(*_range_reply(count=321))
        assert _check_and_save(server.url, "--keep-identifiers").returncode == 0
        assert _check_and_save(server.url).returncode == 0  # kept without identifiers
        entries = json.loads(run_cli("history", "list", "--json").stdout)
        kept = next(e["id"] for e in entries if e["identifiers_kept"])
        bare = next(e["id"] for e in entries if not e["identifiers_kept"])
        server.set(*_range_reply(count=999))  # the breach count grew since the first visit
        again = run_cli("history", "recheck", kept, "--source", f"hibp-passwords={server.url}", "--json", "--save")
        refused = run_cli("history", "recheck", bare, "--source", f"hibp-passwords={server.url}")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["exposures"][0]["count"] == 999
    assert "Saved this check" in again.stderr
    assert len(json.loads(run_cli("history", "list", "--json").stdout)) == 3
    assert refused.returncode == 2 and "cannot be checked again" in refused.stderr
    _no_canary(again.stdout, again.stderr, refused.stdout, refused.stderr)
