"""USB kits: a folder an NGO copies onto sticks, holding the app, data packs and its profile, signed as a whole.

Layout (made by `exposure-check-admin kit build`)::

    README.txt           what this is and how to check it, in English and Chinese
    kit.json             what the kit holds (app version, packs, profile, publisher fingerprint)
    profile.ecprofile    the NGO's signed profile, at the top so the app finds it on the stick
    packs/…              signed offline data packs
    app/…                app bundles (folders) and/or installers (files)
    keys/publisher.pub   the key that signed the kit, so recipients can compare its fingerprint
    SHA256SUMS           `<sha256 hex>  <path>` per file, sorted: `sha256sum -c SHA256SUMS` works on Linux
    SHA256SUMS.sig       an Ed25519 signature over a kit-only context string plus the bytes of SHA256SUMS

A kit verifies when SHA256SUMS.sig is a valid signature by a key the caller trusts, and the files in the folder are
exactly the files listed, with the listed hashes: a changed, added or removed file fails, and so does a symbolic
link (it could point anywhere). The only files left out of the comparison are the metadata operating systems put
on removable media by themselves (`.DS_Store`, `._*`, `Thumbs.db`, `desktop.ini`, and folders such as
`System Volume Information` at the top), which a person cannot avoid creating by opening the stick.

The key in `keys/publisher.pub` is only there to be read by people: trusting it because the kit says so would be
circular, so verification always takes the trusted keys from the caller.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from exposurecheck.core.errors import UserError
from exposurecheck.core.trust.publisher_keys import fingerprint

SUMS_NAME = "SHA256SUMS"
SIGNATURE_NAME = "SHA256SUMS.sig"
MANIFEST_NAME = "kit.json"
MANIFEST_FORMAT = "exposurecheck.kit"
# Domain separation: a kit signature can never be passed off as a pack, profile or manifest signature.
SIGNING_CONTEXT = b"exposurecheck.kit.v1\x00"
SIGNATURE_HEADER = "exposure-check-kit-signature 1"

# Made by operating systems on any stick that is opened; not part of what the publisher signed.
_OS_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_OS_TOP_FOLDERS = frozenset(
    {"System Volume Information", "$RECYCLE.BIN", ".Spotlight-V100", ".fseventsd", ".Trashes", ".TemporaryItems"}
)
_SIGNED_NAMES = frozenset({SUMS_NAME, SIGNATURE_NAME})
_SUMS_LINE = re.compile(r"^([0-9a-f]{64})  (.+)$")
_MAX_SUMS = 16 * 1024 * 1024  # ~100k files; a kit has a few thousand
_MAX_SIGNATURE = 4096
_MAX_MANIFEST = 1024 * 1024
_CHUNK = 1024 * 1024
# How far above the executable a kit root may be: kit/app/exposure-check/exposure-check is 2 levels up,
# kit/app/Exposure Check.app/Contents/MacOS/exposure-check is 4.
_KIT_SEARCH_LEVELS = 5

Progress = Callable[[int, int], None]  # (bytes hashed so far, total bytes)


@dataclass(frozen=True)
class VerifiedKit:
    """A kit that passed verification. `manifest` is the publisher's kit.json (covered by the signature)."""

    root: Path
    signer: bytes
    files: int
    total_bytes: int
    manifest: Mapping[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signer)


# --- hashing and the SHA256SUMS format ---------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (bundles hold 100 MB libraries)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def is_os_metadata(relative: PurePosixPath) -> bool:
    """True for files an operating system creates on removable media by itself (see the module docstring)."""
    name = relative.name
    if name in _OS_FILES or name.startswith("._"):
        return True
    return len(relative.parts) > 1 and relative.parts[0] in _OS_TOP_FOLDERS


def kit_files(root: Path) -> list[str]:
    """Every file under `root` that the signature must cover, as sorted POSIX relative paths.

    Raises `UserError("kit.symlink")` for a symbolic link: the kit must carry real files only.
    """
    found: list[str] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in list(dirnames):
            if (base / name).is_symlink():
                raise UserError("kit.symlink", file=_relative(root, base / name))
        for name in filenames:
            path = base / name
            relative = PurePosixPath(_relative(root, path))
            if path.is_symlink():
                raise UserError("kit.symlink", file=str(relative))
            if str(relative) in _SIGNED_NAMES or is_os_metadata(relative):
                continue
            found.append(str(relative))
    found.sort()
    return found


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def compute_sums(root: Path, progress: Progress | None = None) -> bytes:
    """The SHA256SUMS text for the kit folder `root` as it is now."""
    files = kit_files(root)
    total = sum((root / name).stat().st_size for name in files)
    done = 0
    lines = []
    for name in files:
        if "\n" in name or "\r" in name:
            raise UserError("kit.bad_file_name", file=name.replace("\n", " ").replace("\r", " "))
        lines.append(f"{sha256_file(root / name)}  {name}\n")
        done += (root / name).stat().st_size
        if progress:
            progress(done, total)
    return "".join(lines).encode("utf-8")


