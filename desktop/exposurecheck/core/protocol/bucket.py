"""Bucket files: every identifier output with the same prefix, as sorted tags with breach indices.

Layout (big-endian, docs/protocol.md section 5):

    0  magic "ECBK"     4  version (2)      5  prefix_bits     6  tag_bytes (8)    7  reserved (0)
    8  epoch (u32)      12 prefix (u32)     16 entry count (u32, the epoch's fixed capacity)
    20 entries: count x (tag[8] || breach index u16), sorted; padding entries have index 0xFFFF
    .. Merkle proof: prefix_bits x 32-byte sibling hashes, leaf level first

Every bucket of an epoch has the same capacity and therefore the same size, so neither the file size nor a
fetch reveals how many real entries (or which identifier) a bucket holds.

The bucket number comes from the identifier's output under the service's long-lived bucketing key, the tag from its
output under the epoch's matching key: a new matching key changes the tags, never which bucket holds them.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from exposurecheck.core.protocol import merkle, paths
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Epoch

MAGIC = b"ECBK"
VERSION = 2
TAG_BYTES = 8
ENTRY_BYTES = TAG_BYTES + 2
PADDING = 0xFFFF
_HEADER = struct.Struct(">4sBBBBIII")
HEADER_BYTES = _HEADER.size


def body_size(capacity: int) -> int:
    return HEADER_BYTES + capacity * ENTRY_BYTES


def file_size(capacity: int, prefix_bits: int) -> int:
    return body_size(capacity) + prefix_bits * merkle.HASH_BYTES


def bucket_number(bucketing_output: bytes, prefix_bits: int) -> int:
    """The first `prefix_bits` bits of the identifier's 64-byte output under the bucketing key."""
    return int.from_bytes(bucketing_output[:4], "big") >> (32 - prefix_bits)


def tag_of(matching_output: bytes) -> bytes:
    """The first 8 bytes of the identifier's 64-byte output under the epoch's matching key."""
    return matching_output[:TAG_BYTES]


bucket_name = paths.bucket_name
bucket_path = paths.bucket_path


def encode_header(epoch_id: int, prefix: int, prefix_bits: int, capacity: int) -> bytes:
    """The fixed header of a bucket body (the site builder adds entries it has encoded itself, with numpy)."""
    return _HEADER.pack(MAGIC, VERSION, prefix_bits, TAG_BYTES, 0, epoch_id, prefix, capacity)


def encode_body(
    epoch_id: int, prefix: int, prefix_bits: int, entries: Sequence[tuple[bytes, int]], capacity: int, pad: bytes
) -> bytes:
    """Header plus entries padded to `capacity`. `pad` supplies random tags (8 bytes per padding entry)."""
    missing = capacity - len(entries)
    if missing < 0:
        raise ValueError("more entries than the bucket capacity")
    if len(pad) != missing * TAG_BYTES:
        raise ValueError("need exactly one random tag per padding entry")
    rows = [(tag, index) for tag, index in entries]
    rows += [(pad[i * TAG_BYTES : (i + 1) * TAG_BYTES], PADDING) for i in range(missing)]
    rows.sort()
    header = encode_header(epoch_id, prefix, prefix_bits, capacity)
    return header + b"".join(tag + index.to_bytes(2, "big") for tag, index in rows)


@dataclass(frozen=True)
class Bucket:
    prefix: int
    tags: tuple[bytes, ...]
    indices: tuple[int, ...]

    def breaches_for(self, tag: bytes) -> tuple[int, ...]:
        """Breach indices listed for `tag` (several when an identifier is in several breaches)."""
        found = []
        position = bisect.bisect_left(self.tags, tag)
        while position < len(self.tags) and self.tags[position] == tag:
            if self.indices[position] != PADDING:
                found.append(self.indices[position])
            position += 1
        return tuple(found)


def parse_bucket(data: bytes, epoch: Epoch, prefix: int) -> Bucket:
    """Check a fetched bucket completely (size, header, order, Merkle proof) and return its entries.

    Raises ProtocolError `bucket_invalid` for anything that is not this exact bucket of this epoch, and
    `bucket_tampered` when it is well-formed but its Merkle proof does not lead to the signed root.
    """
    if len(data) != epoch.bucket_bytes or len(data) != file_size(epoch.bucket_entries, epoch.prefix_bits):
        raise ProtocolError("service.error.bucket_invalid")
    magic, version, bits, tag_bytes, _reserved, epoch_id, got_prefix, count = _HEADER.unpack_from(data)
    if (magic, version, bits, tag_bytes, epoch_id, got_prefix, count) != (
        MAGIC,
        VERSION,
        epoch.prefix_bits,
        TAG_BYTES,
        epoch.id,
        prefix,
        epoch.bucket_entries,
    ):
        raise ProtocolError("service.error.bucket_invalid")
    end = body_size(count)
    if not merkle.verify(data[:end], prefix, data[end:], epoch.prefix_bits, epoch.merkle_root):
        raise ProtocolError("service.error.bucket_tampered")
    tags = tuple(data[o : o + TAG_BYTES] for o in range(HEADER_BYTES, end, ENTRY_BYTES))
    indices = tuple(
        int.from_bytes(data[o + TAG_BYTES : o + ENTRY_BYTES], "big") for o in range(HEADER_BYTES, end, ENTRY_BYTES)
    )
    if list(tags) != sorted(tags):
        raise ProtocolError("service.error.bucket_invalid")
    return Bucket(prefix=prefix, tags=tags, indices=indices)
