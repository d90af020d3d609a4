"""The real Secret Service for tests, and small keyring backends for the cases it cannot show on demand.

CI runs the suite inside `dbus-run-session` with gnome-keyring unlocked (PLATFORM-NOTES.md). Outside that, tests
that need the real keyring skip with `NO_SECRET_SERVICE`. Each test has its own data folder (tests/conftest.py),
so its vault key has its own keyring username and never touches a real user's key.
"""

from __future__ import annotations

import shutil
import subprocess

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import SecretService
from keyring.compat import properties

from exposurecheck.core.vault.keystore import SERVICE, KeyringKeyStore

NO_SECRET_SERVICE = (
    "no unlocked Secret Service reachable: run inside "
    "`dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; pytest'`"
)
NO_GNOME_KEYRING = "dbus-run-session or gnome-keyring-daemon is not installed (apt: dbus gnome-keyring)"


def real_keystore() -> KeyringKeyStore:
    """A keystore on the real Secret Service, with this test's entry removed; skips if there is none."""
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        pytest.skip(NO_SECRET_SERVICE)
    try:
        backend.get_password(SERVICE, "probe")
    except keyring.errors.KeyringError:
        pytest.skip(NO_SECRET_SERVICE)
    store = KeyringKeyStore(backend)
    store.delete_key()
    return store


def has_gnome_keyring() -> bool:
    return bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))


def run_in_fresh_keyring_session(
    script: str, env: dict[str, str], *, unlock: bool = True
) -> subprocess.CompletedProcess:
    """Run `script` (sh) in a new D-Bus session with its own gnome-keyring (unlocked with a throwaway password)."""
    start = (
        "printf %s throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
        if unlock
        else "gnome-keyring-daemon --start --components=secrets >/dev/null"
    )
    return subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", f"{start} && {script}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


class _TestOnlyBackend(keyring.backend.KeyringBackend):
    """Every KeyringBackend subclass is registered with keyring; a priority that raises makes it "not viable", so
    keyring never picks these on its own (they are only ever passed to KeyringKeyStore explicitly)."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test-only backend, never chosen automatically")


class LockedKeyring(_TestOnlyBackend):
    """Behaves like a Secret Service collection that stays locked (every call raises KeyringLocked)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


class RefusingKeyring(_TestOnlyBackend):
    """Reads fine (nothing stored) but refuses every write, as some policies and full keychains do."""

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("refused")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("nothing there")


class ForgetfulKeyring(RefusingKeyring):
    """Accepts a write without an error and keeps nothing (seen with misconfigured backends)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None
