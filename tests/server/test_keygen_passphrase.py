"""Signing keys are encrypted by default, with the passphrase asked on a real terminal without echo (never argv),
and every command that signs asks for it the same way. Driven through a pseudo-terminal, as an operator types."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from exposurecheck_server.keys import load_signing_key
from tests.conftest import PYTHONPATH
from tests.support.terminal import answers_in_turn, on_a_terminal

PASSPHRASE = "blue lantern 42"


def _on_a_terminal(args: list[str], answers: list[str], tmp: Path) -> tuple[int, str]:
    """Run the admin tool at a terminal, typing each answer at the next passphrase prompt."""
    env = {**os.environ, "PYTHONPATH": PYTHONPATH, "LANG": "C.UTF-8", "EXPOSURECHECK_CONFIG_DIR": str(tmp / "cfg")}
    argv = [sys.executable, "-m", "exposurecheck_server", *args]
    return on_a_terminal(argv, answers_in_turn(answers), env=env)


def test_keygen_asks_twice_without_echo_and_encrypts_the_key(tmp_path: Path) -> None:
    out = tmp_path / "keys"
    code, screen = _on_a_terminal(["keygen", "--out", str(out)], [PASSPHRASE, PASSPHRASE], tmp_path)
    assert code == 0, screen
    assert "Passphrase for the new signing key" in screen and "same passphrase again" in screen
    assert PASSPHRASE not in screen  # not echoed
    assert b"ENCRYPTED" in (out / "publisher.key").read_bytes()
    assert "encrypted with your passphrase" in screen and str((out / "publisher.key").resolve()) in screen
    load_signing_key(out / "publisher.key", PASSPHRASE)


def test_two_different_passphrases_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "keys"
    code, screen = _on_a_terminal(["keygen", "--out", str(out)], [PASSPHRASE, "something else"], tmp_path)
    assert code == 2
    assert "differ" in screen
    assert not (out / "publisher.key").exists()


def test_without_a_terminal_or_a_passphrase_keygen_refuses(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    result = subprocess.run(
        [sys.executable, "-m", "exposurecheck_server", "keygen", "--out", str(tmp_path / "k")],
        input="", capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 2
    # The real cause and the ways out (it said "No passphrase was given on standard input" to a script that
    # never meant to give one): no terminal, a line on stdin, or --unencrypted.
    assert "no terminal" in result.stderr and "standard input" in result.stderr and "--unencrypted" in result.stderr
    assert not (tmp_path / "k" / "publisher.key").exists()


def test_an_empty_passphrase_at_the_prompt_is_said_as_such(tmp_path: Path) -> None:
    out = tmp_path / "keys"
    code, screen = _on_a_terminal(["keygen", "--out", str(out)], [""], tmp_path)
    assert code == 2
    assert "The passphrase cannot be empty" in screen and "standard input" not in screen
    assert not (out / "publisher.key").exists()


def test_a_signing_command_asks_for_the_passphrase_of_an_encrypted_key(tmp_path: Path) -> None:
    out = tmp_path / "keys"
    assert _on_a_terminal(["keygen", "--out", str(out)], [PASSPHRASE, PASSPHRASE], tmp_path)[0] == 0
    profile = tmp_path / "profile.ecprofile"
    args = ["profile", "build", "--name-en", "Safe Lines", "--signing-key", str(out / "publisher.key"),
            "--out", str(profile)]
    code, screen = _on_a_terminal(args, [PASSPHRASE], tmp_path)
    assert code == 0, screen
    # the key named as typed: in a publisher-key rotation two keys called publisher.key are asked for in turn
    assert f"Passphrase for {out / 'publisher.key'}" in screen and PASSPHRASE not in screen
    assert profile.is_file()
    wrong, screen = _on_a_terminal([*args[:-1], str(tmp_path / "other.ecprofile")], ["not it"], tmp_path)
    assert wrong == 2 and "passphrase is wrong" in screen
