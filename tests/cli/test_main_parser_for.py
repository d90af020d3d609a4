"""`parser_for`: starting the app imports only the `gui` command's module, every other command line still works."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import cli_env, run_cli

PROBE = """
import json, sys
from exposurecheck.cli.main import parser_for
parser = parser_for(sys.argv[1:])
print(json.dumps({
    "check_cmd": "exposurecheck.cli.check_cmd" in sys.modules,
    "keyring": "keyring" in sys.modules,
    "email_validator": "email_validator" in sys.modules,
    "usage": parser.format_usage(),
}))
"""


def probe(*args: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=cli_env(), check=True
    )
    return json.loads(result.stdout)


def test_gui_imports_no_other_command() -> None:
    found = probe("gui", "--self-test")
    assert found == {**found, "check_cmd": False, "keyring": False, "email_validator": False}


def test_other_commands_and_options_get_what_they_need() -> None:
    assert probe("check", "--source", "demo")["check_cmd"] is True
    assert probe("--version")["check_cmd"] is True  # options first: the full parser
    assert probe("no-such-command")["check_cmd"] is True  # unknown word: the full parser, with its usual error


def test_help_still_lists_every_command() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("gui", "check", "kit", "diagnostics"):
        assert command in result.stdout


def test_unknown_command_is_still_a_usage_error() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
