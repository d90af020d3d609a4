"""`exposure-check-admin keygen`: publisher signing keys (Ed25519) and OPRF keys (ristretto255 scalars).

Files written:
- `publisher.key`: the Ed25519 private key as PKCS#8 PEM, encrypted with a passphrase (asked twice without echo on
  a terminal, or read from stdin), unless `--unencrypted` is given; mode 0600, never overwritten. Every command that
  signs with it asks for the passphrase on a terminal (or reads it with `--passphrase-stdin`).
- `publisher.pub`: the public key in the `.pub` format of `exposurecheck.core.trust.publisher_keys` (hand this to users
  and NGOs; they compare its fingerprint before trusting it).
- with `--oprf`: `oprf.key` instead, one line `exposure-check-oprf-ristretto255 <base64 of the 32-byte scalar>`,
  mode 0600: a lookup service's matching key (rotated now and then). The public half is printed, since it is
  derived from the scalar and is not secret.
- with `--bucketing`: `bucketing.key`, the same format with `exposure-check-bucketing-ristretto255`: the lookup
  service's long-lived bucketing key, made once per service and never changed (docs/protocol.md section 7). The
  different first word keeps one from being used as the other.

The passphrase is read from stdin (never from argv, where other users could see it in the process list).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import getpass
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang, tr
from exposurecheck.core.trust.publisher_keys import fingerprint, format_public_key

PRIVATE_NAME = "publisher.key"
PUBLIC_NAME = "publisher.pub"
OPRF_NAME = "oprf.key"
OPRF_PREFIX = "exposure-check-oprf-ristretto255"
BUCKETING_NAME = "bucketing.key"
BUCKETING_PREFIX = "exposure-check-bucketing-ristretto255"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("keygen", help="create a publisher signing key pair (or an OPRF key with --oprf)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder to write the key files into")
    parser.add_argument(
        "--passphrase-stdin", action="store_true", help="encrypt the private key with a passphrase read from stdin"
    )
    parser.add_argument(
        "--unencrypted",
        action="store_true",
        help="write the signing key WITHOUT a passphrase (only for a key that never leaves an encrypted, offline disk)",
    )
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--oprf", action="store_true", help="write a lookup service's matching key (oprf.key)")
    kind.add_argument(
        "--bucketing", action="store_true", help="write a lookup service's long-lived bucketing key (bucketing.key)"
    )
    parser.add_argument("--comment", default="", help="a note stored after the public key (e.g. the NGO's name)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.unencrypted and args.passphrase_stdin:
        raise UserError("keygen.unencrypted_and_passphrase")
    passphrase = read_passphrase() if args.passphrase_stdin else None
    if args.oprf or args.bucketing:
        if passphrase is not None:
            raise UserError("pack.keygen.oprf_no_passphrase")
        name = OPRF_NAME if args.oprf else BUCKETING_NAME
        public = write_oprf_key(args.out) if args.oprf else write_bucketing_key(args.out)
        # The key's public part in the form `service manifest`/`sign` print it, so the operator can compare them.
        written = "keygen.written_oprf" if args.oprf else "keygen.written_bucketing"
        text = tr(written, operator_lang(), file=str((args.out / name).resolve()), key=fingerprint(public)[:19])
        sys.stdout.write(text + "\n")
        return 0
    if passphrase is None and not args.unencrypted:
        passphrase = ask_new_passphrase()
    raw = write_signing_key(args.out, passphrase=passphrase, comment=args.comment)
    lang = operator_lang()
    private = (args.out / PRIVATE_NAME).resolve()
    lines = [
        tr("keygen.written_encrypted" if passphrase else "keygen.written_unencrypted", lang, file=str(private)),
        tr("keygen.written_public", lang, file=str((args.out / PUBLIC_NAME).resolve())),
        tr("keygen.fingerprint", lang, fingerprint=fingerprint(raw)),
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def operator_lang() -> str:
    """The operator's language, from the environment as for the desktop CLI (en unless a Chinese locale)."""
    return normalize_lang(os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG"))


def ask_new_passphrase() -> bytes:
    """A new passphrase: asked twice without echo on a terminal, else one line of stdin (never argv)."""
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:  # a script or cron job that did not know keygen encrypts: say what it can do instead
            raise UserError("keygen.no_terminal")
        return line.encode("utf-8")
    lang = operator_lang()
    first = getpass.getpass(tr("keygen.prompt_new", lang))
    if not first:
        raise UserError("keygen.empty_at_prompt")  # typed at the prompt: nothing to do with standard input
    if getpass.getpass(tr("keygen.prompt_again", lang)) != first:
        raise UserError("keygen.passphrase_mismatch")
    return first.encode("utf-8")


def ask_passphrase(path: Path) -> bytes | None:
    """The passphrase of an encrypted key, asked without echo when there is a terminal; None when there is not."""
    if not sys.stdin.isatty():
        return None
    # The path as typed, not only its name: a publisher-key rotation signs with two files called publisher.key.
    answer = getpass.getpass(tr("keygen.prompt_existing", operator_lang(), file=str(path)))
    return answer.encode("utf-8") if answer else None


def read_passphrase() -> bytes:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UserError("pack.keygen.empty_passphrase")
    return line.encode("utf-8")


def _write_private(path: Path, data: bytes) -> None:
    # O_EXCL: an existing key is never overwritten (losing a publisher key strands every pack signed with it).
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise UserError("pack.keygen.exists", file=str(path)) from None
    except OSError:
        raise UserError("pack.keygen.write_failed", file=str(path)) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _prepare(folder: Path, names: tuple[str, ...]) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        raise UserError("pack.keygen.write_failed", file=str(folder)) from None
    for name in names:
        if (folder / name).exists():
            raise UserError("pack.keygen.exists", file=str(folder / name))


def write_signing_key(folder: Path, *, passphrase: bytes | None = None, comment: str = "") -> bytes:
    """Create `folder/publisher.key` and `folder/publisher.pub`; return the raw 32-byte public key."""
    _prepare(folder, (PRIVATE_NAME, PUBLIC_NAME))
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    _write_private(folder / PRIVATE_NAME, pem)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    (folder / PUBLIC_NAME).write_text(format_public_key(raw, comment), encoding="utf-8")
    return raw


def load_signing_key(path: Path | str, passphrase: bytes | str | None = None) -> Ed25519PrivateKey:
    """The Ed25519 private key in a `publisher.key` file; a clear `UserError` for a wrong passphrase or file."""
    path = Path(path)
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    try:
        data = path.read_bytes()
    except OSError:
        raise UserError("pack.keygen.unreadable", file=str(path)) from None
    try:
        key = serialization.load_pem_private_key(data, password=passphrase or None)
    except TypeError:
        # Raised both for "encrypted but no passphrase" and "not encrypted but a passphrase was given".
        key_needs = b"ENCRYPTED" in data.split(b"\n", 1)[0]
        if key_needs and not passphrase:
            asked = ask_passphrase(path)  # every command that signs accepts an encrypted key: ask on a terminal
            if asked is not None:
                return load_signing_key(path, asked)
        raise UserError("pack.keygen.needs_passphrase" if key_needs else "pack.keygen.no_passphrase") from None
    except ValueError:
        if passphrase:
            raise UserError("pack.keygen.wrong_passphrase") from None
        raise UserError("pack.keygen.not_a_key", file=str(path)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError("pack.keygen.not_a_key", file=str(path))
    return key


def write_oprf_key(folder: Path) -> bytes:
    """Create `folder/oprf.key` with a fresh random ristretto255 scalar; return the public element."""
    return _write_scalar_key(folder, OPRF_NAME, OPRF_PREFIX)


def write_bucketing_key(folder: Path) -> bytes:
    """Create `folder/bucketing.key` (a service's long-lived bucketing key); return the public element."""
    return _write_scalar_key(folder, BUCKETING_NAME, BUCKETING_PREFIX)


def _write_scalar_key(folder: Path, name: str, prefix: str) -> bytes:
    # Imported here: libsodium is only needed for OPRF keys, not for publisher keys.
    from exposurecheck.core.crypto.oprf import generate_key_pair

    _prepare(folder, (name,))
    pair = generate_key_pair()
    _write_private(folder / name, f"{prefix} {base64.b64encode(pair.secret).decode('ascii')}\n".encode())
    return pair.public


def load_bucketing_key(path: Path | str) -> bytes:
    """The 32-byte ristretto255 scalar in a `bucketing.key` file."""
    return load_oprf_key(path, prefix=BUCKETING_PREFIX)


def load_oprf_key(path: Path | str, *, prefix: str = OPRF_PREFIX) -> bytes:
    """The 32-byte ristretto255 scalar in an `oprf.key` file (or, with `prefix`, a `bucketing.key` file)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise UserError("pack.keygen.unreadable", file=str(path)) from None
    parts = text.split()
    if len(parts) != 2 or parts[0] != prefix:
        raise UserError("pack.keygen.not_a_key", file=str(path))
    try:
        secret = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise UserError("pack.keygen.not_a_key", file=str(path)) from None
    if len(secret) != 32:
        raise UserError("pack.keygen.not_a_key", file=str(path))
    return secret
