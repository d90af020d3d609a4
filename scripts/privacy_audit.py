#!/usr/bin/env python3
"""Privacy audit: run the app with canary identifiers, then look for them everywhere it could have left a trace.

    python scripts/privacy_audit.py                 # CLI pass; exit 0 = nothing found, 1 = found, 2 = audit broken
    python scripts/privacy_audit.py --self-test     # prove the scanner catches every form it looks for
    python scripts/privacy_audit.py --app "dist/exposure-check/exposure-check"   # audit a frozen build

Every run makes fresh random canaries (a phone number, an email, a Chinese resident ID number, a username, a
password, and the vault passphrase when one is used) and points HOME, TMPDIR, every XDG_* folder and every
EXPOSURECHECK_*_DIR at one throwaway folder. It starts a Pwned Passwords server on 127.0.0.1 whose range contains
the canary password, and (when `exposurecheck.core.sources.pack` exists) adds the bundled demo pack. Through the
CLI it runs full checks with `--verbose`, saves them (also with `--keep-identifiers`), re-opens them in new
processes (`history list/show/done/recheck`), and wipes. It never runs `normalize`, which prints canonical forms by
design.

It then searches every file under the throwaway folder (names and contents, before and after the wipe), whatever
appeared at the top of /tmp, /var/tmp and /dev/shm meanwhile (an app that ignores TMPDIR), and
everything the app printed or logged for each canary as typed, its canonical form, its `type || canonical`
encoding, UTF-16LE and hex of those, the lower- and upper-case hex of their SHA-1 and SHA-256 (and NTLM = MD4 over
UTF-16LE for the password and passphrase), and the standard and URL-safe base64 of every one of those. In what the
app printed it also looks for the password's 5-character SHA-1 prefix. `check --json` legitimately prints masked
hints such as `c***@example.org`, which match none of these.

The report names the place and the canary's kind and form, never the canary: it is safe to keep in CI logs.

Keyring: with `dbus-run-session` and `gnome-keyring-daemon` installed, every command runs in its own D-Bus session
with its own gnome-keyring (unlocked with a random password, keyring files inside the throwaway HOME, so they are
scanned too, and each command is a real restart). `--keyring ambient` uses whatever keyring the environment has;
`--keyring passphrase` saves with a passphrase instead.

The GUI pass (`gui_pass`, skipped with `--no-gui` or when PySide6/the GUI is absent) drives the real window offscreen
through scripts/privacy_audit_gui.py, one process per step: type the canaries, accept consent, keep the check, tick
an item; restart and re-open it; restart and wipe. Any other front end can be audited the same way with
`audit_action(action)`: give it a function that drives the app with `env.canaries`; it returns the same findings.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import importlib.util
import json
import os
import random
import secrets
import shlex
import shutil
import stat
import string
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXIT_CLEAN, EXIT_FOUND, EXIT_BROKEN = 0, 1, 2
MAX_SCAN_BYTES = 256 * 1024 * 1024  # per file; larger files are reported as not scanned


# ----- MD4 (RFC 1320), for NTLM: hashlib often lacks it under OpenSSL 3 --------------------------------------


def md4(data: bytes) -> bytes:
    def rotl(x: int, n: int) -> int:
        x &= 0xFFFFFFFF
        return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF

    message = data + b"\x80" + b"\0" * ((55 - len(data)) % 64) + struct.pack("<Q", len(data) * 8)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for offset in range(0, len(message), 64):
        x = struct.unpack("<16I", message[offset : offset + 64])
        aa, bb, cc, dd = a, b, c, d
        for i in (0, 4, 8, 12):  # round 1
            a = rotl(a + ((b & c) | (~b & d)) + x[i], 3)
            d = rotl(d + ((a & b) | (~a & c)) + x[i + 1], 7)
            c = rotl(c + ((d & a) | (~d & b)) + x[i + 2], 11)
            b = rotl(b + ((c & d) | (~c & a)) + x[i + 3], 19)
        for i in (0, 1, 2, 3):  # round 2
            a = rotl(a + ((b & c) | (b & d) | (c & d)) + x[i] + 0x5A827999, 3)
            d = rotl(d + ((a & b) | (a & c) | (b & c)) + x[i + 4] + 0x5A827999, 5)
            c = rotl(c + ((d & a) | (d & b) | (a & b)) + x[i + 8] + 0x5A827999, 9)
            b = rotl(b + ((c & d) | (c & a) | (d & a)) + x[i + 12] + 0x5A827999, 13)
        for i in (0, 2, 1, 3):  # round 3
            a = rotl(a + (b ^ c ^ d) + x[i] + 0x6ED9EBA1, 3)
            d = rotl(d + (a ^ b ^ c) + x[i + 8] + 0x6ED9EBA1, 9)
            c = rotl(c + (d ^ a ^ b) + x[i + 4] + 0x6ED9EBA1, 11)
            b = rotl(b + (c ^ d ^ a) + x[i + 12] + 0x6ED9EBA1, 15)
        a, b, c, d = (a + aa) & 0xFFFFFFFF, (b + bb) & 0xFFFFFFFF, (c + cc) & 0xFFFFFFFF, (d + dd) & 0xFFFFFFFF
    return struct.pack("<4I", a, b, c, d)


def ntlm(password: str) -> bytes:
    return md4(password.encode("utf-16-le"))


# ----- canaries and the forms searched for -------------------------------------------------------------------


@dataclass(frozen=True)
class Canary:
    kind: str  # "phone", "email", "cn_id", "username", "password", "passphrase"
    typed: str  # as given to the app
    canonical: str  # the app's canonical form (same as typed for passwords)
    type_code: int | None = None  # the identifier type byte of `encode()`, None for the passphrase


@dataclass(frozen=True)
class Needle:
    kind: str
    form: str  # e.g. "sha256 hex of canonical"; never the value
    value: bytes
    case_insensitive: bool  # text and hex forms; base64 and raw digests are matched exactly
    outputs_only: bool = False  # short forms (a 5-hex prefix) that random file bytes could match by chance


def _cn_id(rng: random.Random) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = f"110105{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def make_canaries(seed: int | None = None) -> list[Canary]:
    """Fresh random canaries (deterministic for a given seed). Canonical forms come from the app's own code."""
    rng = random.Random(seed if seed is not None else secrets.randbits(64))
    token = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(10))
    typed = {
        "phone": f"139 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        "email": f"Canary.{token}@Example.ORG",
        "cn_id": _cn_id(rng),
        "username": f"Canary_User_{token}",
        "password": f"Canary-Pw-{token}-{rng.randint(1000, 9999)}!",
        "passphrase": f"canary passphrase {token} {rng.randint(1000, 9999)}",
    }
    sys.path.insert(0, str(REPO / "desktop"))
    from exposurecheck.core.identifiers import IdentifierType, normalize

    canaries = []
    for kind, value in typed.items():
        if kind == "passphrase":
            canaries.append(Canary(kind, value, value))
            continue
        identifier = normalize(IdentifierType(kind), value, region="CN")
        canaries.append(Canary(kind, value, identifier.canonical, identifier.type.code))
    return canaries


