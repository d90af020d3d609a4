"""Publisher keys: the Ed25519 public keys that may sign offline packs (and other signed data).

A `.pub` file is one line of text::

    exposure-check-ed25519 <base64 of the 32 raw key bytes> [optional comment]

Blank lines and lines starting with `#` are ignored, so a publisher can put a note above the key.

Three sets of keys exist:
- `pinned_keys()`: shipped with the app in `resources/keys/publishers/*.pub`, trusted for real packs;
- `demo_keys()`: shipped in `resources/keys/demo/*.pub`, trusted ONLY for packs flagged demo (the demo key's
  private half was thrown away, but a demo key must never vouch for real data anyway);
- the trust store: keys a person or NGO added (`exposure-check trust add FILE.pub`), kept in
  `config_dir()/trusted_publishers.json`. A public key says nothing about the person, so a plain file is fine.

A fingerprint is the first 16 bytes of SHA-256 over the raw key, as 8 groups of 4 hex digits: short enough to read
out over the phone, long enough that nobody can make a key with the same fingerprint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from pathlib import Path

from exposurecheck.core import paths
from exposurecheck.core.errors import UserError
from exposurecheck.resources import resource_path

KEY_PREFIX = "exposure-check-ed25519"
KEY_LENGTH = 32
TRUST_FILE = "trusted_publishers.json"
_TRUST_FORMAT = "exposurecheck.trusted_publishers"
_MAX_PUB_FILE = 64 * 1024  # a .pub file is one short line; anything bigger is not a key file


def format_public_key(raw: bytes, comment: str = "") -> str:
    """The one-line `.pub` text for a raw key (with a trailing newline)."""
    _check_raw(raw)
    line = f"{KEY_PREFIX} {base64.b64encode(raw).decode('ascii')}"
    if comment:
        line += " " + " ".join(comment.split())  # one line, whatever the comment held
    return line + "\n"


def parse_public_key(text: str) -> bytes:
    """The raw 32 bytes from `.pub` text, or `UserError("pack.key.invalid")`."""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 2 or parts[0] != KEY_PREFIX:
            raise UserError("pack.key.invalid")
        try:
            raw = base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError):
            raise UserError("pack.key.invalid") from None
        if len(raw) != KEY_LENGTH:
            raise UserError("pack.key.invalid")
        return raw
    raise UserError("pack.key.invalid")


def read_public_key(path: Path | str) -> bytes:
    """The raw 32-byte Ed25519 public key in a `.pub` file; a clear `UserError` if it cannot be read or is not one."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_PUB_FILE + 1)
    except OSError:
        raise UserError("pack.key.unreadable", file=path.name) from None
    if len(data) > _MAX_PUB_FILE:
        raise UserError("pack.key.invalid")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("pack.key.invalid") from None
    return parse_public_key(text)


def fingerprint(raw: bytes) -> str:
    """A short, human-comparable name for a key: `1a2b 3c4d ...` (8 groups of 4 hex digits of SHA-256)."""
    _check_raw(raw)
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def normalize_fingerprint(text: str) -> str:
    """Accept a fingerprint typed with spaces, colons, dashes or in upper case; return the canonical form."""
    hexdigits = "".join(ch for ch in text.lower() if ch in "0123456789abcdef")
    if len(hexdigits) != 32 or len(hexdigits) != sum(1 for ch in text if ch.isalnum()):
        raise UserError("pack.trust.bad_fingerprint")
    return " ".join(hexdigits[i : i + 4] for i in range(0, 32, 4))


def _check_raw(raw: bytes) -> None:
    if not isinstance(raw, bytes | bytearray) or len(raw) != KEY_LENGTH:
        raise UserError("pack.key.invalid")


def _keys_in(folder: Path) -> tuple[bytes, ...]:
    if not folder.is_dir():
        return ()
    keys: dict[bytes, None] = {}
    for path in sorted(folder.glob("*.pub")):
        keys.setdefault(read_public_key(path), None)
    return tuple(keys)


def pinned_keys() -> tuple[bytes, ...]:
    """Keys shipped with the app that are trusted for real (non-demo) packs."""
    return _keys_in(resource_path("keys", "publishers"))


def demo_keys() -> tuple[bytes, ...]:
    """Keys shipped with the app that are trusted for demo packs only."""
    return _keys_in(resource_path("keys", "demo"))


# --- the trust store ------------------------------------------------------------------------------------------


def _trust_path() -> Path:
    return paths.config_dir() / TRUST_FILE


def trusted_keys() -> tuple[bytes, ...]:
    """Keys a person or NGO added with `trust add`, in the order they were added."""
    path = _trust_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, ValueError):
        raise UserError("pack.trust.store_damaged", file=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != _TRUST_FORMAT or not isinstance(data.get("keys"), list):
        raise UserError("pack.trust.store_damaged", file=str(path))
    keys: dict[bytes, None] = {}
    for entry in data["keys"]:
        try:
            raw = base64.b64decode(str(entry.get("key", "")), validate=True)
        except (AttributeError, binascii.Error, ValueError):
            raise UserError("pack.trust.store_damaged", file=str(path)) from None
        if len(raw) != KEY_LENGTH:
            raise UserError("pack.trust.store_damaged", file=str(path))
        keys.setdefault(raw, None)
    return tuple(keys)


def _write_store(keys: tuple[bytes, ...]) -> None:
    folder = paths.ensure_private_dir(paths.config_dir())
    document = {
        "format": _TRUST_FORMAT,
        "version": 1,
        # The fingerprint is stored only so a person reading the file can match it to `trust list`.
        "keys": [{"key": base64.b64encode(k).decode("ascii"), "fingerprint": fingerprint(k)} for k in keys],
    }
    # Written to a temporary file and renamed, so a crash or full disk never leaves a half-written store.
    fd, tmp_name = tempfile.mkstemp(prefix=".trusted-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1)
            handle.write("\n")
        os.replace(tmp_name, folder / TRUST_FILE)
    except OSError:
        Path(tmp_name).unlink(missing_ok=True)
        raise UserError("pack.trust.write_failed") from None


def add_trusted(path: Path | str) -> bytes:
    """Add the key in the `.pub` file at `path` to the trust store; returns the raw key (show its fingerprint)."""
    return add_trusted_key(read_public_key(path))


def add_trusted_key(raw: bytes) -> bytes:
    """Add a raw key to the trust store, exactly as `trust add` does with a `.pub` file (the window's "Trust this
    publisher" gives the key a pack carries, after the person compared its fingerprint)."""
    _check_raw(raw)
    raw = bytes(raw)
    keys = trusted_keys()
    if raw not in keys:
        _write_store((*keys, raw))
    return raw


def remove_trusted(fp: str) -> bytes:
    """Remove the key with fingerprint `fp` from the trust store; `UserError` if no added key has it.

    Keys shipped with the app cannot be removed here: they are not in the store.
    """
    wanted = normalize_fingerprint(fp)
    keys = trusted_keys()
    for raw in keys:
        if fingerprint(raw) == wanted:
            _write_store(tuple(k for k in keys if k != raw))
            return raw
    raise UserError("pack.trust.not_found", fingerprint=wanted)
