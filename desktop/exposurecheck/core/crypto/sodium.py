"""A small ctypes binding to libsodium's ristretto255 functions, owned by the project.

Why not PyNaCl, pysodium or rbcl: PyNaCl has no ristretto255, pysodium only finds the system copy (so a frozen app
silently loads whatever the host has, or nothing), rbcl unpacks a library into the temp folder on every import.
Here the library shipped with the app wins: `EXPOSURECHECK_LIBSODIUM`, then the PyInstaller bundle, then a
project folder, and only then the system. `library_path()` says which file was loaded, so the frozen smoke test can
assert it is the bundled one.

All functions take and return `bytes`. Points are 32-byte canonical ristretto255 encodings, scalars 32-byte
little-endian integers reduced modulo the group order. Every function checks the length of every argument before
libsodium sees it (a short buffer would be read past its end), and every point from outside passes the project's own
canonical-encoding check first (RFC 9496 section 4.3.1, steps 1-2): libsodium 1.0.18, the version Debian 12 ships,
ignores bit 255, so without it two different byte strings would decode to one point.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

POINT_BYTES = 32
SCALAR_BYTES = 32
HASH_BYTES = 64
NONREDUCED_SCALAR_BYTES = 64
# The identity element encodes as 32 zero bytes; RFC 9497 refuses it wherever a point arrives from outside.
IDENTITY = bytes(POINT_BYTES)

# Passed through a variable on purpose: a literal find_library("sodium") makes PyInstaller's analysis bundle the
# build host's copy on its own, and the project decides what is bundled (see PLATFORM-NOTES.md).
_LIBRARY_STEMS = ("sodium", "libsodium")  # the second is how Windows' find_library spells it
_FILE_NAMES = (
    "libsodium.so",
    "libsodium.so.26",
    "libsodium.so.23",
    "libsodium.dylib",
    "libsodium.26.dylib",
    "libsodium.23.dylib",
    "libsodium.dll",
)
_ENV_OVERRIDE = "EXPOSURECHECK_LIBSODIUM"
# The symbol that only libsodium >= 1.0.18 has; older copies cannot do RFC 9497's hash-to-group.
_REQUIRED_SYMBOL = "crypto_core_ristretto255_from_hash"


class SodiumUnavailable(RuntimeError):
    """No usable libsodium (>= 1.0.18) was found. Carries no personal data; callers turn it into a UserError."""


class InvalidPoint(ValueError):
    """Bytes that are not a canonical ristretto255 point, or an operation that produced the identity."""


@dataclass(frozen=True)
class Sodium:
    """The loaded library and where it came from."""

    lib: ctypes.CDLL
    path: str


def _candidate_paths() -> Iterator[str]:
    override = os.environ.get(_ENV_OVERRIDE)
    if override:
        yield override
        return  # an explicit choice must not silently fall back to another copy
    folders: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        folders += [Path(frozen_root), Path(frozen_root) / "libsodium"]
    # A project folder for developers who build their own libsodium (e.g. on an old distribution).
    folders.append(Path(__file__).resolve().parents[4] / "vendor" / "libsodium")
    for folder in folders:
        for name in _FILE_NAMES:
            candidate = folder / name
            if candidate.is_file():
                yield str(candidate)
    for stem in _LIBRARY_STEMS:
        found = ctypes.util.find_library(stem)
        if found:
            yield found
    yield from _FILE_NAMES  # let the dynamic loader search its own path as a last resort


def _loaded_file(lib: ctypes.CDLL, fallback: str) -> str:
    """The absolute path of the file the loader actually mapped (dladdr on a symbol), or `fallback`."""

    class _DlInfo(ctypes.Structure):
        _fields_ = [
            ("dli_fname", ctypes.c_char_p),
            ("dli_fbase", ctypes.c_void_p),
            ("dli_sname", ctypes.c_char_p),
            ("dli_saddr", ctypes.c_void_p),
        ]

    try:
        libc = ctypes.CDLL(None)
        dladdr = libc.dladdr
    except (OSError, AttributeError, TypeError):
        return fallback  # Windows has no dladdr; the path we asked for is the one LoadLibrary used
    dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(_DlInfo)]
    dladdr.restype = ctypes.c_int
    info = _DlInfo()
    address = ctypes.cast(getattr(lib, _REQUIRED_SYMBOL), ctypes.c_void_p)
    if dladdr(address, ctypes.byref(info)) and info.dli_fname:
        return os.path.realpath(info.dli_fname.decode())
    return fallback


def _declare(lib: ctypes.CDLL) -> None:
    """Set argtypes so a wrong call fails in Python instead of corrupting memory."""
    p = ctypes.c_char_p
    signatures: dict[str, list[type]] = {
        "crypto_core_ristretto255_from_hash": [p, p],
        "crypto_core_ristretto255_is_valid_point": [p],
        "crypto_core_ristretto255_add": [p, p, p],
        "crypto_core_ristretto255_sub": [p, p, p],
        "crypto_core_ristretto255_scalar_random": [p],
        "crypto_core_ristretto255_scalar_reduce": [p, p],
        "crypto_core_ristretto255_scalar_invert": [p, p],
        "crypto_core_ristretto255_scalar_negate": [p, p],
        "crypto_core_ristretto255_scalar_add": [p, p, p],
        "crypto_core_ristretto255_scalar_sub": [p, p, p],
        "crypto_core_ristretto255_scalar_mul": [p, p, p],
        "crypto_scalarmult_ristretto255": [p, p, p],
        "crypto_scalarmult_ristretto255_base": [p, p],
    }
    for name, argtypes in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = ctypes.c_int if name not in _VOID_FUNCTIONS else None
    lib.sodium_init.argtypes = []
    lib.sodium_init.restype = ctypes.c_int


_VOID_FUNCTIONS = frozenset(
    {
        "crypto_core_ristretto255_scalar_random",
        "crypto_core_ristretto255_scalar_reduce",
        "crypto_core_ristretto255_scalar_negate",
        "crypto_core_ristretto255_scalar_add",
        "crypto_core_ristretto255_scalar_sub",
        "crypto_core_ristretto255_scalar_mul",
    }
)


@cache
def load() -> Sodium:
    """Find, check and initialise libsodium once per process."""
    tried = 0
    for candidate in _candidate_paths():
        tried += 1
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        if not hasattr(lib, _REQUIRED_SYMBOL):
            continue  # too old (< 1.0.18): keep looking rather than fail later in the middle of a check
        _declare(lib)
        if lib.sodium_init() < 0:
            raise SodiumUnavailable("sodium_init() failed")
        return Sodium(lib=lib, path=_loaded_file(lib, candidate))
    raise SodiumUnavailable(f"no libsodium >= 1.0.18 found ({tried} places tried)")


def library_path() -> str:
    """The file libsodium was loaded from (absolute where the platform can tell)."""
    return load().path


def _lib() -> ctypes.CDLL:
    return load().lib


def _check_len(value: bytes, size: int, what: str) -> None:
    if not isinstance(value, bytes) or len(value) != size:
        raise ValueError(f"{what} must be {size} bytes")


# The field prime of Curve25519 / ristretto255: 2^255 - 19.
_FIELD_PRIME = 2**255 - 19


def is_canonical_encoding(point: bytes) -> bool:
    """RFC 9496 section 4.3.1, steps 1-2: 32 bytes whose little-endian value `s` is below p and not negative (even).

    `s >= p` covers bit 255 set and the 19 field elements with a second encoding. Checked here whatever the
    library version, so conformance never depends on which libsodium the host has.
    """
    if not isinstance(point, bytes) or len(point) != POINT_BYTES:
        return False
    return point[0] & 1 == 0 and int.from_bytes(point, "little") < _FIELD_PRIME


def _check_point(point: bytes, what: str = "point") -> None:
    _check_len(point, POINT_BYTES, what)
    if not is_canonical_encoding(point):
        raise InvalidPoint("not a canonical ristretto255 encoding")


def point_from_hash(uniform: bytes) -> bytes:
    """Map 64 uniformly random bytes to a point (the last step of RFC 9380 hash_to_ristretto255)."""
    _check_len(uniform, HASH_BYTES, "hash")
    out = ctypes.create_string_buffer(POINT_BYTES)
    _lib().crypto_core_ristretto255_from_hash(out, uniform)
    return out.raw


def is_valid_point(point: bytes) -> bool:
    """True for a canonical encoding of a non-identity point."""
    if not is_canonical_encoding(point) or point == IDENTITY:
        return False
    return _lib().crypto_core_ristretto255_is_valid_point(point) == 1


def point_add(a: bytes, b: bytes) -> bytes:
    _check_point(a)
    _check_point(b)
    out = ctypes.create_string_buffer(POINT_BYTES)
    if _lib().crypto_core_ristretto255_add(out, a, b) != 0:
        raise InvalidPoint("not a ristretto255 point")
    return out.raw


def scalarmult(scalar: bytes, point: bytes) -> bytes:
    """`scalar * point`; raises InvalidPoint for a bad encoding or an identity result."""
    _check_len(scalar, SCALAR_BYTES, "scalar")
    _check_point(point)
    out = ctypes.create_string_buffer(POINT_BYTES)
    if _lib().crypto_scalarmult_ristretto255(out, scalar, point) != 0:
        raise InvalidPoint("invalid point or identity result")
    return out.raw


def scalarmult_base(scalar: bytes) -> bytes:
    """`scalar * G`; raises InvalidPoint when the scalar is zero."""
    _check_len(scalar, SCALAR_BYTES, "scalar")
    out = ctypes.create_string_buffer(POINT_BYTES)
    if _lib().crypto_scalarmult_ristretto255_base(out, scalar) != 0:
        raise InvalidPoint("identity result")
    return out.raw


def scalar_random() -> bytes:
    """A uniformly random non-zero scalar from libsodium's CSPRNG."""
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    _lib().crypto_core_ristretto255_scalar_random(out)
    return out.raw