def needles_for(canary: Canary) -> list[Needle]:
    texts: dict[str, bytes] = {"typed": canary.typed.encode(), "canonical": canary.canonical.encode()}
    if canary.type_code is not None:
        texts["type||canonical"] = bytes([canary.type_code]) + canary.canonical.encode()
    if canary.kind == "phone":
        texts["digits"] = canary.canonical.lstrip("+").encode()
        texts["national number"] = canary.canonical.removeprefix("+86").encode()
    found: list[Needle] = []

    def add(form: str, value: bytes, case_insensitive: bool) -> None:
        found.append(Needle(canary.kind, form, value, case_insensitive))
        for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
            found.append(Needle(canary.kind, f"{name} of {form}", encode(value).rstrip(b"="), False))

    for label, raw in texts.items():
        if label != "type||canonical":  # a type byte followed by the text is found by the text needle itself
            add(label, raw, True)
            add(f"utf-16le of {label}", raw.decode().encode("utf-16-le"), True)
        add(f"hex of {label}", raw.hex().encode(), True)
        for algorithm in ("sha1", "sha256"):
            digest = hashlib.new(algorithm, raw).digest()
            add(f"{algorithm} hex of {label}", digest.hex().encode(), True)
            found.append(Needle(canary.kind, f"{algorithm} raw bytes of {label}", digest, False))
            found.append(Needle(canary.kind, f"base64 of {algorithm} of {label}", base64.b64encode(digest)[:-1], False))
            found.append(
                Needle(
                    canary.kind, f"base64url of {algorithm} of {label}", base64.urlsafe_b64encode(digest)[:-1], False
                )
            )
    if canary.kind in ("password", "passphrase"):
        digest = ntlm(canary.typed)
        add("ntlm hex", digest.hex().encode(), True)
        found.append(Needle(canary.kind, "ntlm raw bytes", digest, False))
        found.append(Needle(canary.kind, "base64 of ntlm", base64.b64encode(digest).rstrip(b"="), False))
    if canary.kind == "password":
        prefix = hashlib.sha1(canary.typed.encode(), usedforsecurity=False).hexdigest()[:5].encode()
        found.append(Needle(canary.kind, "sha1 prefix (5 hex)", prefix, True, outputs_only=True))
    # Raw digests are 20-32 random bytes: a chance match in a file is ~2^-160. Drop duplicates (same bytes).
    unique: dict[tuple[bytes, bool], Needle] = {}
    for needle in found:
        unique.setdefault(
            (needle.value.lower() if needle.case_insensitive else needle.value, needle.case_insensitive), needle
        )
    return list(unique.values())


