"""The offline pack format, versions 1 and 2: constants and the pure functions the builder and the reader share.

See docs/pack-format.md for the full description. In short, a pack is one file or a set of shard files:

    every shard:   preamble (64 bytes)
    shard 0 only:  publisher key (32) | signature (64) | meta length (u32) | catalog length (u32) |
                   chunk count (u64) | meta JSON | catalog JSON | chunk hashes (32 bytes each) | zero padding to 8
    every shard:   its slice of the body

The body is one logical byte string cut into shards. Version 1 (still read): the prefix index (u64 entry
positions), the sorted tags (u64), and the breach indexes (u16), all little-endian. Version 2 (written now): one
section per identifier type and breach, each a prefix index (u32) and the 40 tag bits after the prefix as a u32
and a u8 array: about 5 bytes per entry instead of 10 (see `Section`).

The signature covers everything in shard 0 before the body (including shard 0's preamble); the body is covered
through the SHA-256 hash of every `chunk_size` bytes, so every byte a lookup reads can be checked without reading
the whole pack.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from exposurecheck.core.identifiers import Identifier, IdentifierType, encode

MAGIC = b"ECPACK\x00\x1a"  # the 0x1a stops `type` on Windows from dumping binary to a console
FORMAT_VERSION = 2  # what the builder writes
READABLE_VERSIONS = (1, 2)
META_FORMAT = "exposurecheck.pack"
SIGNATURE_DOMAINS = {1: b"exposure-check pack v1\x00", 2: b"exposure-check pack v2\x00"}

PREAMBLE = struct.Struct("<8sHHHH32sQQ")  # magic, version, shard index, shard count, reserved, pack id, offset, length
FIXED_HEAD = struct.Struct("<32s64sIIQ")  # publisher key, signature, meta length, catalog length, chunk count
HEAD_START = PREAMBLE.size  # 64
VARIABLE_START = PREAMBLE.size + FIXED_HEAD.size  # 64 + 112 = 176
assert PREAMBLE.size == 64  # noqa: S101 (a layout constant, checked once at import)

TAG_BYTES = 8
BREACH_INDEX_BYTES = 2
INDEX_ENTRY_BYTES = 8
CHUNK_HASH_BYTES = 32
SALT_BYTES = 32
DEFAULT_CHUNK_SIZE = 64 * 1024
FAT32_MAX_FILE = 4 * 1024**3 - 1  # FAT32 stores file sizes in 32 bits
MAX_META = 1 << 20
MAX_CATALOG = 32 << 20
# Chunk hashes are read into memory before the signature is checked, so their count is bounded too: 2^21 hashes
# (64 MiB) cover 128 GiB of body at the default chunk size, far beyond any pack a stick can hold.
MAX_CHUNKS = 1 << 21
MAX_BREACHES = 1 << 16  # breach indexes are u16
MIN_PREFIX_BITS, MAX_PREFIX_BITS = 0, 24
MIN_CHUNK_SIZE, MAX_CHUNK_SIZE = 64, 1 << 24

# BLAKE2b personalisation per identifier type: the same value typed as a phone and as a username gives unrelated
# tags, and tags from this format never collide with any other use of the salt.
_PERSON = {kind: b"ecpack1\x00" + bytes([kind.code]) for kind in IdentifierType}


def keyed_tag(salt: bytes, identifier: Identifier) -> int:
    """The entry for an identifier: BLAKE2b-64 keyed with the pack's salt over `encode(identifier)`, as an int.

    The int is the big-endian value of the 8 digest bytes, so sorting ints sorts tags and the top bits are the
    prefix. Stored little-endian (u64), which lets a reader bisect a memoryview cast to 'Q' directly.
    """
    digest = hashlib.blake2b(encode(identifier), digest_size=TAG_BYTES, key=salt, person=_PERSON[identifier.type])
    return int.from_bytes(digest.digest(), "big")


def tag_hasher(salt: bytes, kind: IdentifierType) -> hashlib.blake2b:
    """A keyed BLAKE2b state to `.copy()` per value: the builder's fast path (skips re-keying each time)."""
    return hashlib.blake2b(digest_size=TAG_BYTES, key=salt, person=_PERSON[kind])


def prefix_bits_for(entries: int) -> int:
    """Index size: about 128 entries per prefix keeps the index near 0.06 bytes per entry and bisects short."""
    bits = max(entries, 1).bit_length() - 7
    return max(MIN_PREFIX_BITS, min(MAX_PREFIX_BITS, bits))


@dataclass(frozen=True)
class Preamble:
    version: int
    shard_index: int
    shard_count: int
    pack_id: bytes
    body_offset: int
    body_length: int

    def pack(self) -> bytes:
        return PREAMBLE.pack(
            MAGIC, self.version, self.shard_index, self.shard_count, 0, self.pack_id, self.body_offset, self.body_length
        )


def parse_preamble(data: bytes) -> Preamble | None:
    """The preamble, or None if `data` does not start with one (a clear message is the caller's job)."""
    if len(data) < PREAMBLE.size:
        return None
    magic, version, index, count, reserved, pack_id, offset, length = PREAMBLE.unpack_from(data)
    if magic != MAGIC or reserved != 0:
        return None
    return Preamble(version, index, count, pack_id, offset, length)