def parse_sums(data: bytes) -> dict[str, str]:
    """`{relative path: hex digest}` from SHA256SUMS bytes; `UserError("kit.sums_malformed")` for anything odd."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError("kit.sums_malformed") from None
    entries: dict[str, str] = {}
    for line in text.splitlines():
        match = _SUMS_LINE.match(line)
        if not match:
            raise UserError("kit.sums_malformed")
        digest, name = match.groups()
        if not _safe_relative(name) or name in entries:
            raise UserError("kit.sums_malformed")
        entries[name] = digest
    if not entries:
        raise UserError("kit.sums_malformed")
    return entries


def _safe_relative(name: str) -> bool:
    # A listed path must stay inside the kit: no absolute paths, no "..", no Windows separators or drive letters.
    if "\\" in name or ":" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    return (
        bool(parts) and all(part not in ("", ".", "..") for part in parts) and PurePosixPath(*parts).as_posix() == name
    )


# --- the signature file --------------------------------------------------------------------------------------------


def signed_message(sums: bytes) -> bytes:
    """What the publisher's key signs: the kit context string followed by the exact bytes of SHA256SUMS."""
    return SIGNING_CONTEXT + sums


def format_signature(public_key: bytes, signature: bytes) -> str:
    """The text of SHA256SUMS.sig: a header line, the signer's raw public key and the signature, base64."""
    return (
        f"{SIGNATURE_HEADER}\n"
        f"key {base64.b64encode(public_key).decode('ascii')}\n"
        f"signature {base64.b64encode(signature).decode('ascii')}\n"
    )


def parse_signature(data: bytes) -> tuple[bytes, bytes]:
    """(public key, signature) from SHA256SUMS.sig bytes; `UserError("kit.signature_malformed")` otherwise."""
    try:
        lines = data.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise UserError("kit.signature_malformed") from None
    if len(lines) != 3 or lines[0] != SIGNATURE_HEADER:
        raise UserError("kit.signature_malformed")
    values: dict[str, bytes] = {}
    for line in lines[1:]:
        label, _, encoded = line.partition(" ")
        try:
            values[label] = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise UserError("kit.signature_malformed") from None
    public, signature = values.get("key", b""), values.get("signature", b"")
    if len(public) != 32 or len(signature) != 64:
        raise UserError("kit.signature_malformed")
    return public, signature


# --- finding and verifying a kit -----------------------------------------------------------------------------------


def is_kit_root(folder: Path) -> bool:
    return (folder / SUMS_NAME).is_file() and (folder / MANIFEST_NAME).is_file()


def find_kit_root(executable: Path) -> Path | None:
    """The kit the app at `executable` was started from: the nearest folder above it holding kit.json and
    SHA256SUMS, or None when the app was not started from a kit (an installed copy, a source checkout)."""
    folder = executable.resolve().parent
    for _ in range(_KIT_SEARCH_LEVELS):
        if is_kit_root(folder):
            return folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def _read_limited(path: Path, limit: int, missing_key: str) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise UserError(missing_key, file=path.name) from None
    except OSError:
        raise UserError("kit.unreadable", file=path.name) from None
    if len(data) > limit:
        raise UserError("kit.sums_malformed" if path.name == SUMS_NAME else "kit.signature_malformed")
    return data


def verify_kit(root: Path | str, trusted: Iterable[bytes], progress: Progress | None = None) -> VerifiedKit:
    """Check the kit at `root` against the raw Ed25519 public keys in `trusted`.

    Returns a `VerifiedKit`, or raises a `UserError` that says what is wrong, in this order: not a kit, signature
    file unreadable, signature invalid, signer not trusted (the message carries the signer's fingerprint so a
    person can compare it with the NGO's), then the first removed, added or changed file. Hashing every file takes
    a while for a bundle on a slow stick: call it from a worker; `progress(done, total)` reports bytes hashed.
    """
    root = Path(root)
    if not root.is_dir():
        raise UserError("kit.not_a_folder", folder=str(root))
    if not (root / SUMS_NAME).is_file():
        raise UserError("kit.not_a_kit", folder=str(root))
    sums = _read_limited(root / SUMS_NAME, _MAX_SUMS, "kit.not_a_kit")
    public, signature = parse_signature(_read_limited(root / SIGNATURE_NAME, _MAX_SIGNATURE, "kit.unsigned"))
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, signed_message(sums))
    except (InvalidSignature, ValueError):
        raise UserError("kit.bad_signature") from None
    if public not in {bytes(key) for key in trusted}:
        raise UserError("kit.untrusted", fingerprint=fingerprint(public))

    expected = parse_sums(sums)
    present = kit_files(root)
    missing = sorted(set(expected) - set(present))
    if missing:
        raise UserError("kit.file_missing", file=missing[0], count=len(missing))
    added = sorted(set(present) - set(expected))
    if added:
        raise UserError("kit.file_added", file=added[0], count=len(added))
    total = sum((root / name).stat().st_size for name in present)
    done = 0
    for name in present:
        if sha256_file(root / name) != expected[name]:
            raise UserError("kit.file_changed", file=name)
        done += (root / name).stat().st_size
        if progress:
            progress(done, total)
    return VerifiedKit(root=root, signer=public, files=len(present), total_bytes=total, manifest=read_manifest(root))


def read_manifest(root: Path) -> dict[str, Any]:
    """The kit's kit.json. Covered by the signature once verified, but always treated as untrusted data."""
    try:
        data = json.loads(_read_limited(root / MANIFEST_NAME, _MAX_MANIFEST, "kit.not_a_kit").decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UserError("kit.manifest_malformed") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise UserError("kit.manifest_malformed")
    return data


def default_trusted_keys(extra: Iterable[bytes] = ()) -> tuple[bytes, ...]:
    """The keys a kit may be signed by on this computer: those shipped with the app (not the demo keys, which
    never vouch for real data), those added with `trust add`, and `extra` (e.g. from `--trust FILE.pub`)."""
    from exposurecheck.core.trust.publisher_keys import pinned_keys, trusted_keys

    keys = dict.fromkeys((*pinned_keys(), *trusted_keys(), *extra))
    return tuple(keys)