# ----- scanning ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    where: str  # "file home/.cache/x (contents)" or "output: check (stderr)"; canaries redacted
    kind: str
    form: str


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the audit could not exercise something: it proves nothing
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if self.findings:
            return EXIT_FOUND
        return EXIT_BROKEN if self.problems else EXIT_CLEAN

    def lines(self) -> list[str]:
        out = [f"note: {n}" for n in self.notes]
        out += [f"FOUND {f.kind} ({f.form}) in {f.where}" for f in self.findings]
        out += [f"PROBLEM {p}" for p in self.problems]
        verdict = {EXIT_CLEAN: "clean: no canary found", EXIT_FOUND: "canaries found", EXIT_BROKEN: "audit incomplete"}
        out.append(f"privacy audit: {verdict[self.exit_code]} ({len(self.findings)} finding(s))")
        return out


class Scanner:
    def __init__(self, canaries: list[Canary]) -> None:
        self.canaries = canaries
        self.needles = [n for c in canaries for n in needles_for(c)]

    def redact(self, text: str) -> str:
        for canary in self.canaries:
            for value in {canary.typed, canary.canonical, canary.canonical.lstrip("+")}:
                text = text.replace(value, f"[{canary.kind} canary]")
        return text

    def scan_bytes(self, data: bytes, where: str, *, output: bool = False) -> list[Finding]:
        lowered = data.lower()
        hits: dict[tuple[str, str], Finding] = {}
        for needle in self.needles:
            if needle.outputs_only and not output:
                continue
            haystack = lowered if needle.case_insensitive else data
            value = needle.value.lower() if needle.case_insensitive else needle.value
            found = _token_in(haystack, value) if needle.outputs_only else value in haystack
            if found:
                hits.setdefault((needle.kind, needle.form), Finding(self.redact(where), needle.kind, needle.form))
        return list(hits.values())

    def scan_tree(self, root: Path, result: AuditResult, label: str) -> None:
        for path in sorted(_walk(root)):
            relative = str(path.relative_to(root))
            result.findings += self.scan_bytes(relative.encode(), f"{label}: file name {relative}")
            try:
                info = path.lstat()
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if info.st_size > MAX_SCAN_BYTES:
                result.problems.append(f"{label}: {self.redact(relative)} is too large to scan")
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                result.problems.append(f"{label}: could not read {self.redact(relative)} ({type(exc).__name__})")
                continue
            result.findings += self.scan_bytes(data, f"{label}: file {relative}")

    def scan_output(self, label: str, text: str, result: AuditResult) -> None:
        result.findings += self.scan_bytes(text.encode("utf-8", "surrogateescape"), f"output: {label}", output=True)


def _token_in(haystack: bytes, value: bytes) -> bool:
    # A 5-hex prefix counts only as a whole token, not inside a longer run of hex (e.g. a check id).
    hexdigits = b"0123456789abcdef"
    start = haystack.find(value)
    while start != -1:
        before = haystack[start - 1 : start] if start else b""
        after = haystack[start + len(value) : start + len(value) + 1]
        if (not before or before not in hexdigits) and (not after or after not in hexdigits):
            return True
        start = haystack.find(value, start + 1)
    return False


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            yield Path(folder) / name


# ----- the throwaway environment -----------------------------------------------------------------------------