@dataclass(frozen=True)
class BodyLayout:
    """Where the three arrays sit in the logical body (byte offsets), from the entry count and prefix bits."""

    prefix_bits: int
    entries: int

    @property
    def index_offset(self) -> int:
        return 0

    @property
    def index_entries(self) -> int:
        return (1 << self.prefix_bits) + 1

    @property
    def tags_offset(self) -> int:
        return self.index_entries * INDEX_ENTRY_BYTES

    @property
    def breaches_offset(self) -> int:
        return self.tags_offset + self.entries * TAG_BYTES

    @property
    def length(self) -> int:
        return self.breaches_offset + self.entries * BREACH_INDEX_BYTES


def plan_shards(body_length: int, chunk_size: int, head_length: int, shard_size: int) -> list[tuple[int, int]]:
    """(body offset, body length) per shard. Slices are whole chunks (except the last) so no chunk spans files.

    Raises ValueError when `shard_size` cannot hold a preamble, the head and one chunk.
    """
    first_room = (shard_size - head_length) // chunk_size * chunk_size
    other_room = (shard_size - PREAMBLE.size) // chunk_size * chunk_size
    if first_room <= 0 or other_room <= 0:
        raise ValueError("shard size too small for the head and one chunk")
    shards = [(0, min(body_length, first_room))]
    offset = shards[0][1]
    while offset < body_length:
        length = min(body_length - offset, other_room)
        shards.append((offset, length))
        offset += length
    return shards


def head_length(meta_len: int, catalog_len: int, chunk_count: int) -> int:
    """Bytes of shard 0 before its body slice, padded so the body (and its u64 arrays) start 8-byte aligned."""
    raw = VARIABLE_START + meta_len + catalog_len + chunk_count * CHUNK_HASH_BYTES
    return (raw + 7) // 8 * 8


def signed_message(
    preamble: bytes, fixed_without_signature: bytes, variable: bytes, version: int = FORMAT_VERSION
) -> bytes:
    """What the publisher signs: a domain string, shard 0's preamble, the head (minus the signature itself).

    The domain names the version, so a signature over one version's head can never pass for another's.
    """
    return SIGNATURE_DOMAINS[version] + preamble + fixed_without_signature + variable


def fixed_head_for_signing(public_key: bytes, meta_len: int, catalog_len: int, chunk_count: int) -> bytes:
    """The fixed head with the signature field zeroed, as it is signed."""
    return FIXED_HEAD.pack(public_key, bytes(64), meta_len, catalog_len, chunk_count)


def shard_name(first: str, index: int) -> str:
    """`ngo.ecpack` is shard 0; further shards are `ngo.ecpack.2`, `ngo.ecpack.3`, ... (numbered from 1 for people)."""
    return first if index == 0 else f"{first}.{index + 1}"


# --- version 2: sections of truncated tags --------------------------------------------------------------------

RESIDUAL_BITS = 40  # tag bits stored per entry after the prefix: a u32 ("high") and a u8 ("low")
TAG_BITS = TAG_BYTES * 8
V2_MAX_PREFIX_BITS = TAG_BITS - RESIDUAL_BITS  # 24: prefix and residual together use at most the 64 tag bits
V2_INDEX_ENTRY_BYTES = 4  # u32 positions: a section holds fewer than 2^32 entries
MAX_SECTION_ENTRIES = (1 << 32) - 1
MAX_SECTIONS = 1024  # type x breach pairs; a lookup searches the sections of one type


def v2_prefix_bits_for(entries: int) -> int:
    """About 64-128 entries per prefix: the index costs 0.03-0.06 bytes per entry and the bisect stays short.

    The false-positive rate per lookup is (entries per prefix) / 2^40, so at most 128 / 2^40 (1.2e-10) up to
    2^31 entries per section; beyond that the 24-bit cap lets it grow linearly (docs/pack-format.md).
    """
    bits = max(entries, 1).bit_length() - 7
    return max(MIN_PREFIX_BITS, min(V2_MAX_PREFIX_BITS, bits))


def _align8(value: int) -> int:
    return (value + 7) // 8 * 8


@dataclass(frozen=True)
class Section:
    """One identifier type in one breach: an index (2^b + 1 u32), high (n u32) and low (n u8) arrays.

    index[p] is the number of the section's entries whose tag's top b bits are < p (index[2^b] = n); within a
    prefix, entries are sorted by (high, low). All sections' indexes come first in the body, one after another,
    so a cold open reads them from one place; then each section's high and low arrays, padded to 8 bytes.
    Offsets are in the logical body.
    """

    type: IdentifierType
    breach: int
    entries: int
    prefix_bits: int
    index_offset: int
    high_offset: int

    @property
    def index_entries(self) -> int:
        return (1 << self.prefix_bits) + 1

    @property
    def low_offset(self) -> int:
        return self.high_offset + self.entries * 4

    @property
    def end(self) -> int:
        """Where the next section's arrays start (after the zero padding)."""
        return _align8(self.low_offset + self.entries)


def layout_sections(specs: list[tuple[IdentifierType, int, int, int]]) -> tuple[list[Section], int]:
    """Sections in the order given ((type, breach, entries, prefix bits) each) and the body length: the indexes
    end to end (zero-padded to 8 bytes), then each section's arrays."""
    index_offsets = []
    offset = 0
    for _kind, _breach, _entries, bits in specs:
        index_offsets.append(offset)
        offset += ((1 << bits) + 1) * V2_INDEX_ENTRY_BYTES
    offset = _align8(offset)
    sections: list[Section] = []
    for (kind, breach, entries, bits), index_offset in zip(specs, index_offsets, strict=True):
        section = Section(kind, breach, entries, bits, index_offset, offset)
        sections.append(section)
        offset = section.end
    return sections, offset
