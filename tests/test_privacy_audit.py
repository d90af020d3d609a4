"""The privacy audit (scripts/privacy_audit.py): clean on the real app with a real Secret Service, and able to fail.

The planted tests make a real code path leak: a `sitecustomize` module on the app's PYTHONPATH wraps
`exposurecheck.core.check.check` so that a real `check` run writes or logs a canary in one form; the audit must name
that kind and form, and never print the canary itself.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import keyring
import pytest
from keyring.backends import SecretService

from tests.conftest import REPO
from tests.support.secret_service import NO_GNOME_KEYRING, NO_SECRET_SERVICE, has_gnome_keyring


def _load_audit():
    spec = importlib.util.spec_from_file_location("privacy_audit", REPO / "scripts" / "privacy_audit.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["privacy_audit"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


audit = _load_audit()


def _no_canary_in_report(result, canaries) -> None:
    text = "\n".join(result.lines())
    for canary in canaries:
        assert canary.typed not in text and canary.canonical not in text


# ----- the pieces ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "digest"),
    [  # RFC 1320 appendix A.5
        (b"", "31d6cfe0d16ae931b73c59d7e0c089c0"),
        (b"a", "bde52cb31de33e46245e05fbdbd6fb24"),
        (b"abc", "a448017aaf21d8525fc10ae87aa6729d"),
        (b"message digest", "d9130a8164549fe818874806e1c7014b"),
        (b"abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
        (b"1234567890" * 8, "e33b4ddc9c38f2199c3e7b164fcc0536"),
    ],
)
def test_md4_matches_rfc_1320(message: bytes, digest: str) -> None:
    assert audit.md4(message).hex() == digest


def test_ntlm_of_a_known_password() -> None:
    assert audit.ntlm("password").hex().upper() == "8846F7EAEE8FB117AD06BDD830B7586C"


def test_canaries_are_valid_identifiers_and_fresh() -> None:
    first, second = audit.make_canaries(), audit.make_canaries()
    assert {c.kind for c in first} == {"phone", "email", "cn_id", "username", "password", "passphrase"}
    assert all(a.typed != b.typed for a, b in zip(first, second, strict=True))
    email = next(c for c in first if c.kind == "email")
    assert email.typed != email.canonical  # both forms are searched


def test_self_test_catches_every_form_and_nothing_in_random_bytes() -> None:
    result = audit.self_test()
    assert result.problems == [] and result.exit_code == 0


def test_script_self_test_exit_code() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "privacy_audit.py"), "--self-test"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "clean" in completed.stdout


# ----- the full CLI pass on the real app -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not has_gnome_keyring(), reason=NO_GNOME_KEYRING)
def test_cli_audit_is_clean_with_gnome_keyring_per_process() -> None:
    canaries = audit.make_canaries()
    result = audit.audit_action(audit.cli_pass(), canaries=canaries, keyring_mode="session")
    assert result.findings == [], result.lines()
    assert result.problems == [], result.lines()
    assert "keyring: session" in result.notes
    _no_canary_in_report(result, canaries)


@pytest.mark.slow
def test_cli_audit_is_clean_with_the_ambient_secret_service() -> None:
    # The Secret Service this test run has (CI: dbus-run-session with gnome-keyring unlocked).
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        pytest.skip(NO_SECRET_SERVICE)
    result = audit.audit_action(audit.cli_pass(), keyring_mode="ambient")
    assert result.findings == [] and result.problems == [], result.lines()


@pytest.mark.slow
def test_cli_audit_is_clean_with_a_passphrase_and_no_keyring() -> None:
    result = audit.audit_action(audit.cli_pass(), keyring_mode="passphrase")
    assert result.findings == [] and result.problems == [], result.lines()


# ----- planted canaries must be caught -------------------------------------------------------------------------

LEAKS = {
    # name: (code run inside the wrapped check(), kinds expected, form expected)
    "sha256-of-encoding-in-cache": (
        """
        import hashlib, os
        from exposurecheck.core.identifiers import encode
        folder = os.path.join(os.environ["XDG_CACHE_HOME"], "exposure-check")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "lookups.log"), "a") as f:
            for i in identifiers:
                f.write(hashlib.sha256(encode(i)).hexdigest() + "\\n")
        """,
        {"phone", "email", "cn_id", "username", "password"},
        "sha256 hex of type||canonical",
    ),
    "canonical-email-in-verbose-log": (
        """
        import logging
        for i in identifiers:
            if i.type.value == "email":
                logging.getLogger("exposurecheck.leak").info("checking %s", i.canonical)
        """,
        {"email"},
        "typed",  # the typed email, lower-cased, is the canonical form: the first form listed is reported
    ),
    "base64-ntlm-in-tmp": (
        """
        import base64, os, sys
        sys.path.insert(0, os.environ["EC_AUDIT_SCRIPTS"])
        from privacy_audit import ntlm
        for i in identifiers:
            if i.type.value == "password":
                with open(os.path.join(os.environ["TMPDIR"], "x.bin"), "wb") as f:
                    f.write(base64.b64encode(ntlm(i.canonical)))
        """,
        {"password"},
        "base64 of ntlm",
    ),
    "upper-sha1-of-password-in-settings": (
        """
        import hashlib, json
        from exposurecheck.core.settings import Settings, save_settings
        for i in identifiers:
            if i.type.value == "password":
                digest = hashlib.sha1(i.canonical.encode()).hexdigest().upper()
                save_settings(Settings(sources=("hibp-passwords", digest)))
        """,
        {"password"},
        "sha1 hex of typed",
    ),
    "cn-id-in-a-file-name": (
        """
        import os
        for i in identifiers:
            if i.type.value == "cn_id":
                open(os.path.join(os.environ["HOME"], "case-" + i.canonical + ".txt"), "w").close()
        """,
        {"cn_id"},
        "typed",
    ),
}


def _plant(env, leak_code: str) -> None:
    plant = env.root / "plant"
    plant.mkdir()
    (plant / "sitecustomize.py").write_text(
        "import exposurecheck.core.check as _c\n"
        "_real = _c.check\n"
        "def check(identifiers, *args, **kwargs):\n"
        + textwrap.indent(textwrap.dedent(leak_code), "    ")
        + "\n    return _real(identifiers, *args, **kwargs)\n"
        "_c.check = check\n"
    )
    env.env["PYTHONPATH"] = f"{plant}{os.pathsep}{env.env['PYTHONPATH']}"
    env.env["EC_AUDIT_SCRIPTS"] = str(REPO / "scripts")


def _one_cli_check(env) -> None:
    ids = [
        *("--phone", env.canary("phone").typed),
        *("--email", env.canary("email").typed),
        *("--cn-id", env.canary("cn_id").typed),
        *("--username", env.canary("username").typed),
    ]
    with audit.pwned_passwords_server(env.canary("password").typed) as url:
        completed = audit.run_app(
            env,
            audit.default_app(),
            "check",
            ["check", *ids, "--password-stdin", "--source", f"hibp-passwords={url}", "--json"],
            env.canary("password").typed + "\n",
        )
    assert completed.returncode == 0, completed.stderr[-300:]


def _leaking_action(leak_code: str, inner=_one_cli_check):
    def action(env) -> None:
        _plant(env, leak_code)
        inner(env)

    return action


@pytest.mark.parametrize("leak", sorted(LEAKS))
def test_a_planted_leak_is_caught_and_reported_without_the_canary(leak: str) -> None:
    code, kinds, form = LEAKS[leak]
    canaries = audit.make_canaries()
    result = audit.audit_action(_leaking_action(code), canaries=canaries, keyring_mode="passphrase")
    assert result.problems == [], result.lines()
    assert result.exit_code == audit.EXIT_FOUND
    assert {f.kind for f in result.findings} >= kinds, result.lines()
    assert any(f.form == form for f in result.findings), result.lines()
    _no_canary_in_report(result, canaries)


def test_the_same_run_without_a_leak_is_clean() -> None:
    # The control for the planted tests: same action, nothing leaked.
    result = audit.audit_action(_leaking_action("pass"), keyring_mode="passphrase")
    assert result.findings == [] and result.problems == [], result.lines()


def test_a_canary_written_straight_into_home_is_caught(tmp_path: Path) -> None:
    def action(env) -> None:
        (Path(env.env["HOME"]) / "notes.txt").write_text("call about " + env.canary("phone").canonical.lstrip("+"))

    result = audit.audit_action(action, keyring_mode="passphrase")
    assert {(f.kind, f.where) for f in result.findings} == {("phone", "end: file home/notes.txt")}


# ----- the GUI pass: real widgets offscreen, one process per step -----------------------------------------------

NO_GUI = "the GUI (exposurecheck.gui, PySide6) is not installed"


@pytest.mark.slow
@pytest.mark.skipif(not has_gnome_keyring(), reason=NO_GNOME_KEYRING)
@pytest.mark.skipif(not audit.gui_available(), reason=NO_GUI)
def test_gui_audit_keeps_reopens_wipes_and_is_clean() -> None:
    canaries = audit.make_canaries()
    result = audit.audit_action(audit.gui_pass(), canaries=canaries, keyring_mode="session")
    assert result.findings == [] and result.problems == [], result.lines()
    _no_canary_in_report(result, canaries)


@pytest.mark.slow
@pytest.mark.skipif(not has_gnome_keyring(), reason=NO_GNOME_KEYRING)
@pytest.mark.skipif(not audit.gui_available(), reason=NO_GUI)
def test_gui_audit_catches_a_leak_from_the_gui_check_path() -> None:
    code, kinds, form = LEAKS["sha256-of-encoding-in-cache"]
    result = audit.audit_action(_leaking_action(code, audit.gui_pass()), keyring_mode="session")
    assert result.exit_code == audit.EXIT_FOUND
    assert {f.kind for f in result.findings} >= kinds and any(f.form == form for f in result.findings)


@pytest.mark.skipif(os.name != "posix", reason="a POSIX shared temp folder")
def test_a_leak_that_ignores_tmpdir_is_caught_in_the_shared_temp_folder() -> None:
    # A code path writing to a hard-coded /tmp path instead of TMPDIR.
    code = """
    import os, tempfile
    folder = tempfile.mkdtemp(prefix="ec-planted-leak-", dir="/tmp")
    for i in identifiers:
        if i.type.value == "username":
            open(os.path.join(folder, "recent.txt"), "w").write(i.canonical)
    """
    shared = Path("/tmp")  # noqa: S108 - the point: a path that ignores TMPDIR
    before = set(shared.glob("ec-planted-leak-*"))
    try:
        result = audit.audit_action(_leaking_action(code), keyring_mode="passphrase")
    finally:
        for folder in set(shared.glob("ec-planted-leak-*")) - before:
            shutil.rmtree(folder, ignore_errors=True)
    assert result.exit_code == audit.EXIT_FOUND, result.lines()
    assert {f.kind for f in result.findings} == {"username"}
    assert all(f.where.startswith("shared temp: file /tmp/ec-planted-leak-") for f in result.findings)