@dataclass
class AuditEnv:
    """What an action gets: the throwaway root, the environment to run the app in, and a place for its output."""

    root: Path
    env: dict[str, str]
    canaries: list[Canary]
    scanner: Scanner
    result: AuditResult
    keyring_mode: str
    outputs: list[tuple[str, str]] = field(default_factory=list)

    def canary(self, kind: str) -> Canary:
        return next(c for c in self.canaries if c.kind == kind)

    def record_output(self, label: str, text: str) -> None:
        self.outputs.append((label, text))

    def scan_files(self, label: str) -> None:
        """Scan every file under the throwaway root now (e.g. before a wipe removes the evidence)."""
        self.scanner.scan_tree(self.root, self.result, label)

    def app_dirs(self) -> list[Path]:
        return [Path(self.env[f"EXPOSURECHECK_{n}_DIR"]) for n in ("CONFIG", "DATA", "STATE")]


def make_env(root: Path) -> dict[str, str]:
    home = root / "home"
    folders = {
        "HOME": home,
        "TMPDIR": root / "tmp",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_STATE_HOME": home / ".local" / "state",
        "XDG_CACHE_HOME": home / ".cache",
        "XDG_RUNTIME_DIR": root / "runtime",
        "EXPOSURECHECK_CONFIG_DIR": root / "app" / "config",
        "EXPOSURECHECK_DATA_DIR": root / "app" / "data",
        "EXPOSURECHECK_STATE_DIR": root / "app" / "state",
        "EXPOSURECHECK_PACK_DIRS": root / "packs",
    }
    for name in ("HOME", "TMPDIR", "XDG_RUNTIME_DIR"):
        folders[name].mkdir(parents=True, mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "EXPOSURECHECK_"))}
    env.update({k: str(v) for k, v in folders.items()})
    env.update({"LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"})
    env.pop("LC_ALL", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "desktop"), str(REPO / "server"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return env


def audit_action(
    action: Callable[[AuditEnv], None],
    *,
    canaries: list[Canary] | None = None,
    keyring_mode: str = "auto",
    keep: bool = False,
) -> AuditResult:
    """Run `action` in a fresh throwaway environment, then scan every file and every recorded output.

    `action` drives the app (CLI, GUI, ...) with `env.canaries`, records what the app printed with
    `env.record_output`, and may call `env.scan_files(label)` at interesting moments. Files are scanned again after
    it returns. The canaries themselves never appear in the result.
    """
    canaries = canaries or make_canaries()
    result = AuditResult()
    scanner = Scanner(canaries)
    root = Path(tempfile.mkdtemp(prefix="ec-audit-"))
    try:
        mode = _resolve_keyring_mode(keyring_mode)
        env = make_env(root)
        if mode == "session":
            env.pop("DBUS_SESSION_BUS_ADDRESS", None)
            env["EC_AUDIT_KEYRING_PASSWORD"] = secrets.token_hex(16)
        elif mode == "passphrase":
            env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        audit = AuditEnv(root, env, canaries, scanner, result, mode)
        result.notes.append(f"keyring: {mode}")
        before = _shared_temp_entries()
        try:
            action(audit)
        except Exception as exc:  # the report must still be produced; the exception text may quote a canary
            result.problems.append(f"the audited action failed: {type(exc).__name__}")
        for label, text in audit.outputs:
            scanner.scan_output(label, text, result)
        audit.scan_files("end")
        _scan_new_shared_temp(before, root, scanner, result)
    finally:
        if keep:
            result.notes.append(f"throwaway folder kept at {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return result


SHARED_TEMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")  # noqa: S108 - looked at, never written to


def _shared_temp_entries() -> dict[Path, int]:
    """Top-level entries of the shared temp folders and their modification times, before the action runs.

    Only the top level is compared (other programs keep hundreds of thousands of files there): an app that ignores
    TMPDIR and writes `/tmp/x` or `/tmp/new-folder/...` is caught; one writing into an existing subfolder is not.
    """
    entries: dict[Path, int] = {}
    for folder in map(Path, SHARED_TEMP_DIRS):
        with contextlib.suppress(OSError):
            for entry in folder.iterdir():
                with contextlib.suppress(OSError):
                    entries[entry] = entry.lstat().st_mtime_ns
    return entries


SHARED_TEMP_FILE_LIMIT = 2000  # files per new top-level folder: other programs' folders may appear meanwhile
SHARED_TEMP_MAX_BYTES = 16 * 1024 * 1024


def _scan_new_shared_temp(before: dict[Path, int], root: Path, scanner: Scanner, result: AuditResult) -> None:
    """Scan what appeared (or, for plain files, changed) at the top of the shared temp folders during the action."""
    for entry, mtime in _shared_temp_entries().items():
        if entry == root or before.get(entry) == mtime:
            continue
        if entry.is_symlink():
            continue
        if entry.is_file():
            _scan_shared_file(entry, scanner, result)
        elif entry.is_dir() and entry not in before:
            for count, path in enumerate(p for p in _walk(entry) if p.is_file() and not p.is_symlink()):
                if count >= SHARED_TEMP_FILE_LIMIT:
                    result.notes.append(f"shared temp {entry}: only the first {SHARED_TEMP_FILE_LIMIT} files scanned")
                    break
                _scan_shared_file(path, scanner, result)


def _scan_shared_file(path: Path, scanner: Scanner, result: AuditResult) -> None:
    # Files of other users or programs may be unreadable: that is not the app's doing, so not a problem.
    with contextlib.suppress(OSError):
        result.findings += scanner.scan_bytes(str(path).encode(), f"shared temp: file name {path}")
        if path.stat().st_size <= SHARED_TEMP_MAX_BYTES:
            result.findings += scanner.scan_bytes(path.read_bytes(), f"shared temp: file {path}")


def _resolve_keyring_mode(mode: str) -> str:
    if mode != "auto":
        return mode
    return "session" if shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon") else "passphrase"


# ----- a loopback Pwned Passwords server ---------------------------------------------------------------------


@contextlib.contextmanager
def pwned_passwords_server(password: str, count: int = 4242) -> Iterator[str]:
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    padding = [f"{secrets.token_hex(18)[:35].upper()}:0" for _ in range(30)]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            lines = list(padding)
            if self.path == f"/range/{digest[:5]}":
                lines.insert(len(lines) // 2, f"{digest[5:]}:{count}")
            body = ("\r\n".join(lines) + "\r\n").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the request path holds the prefix: never print it

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ----- the CLI pass ------------------------------------------------------------------------------------------


def demo_pack_available() -> bool:
    sys.path.insert(0, str(REPO / "desktop"))
    try:
        return importlib.util.find_spec("exposurecheck.core.sources.pack") is not None
    except ModuleNotFoundError:
        return False


def run_app(
    audit: AuditEnv, command: list[str], label: str, args: list[str], stdin: str = "", *, verbose: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the app once (with `--verbose` unless told not to) in the audit's environment (its own keyring session
    when there is one) and record what it printed."""
    argv = [*command, *(["--verbose"] if verbose else []), *args]
    if audit.keyring_mode == "session":
        unlock = 'printf %s "$EC_AUDIT_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets'
        argv = ["dbus-run-session", "--", "sh", "-c", f'{unlock} >/dev/null && exec "$@"', "sh", *argv]
    # The working folder is inside the throwaway tree too, so a file written "here" is scanned (and the checkout
    # is never written to).
    workdir = audit.root / "cwd"
    workdir.mkdir(exist_ok=True)
    completed = subprocess.run(
        argv, input=stdin, capture_output=True, text=True, env=audit.env, cwd=workdir, timeout=300, check=False
    )
    audit.record_output(f"{label} (stdout)", completed.stdout)
    audit.record_output(f"{label} (stderr)", completed.stderr)
    return completed


def report_leftovers(audit: AuditEnv, prefix: str) -> None:
    """After a wipe: any file in the app's folders is a problem; files elsewhere (toolkit caches, the keyring's own
    files) are listed as notes, so a reader can see everything that stays behind."""
    app_dirs = [d for d in audit.app_dirs() if d.exists()]
    for path in (p for d in app_dirs for p in d.rglob("*") if p.is_file()):
        audit.result.problems.append(
            f"{prefix}left after wipe: {audit.scanner.redact(str(path.relative_to(audit.root)))}"
        )
    elsewhere = sorted(
        str(p.relative_to(audit.root))
        for p in _walk(audit.root)
        if p.is_file() and not any(d in p.parents for d in app_dirs) and "plant" not in p.relative_to(audit.root).parts
    )
    for relative in elsewhere[:20]:
        audit.result.notes.append(f"{prefix}outside the app's folders after wipe: {audit.scanner.redact(relative)}")
    if len(elsewhere) > 20:
        audit.result.notes.append(f"{prefix}... and {len(elsewhere) - 20} more")


def default_app() -> list[str]:
    return [sys.executable, "-m", "exposurecheck"]


def cli_pass(app: list[str] | None = None) -> Callable[[AuditEnv], None]:
    """The CLI action: check, save, re-open in new processes, mark progress, wipe. `app` is the command to run
    (default: this checkout's `python -m exposurecheck`)."""
    command = app or default_app()

    def action(audit: AuditEnv) -> None:
        def run(label: str, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
            return run_app(audit, command, label, args, stdin)

        passphrase = audit.canary("passphrase").typed if audit.keyring_mode == "passphrase" else None
        vault_args = ["--passphrase-stdin"] if passphrase else []
        vault_stdin = f"{passphrase}\n" if passphrase else ""
        with pwned_passwords_server(audit.canary("password").typed) as url:
            sources = ["--source", f"hibp-passwords={url}"]
            if demo_pack_available():
                sources += ["--source", "demo"]
                audit.result.notes.append("sources: loopback Pwned Passwords + bundled demo pack")
            else:
                audit.result.notes.append("sources: loopback Pwned Passwords (demo pack not available yet)")
            identifiers = [
                *("--phone", audit.canary("phone").typed),
                *("--email", audit.canary("email").typed),
                *("--cn-id", audit.canary("cn_id").typed),
                *("--username", audit.canary("username").typed),
                "--password-stdin",
            ]
            password_line = audit.canary("password").typed + "\n"
            kept = run(
                "check --json --save --keep-identifiers",
                ["check", *identifiers, *sources, "--json", "--save", "--keep-identifiers", *vault_args],
                password_line + vault_stdin,
            )
            plain = run(
                "check --save",
                ["check", *identifiers, *sources, "--save", "--note", "audit", *vault_args],
                password_line + vault_stdin,
            )
        for completed, label in ((kept, "check --json"), (plain, "check")):
            if completed.returncode != 0 or "Saved this check" not in completed.stderr:
                audit.result.problems.append(f"{label} did not run and save (exit {completed.returncode})")
        try:
            if json.loads(kept.stdout)["exposures"] == []:
                audit.result.problems.append("the canary password was not found: the check path was not exercised")
        except (ValueError, KeyError, TypeError):
            audit.result.problems.append("check --json did not print a JSON report")

        listed = run("history list --json", ["history", "list", "--json", *vault_args], vault_stdin)
        if run("history list", ["history", "list", *vault_args], vault_stdin).returncode != 0:
            audit.result.problems.append("history list failed")
        try:
            entries = json.loads(listed.stdout)
            ids = [entry["id"] for entry in entries]
            with_identifiers = [entry["id"] for entry in entries if entry["identifiers_kept"]]
        except (ValueError, KeyError, TypeError):
            ids, with_identifiers = [], []
        if len(ids) != 2 or len(with_identifiers) != 1:
            audit.result.problems.append(
                f"history list shows {len(ids)} saved checks instead of 2 (1 with identifiers)"
            )
        for check_id in ids:
            for label, extra in (
                ("history show", ["show", check_id]),
                ("history show --json", ["show", check_id, "--json"]),
                ("history done", ["done", check_id, "B-01"]),
            ):
                shown = run(label, ["history", *extra, *vault_args], vault_stdin)
                if shown.returncode != 0:
                    audit.result.problems.append(f"{label} failed (exit {shown.returncode})")
        for check_id in with_identifiers:
            with pwned_passwords_server(audit.canary("password").typed) as url:
                rechecked = run(
                    "history recheck --save",
                    ["history", "recheck", check_id, "--source", f"hibp-passwords={url}", "--save", *vault_args],
                    vault_stdin,
                )
            if rechecked.returncode != 0 or "Saved this check" not in rechecked.stderr:
                audit.result.problems.append(f"history recheck did not run and save (exit {rechecked.returncode})")
        if not any(p.is_file() for d in audit.app_dirs() for p in (d.rglob("*") if d.exists() else [])):
            audit.result.problems.append("nothing was saved in the app's folders: the vault was not exercised")
        audit.scan_files("after saving and re-opening")
        wiped = run("wipe --yes", ["wipe", "--yes"])
        if wiped.returncode != 0:
            audit.result.problems.append(f"wipe did not complete (exit {wiped.returncode})")
        report_leftovers(audit, "")

    return action


def gui_available() -> bool:
    sys.path.insert(0, str(REPO / "desktop"))
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("PySide6.QtWidgets", "exposurecheck.gui.vault_link")
        )
    except ModuleNotFoundError:
        return False


def gui_pass() -> Callable[[AuditEnv], None] | None:
    """The GUI action: type the canaries into the real window (offscreen), keep the check, restart, re-open it,
    restart, wipe (scripts/privacy_audit_gui.py, one process per step). None when the GUI is not there."""
    if not gui_available():
        return None
    driver = [sys.executable, str(REPO / "scripts" / "privacy_audit_gui.py")]

    def step(audit: AuditEnv, name: str, payload: dict[str, object]) -> dict[str, object]:
        completed = run_app(audit, driver, f"GUI {name}", [name], json.dumps(payload), verbose=False)
        try:
            outcome = json.loads(completed.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            outcome = {}
        if completed.returncode != 0 or not isinstance(outcome, dict):
            audit.result.problems.append(f"GUI step {name} failed (exit {completed.returncode})")
            return {}
        return outcome

    def action(audit: AuditEnv) -> None:
        if audit.keyring_mode == "passphrase":
            audit.result.problems.append("the GUI keeps checks only with a keyring: run with a Secret Service")
            return
        kinds = ("phone", "email", "cn_id", "username", "password")
        with pwned_passwords_server(audit.canary("password").typed) as url:
            payload = {"canaries": {k: audit.canary(k).typed for k in kinds}, "url": url, "demo": demo_pack_available()}
            saved = step(audit, "save", payload)
        if not (saved.get("results") and saved.get("kept") and saved.get("found")):
            audit.result.problems.append(f"GUI did not check, find and keep: {saved}")
        audit.scan_files("GUI: after keeping")
        reopened = step(audit, "reopen", {})
        if not (reopened.get("count") == 1 and reopened.get("reopened") and reopened.get("done") == 1):
            audit.result.problems.append(f"GUI did not re-open the kept check with its progress: {reopened}")
        audit.scan_files("GUI: after re-opening")
        wiped = step(audit, "wipe", {})
        if not wiped.get("wiped"):
            audit.result.problems.append(f"GUI wipe did not remove the vault: {wiped}")
        report_leftovers(audit, "")

    return action


# ----- self-test: the scanner must catch every form ----------------------------------------------------------


def self_test() -> AuditResult:
    """Plant every needle of every canary, in a file and in an output, and check that each one is caught."""
    canaries = make_canaries()
    scanner = Scanner(canaries)
    result = AuditResult()
    for index, needle in enumerate(scanner.needles):
        planted = b"...padding " + needle.value + b" padding..."
        hits = scanner.scan_bytes(planted, f"planted #{index}", output=True)
        if not any(h.kind == needle.kind for h in hits):
            result.problems.append(f"missed {needle.kind} ({needle.form})")
    clean = scanner.scan_bytes(secrets.token_bytes(1 << 20), "random bytes")
    if clean:
        result.problems.append(f"{len(clean)} chance match(es) in random bytes")
    result.notes.append(f"self-test: {len(scanner.needles)} forms of {len(canaries)} canaries planted")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keyring", choices=("auto", "session", "ambient", "passphrase"), default="auto")
    parser.add_argument("--app", help="command that runs the app (default: python -m exposurecheck from this checkout)")
    parser.add_argument("--self-test", action="store_true", help="only check that the scanner catches every form")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway folder for inspection")
    parser.add_argument("--no-gui", action="store_true", help="skip the GUI pass")
    args = parser.parse_args(argv)
    if args.self_test:
        result = self_test()
    else:
        app = shlex.split(args.app) if args.app else None
        result = audit_action(cli_pass(app), keyring_mode=args.keyring, keep=args.keep)
        gui = None if args.no_gui else gui_pass()
        if gui is None:
            result.notes.append("GUI pass: skipped" if args.no_gui else "GUI pass: not available in this build")
        else:
            gui_result = audit_action(gui, keyring_mode=args.keyring, keep=args.keep)
            result.findings += gui_result.findings
            result.problems += [f"GUI: {p}" for p in gui_result.problems]
            result.notes += [f"GUI: {n}" for n in gui_result.notes]
    for line in result.lines():
        print(line)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
