"""A check against a pack starts fast because it imports only what it uses: no keyring, no vault, no
email-validator unless an email is checked (bench/bench_cli_start.py measures the time; this pins the cause)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import cli_env

DEMO_PACK = Path(__file__).resolve().parents[2] / "resources" / "packs" / "demo.ecpack"
NOT_NEEDED = ("keyring", "email_validator", "exposurecheck.core.vault")

# Runs the real entry point in a fresh interpreter, then reports which modules got imported.
PROBE = """
import json, sys
from exposurecheck.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
sys.exit(code)
"""


def _modules_after(*args: str) -> tuple[int, set[str]]:
    argv = [sys.executable, "-c", PROBE, *args]
    result = subprocess.run(argv, capture_output=True, text=True, env=cli_env(None), timeout=120, check=False)
    line = next(line for line in result.stdout.splitlines() if line.startswith("MODULES "))
    return result.returncode, set(json.loads(line.removeprefix("MODULES ")))


def _loaded(modules: set[str], name: str) -> bool:
    return any(module == name or module.startswith(name + ".") for module in modules)


def test_a_phone_check_against_a_pack_imports_no_keyring_vault_or_email_validator():
    code, modules = _modules_after("check", "--phone", "13800138000", "--source", f"pack={DEMO_PACK}", "--json")
    assert code == 0
    assert _loaded(modules, "exposurecheck.core.packs")  # the probe really saw the check run
    assert [name for name in NOT_NEEDED if _loaded(modules, name)] == []


def test_an_email_check_loads_email_validator_when_it_needs_it():
    code, modules = _modules_after("check", "--email", "someone@example.org", "--source", f"pack={DEMO_PACK}")
    assert code == 0
    assert _loaded(modules, "email_validator")
    assert not _loaded(modules, "keyring") and not _loaded(modules, "exposurecheck.core.vault")
