"""`exposure-check wipe` at a terminal asks as the window does, naming how many saved checks will go, and goes ahead
only on the word it asks for ("yes" / "是"), never on "y". Counting changes nothing: a "no" leaves the vault file
and the keyring as they were. Each command is a new process at a real pseudo-terminal; the vault key is in the real
Secret Service (the suite runs inside dbus-run-session), or the vault is protected by a passphrase."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from exposurecheck.core.vault.keystore import KeyringKeyStore
from tests.conftest import cli_env, run_cli
from tests.support.secret_service import real_keystore
from tests.support.terminal import on_a_terminal

DEMO_PHONE = "+8613800000001"
PROMPT_END = {"en": b"type yes: ", "zh_CN": "请输入“是”：".encode()}


@pytest.fixture
def keystore() -> KeyringKeyStore:
    store = real_keystore()
    yield store
    store.delete_key()


def wipe_at_a_terminal(answer: str, lang: str) -> tuple[int, str]:
    """Run `wipe` at a terminal and type `answer` at its question."""
    typed: list[str] = []

    def reply(since: bytes) -> str | None:
        if since.endswith(PROMPT_END[lang]) and not typed:
            typed.append(answer)
            return answer
        return None

    env = cli_env({"LANG": "zh_CN.UTF-8" if lang == "zh_CN" else "C.UTF-8"})
    code, screen = on_a_terminal([sys.executable, "-m", "exposurecheck", "wipe"], reply, env=env)
    assert typed, screen  # the question was asked
    return code, screen


def save_checks(count: int, *extra: str, stdin: str | None = None) -> None:
    for _ in range(count):
        saved = run_cli("check", "--source", "demo", "--phone", DEMO_PHONE, "--save", *extra, stdin=stdin)
        assert saved.returncode == 0, saved.stderr


@pytest.mark.parametrize(("lang", "named", "wrong", "right"), [
    ("en", "This deletes the 2 saved checks", "y", "yes"),
    ("zh_CN", "这会删除已保存的2次查询", "y", "是"),
])  # fmt: skip
def test_wipe_names_the_saved_checks_and_wants_the_word_it_asks_for(
    keystore: KeyringKeyStore, app_dirs: dict[str, Path], lang: str, named: str, wrong: str, right: str
) -> None:
    save_checks(2)
    vault = app_dirs["data"] / "vault.ecv"
    before, key = vault.read_bytes(), keystore.get_key()
    code, screen = wipe_at_a_terminal(wrong, lang)
    assert named in screen
    assert code == 2  # not wiped
    assert vault.read_bytes() == before and keystore.get_key() == key  # counting and refusing changed nothing
    assert sorted(p.name for p in app_dirs["data"].iterdir()) == ["vault.ecv"]
    code, screen = wipe_at_a_terminal(right, lang)
    assert code == 0, screen
    assert not vault.exists() and keystore.get_key() is None


def test_one_saved_check_is_said_in_the_singular(keystore: KeyringKeyStore) -> None:
    save_checks(1)
    code, screen = wipe_at_a_terminal("no", "en")
    assert "This deletes the 1 saved check, the key that protects it," in screen and code == 2


def test_nothing_saved_is_said_plainly(app_dirs: dict[str, Path]) -> None:
    code, screen = wipe_at_a_terminal("yes", "en")
    assert "There are no saved checks." in screen
    assert code == 0


def test_a_passphrase_vault_is_not_opened_to_count_it(app_dirs: dict[str, Path]) -> None:
    no_keyring = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    saved = run_cli("check", "--source", "demo", "--phone", DEMO_PHONE, "--save", "--passphrase-stdin",
                    stdin="a passphrase for the vault\n", env=no_keyring)  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    code, screen = wipe_at_a_terminal("no", "zh_CN")
    assert "不打开它们就无法清点数量" in screen and code == 2
    assert (app_dirs["data"] / "vault.ecv").exists()