def scalar_reduce(wide: bytes) -> bytes:
    """A 64-byte little-endian integer modulo the group order."""
    _check_len(wide, NONREDUCED_SCALAR_BYTES, "wide scalar")
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    _lib().crypto_core_ristretto255_scalar_reduce(out, wide)
    return out.raw


def scalar_invert(scalar: bytes) -> bytes:
    _check_len(scalar, SCALAR_BYTES, "scalar")
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    if _lib().crypto_core_ristretto255_scalar_invert(out, scalar) != 0:
        raise ValueError("zero has no inverse")
    return out.raw


def scalar_add(a: bytes, b: bytes) -> bytes:
    _check_len(a, SCALAR_BYTES, "scalar")
    _check_len(b, SCALAR_BYTES, "scalar")
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    _lib().crypto_core_ristretto255_scalar_add(out, a, b)
    return out.raw


def scalar_sub(a: bytes, b: bytes) -> bytes:
    _check_len(a, SCALAR_BYTES, "scalar")
    _check_len(b, SCALAR_BYTES, "scalar")
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    _lib().crypto_core_ristretto255_scalar_sub(out, a, b)
    return out.raw


def scalar_mul(a: bytes, b: bytes) -> bytes:
    _check_len(a, SCALAR_BYTES, "scalar")
    _check_len(b, SCALAR_BYTES, "scalar")
    out = ctypes.create_string_buffer(SCALAR_BYTES)
    _lib().crypto_core_ristretto255_scalar_mul(out, a, b)
    return out.raw


def is_canonical_scalar(scalar: bytes) -> bool:
    """True when `scalar` is 32 bytes and already reduced (the RFC's DeserializeScalar check)."""
    if not isinstance(scalar, bytes) or len(scalar) != SCALAR_BYTES:
        return False
    return scalar_reduce(scalar + bytes(SCALAR_BYTES)) == scalar
