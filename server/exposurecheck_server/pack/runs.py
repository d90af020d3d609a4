"""Compact blocks of sorted tags for the external sort's scratch files (Elias-Fano coding, in numpy).

A block holds n sorted 64-bit tags that share their top `depth` bytes (the run file they are in says which), so
only u = 64 - 8 * depth bits per tag are unknown. Those are split into h = ceil(log2 n) high bits and
L = u - h low bits: the low bits are stored packed (L bits per tag), the high bits in unary (tag i sets bit
high_i + i of an n + 2^h bit vector). That is about u - log2(n) + 2 bits per tag: 46 bits for the 4,096-tag
blocks a 1-million batch gives a first-level run, against 64 raw.

    block: count u32 | breach u16 | type code u8 | h u8 | low bits (ceil(n L / 8) bytes) | unary (ceil((n + 2^h) / 8))

Scratch files hold keyed tags only, never values (as the pack itself).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np

_HEADER = struct.Struct("<IHBB")
_SLICE = 1 << 16  # rows expanded to bits at a time (64 bytes each): bounds the temporary arrays to 4 MiB


def _split_bits(count: int, depth: int) -> tuple[int, int]:
    unknown = 64 - 8 * depth
    high = min(unknown, max(0, (count - 1).bit_length()))
    return high, unknown - high


def encode_block(values: np.ndarray, depth: int, breach: int, type_code: int) -> bytes:
    """The block for sorted uint64 `values` that share their top `depth` bytes."""
    count = len(values)
    high_bits, low_bits = _split_bits(count, depth)
    parts = [_HEADER.pack(count, breach, type_code, high_bits)]
    if low_bits:
        keep = 64 - low_bits
        # 65,536 rows of L bits are whole bytes, so packing slice by slice gives the same bytes as packing all.
        for start in range(0, count, _SLICE):
            piece = values[start : start + _SLICE].astype(">u8").view(np.uint8).reshape(-1, 8)
            parts.append(np.packbits(np.unpackbits(piece, axis=1)[:, keep:]).tobytes())
    highs = (values >> np.uint64(low_bits)) & np.uint64((1 << high_bits) - 1) if high_bits else np.zeros(count)
    vector = np.zeros(count + (1 << high_bits), dtype=np.uint8)
    vector[highs.astype(np.int64) + np.arange(count)] = 1
    parts.append(np.packbits(vector).tobytes())
    return b"".join(parts)


def read_blocks(path: Path, base: int, depth: int) -> Iterator[tuple[np.ndarray, int, int]]:
    """(sorted uint64 tags, breach, type code) per block of a run file whose tags share `base`'s top bytes."""
    top = np.uint64(base)
    with path.open("rb") as handle:
        while header := handle.read(_HEADER.size):
            count, breach, type_code, high_bits = _HEADER.unpack(header)
            low_bits = 64 - 8 * depth - high_bits
            low = handle.read((count * low_bits + 7) // 8)
            unary = handle.read((count + (1 << high_bits) + 7) // 8)
            ones = np.flatnonzero(np.unpackbits(np.frombuffer(unary, dtype=np.uint8)))[:count]
            highs = (ones - np.arange(count)).astype(np.uint64)
            values = (highs << np.uint64(low_bits)) | top
            if low_bits:
                values |= _unpack_low(low, count, low_bits)
            yield values, breach, type_code


def _unpack_low(data: bytes, count: int, low_bits: int) -> np.ndarray:
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8))
    out = np.empty(count, dtype=np.uint64)
    for start in range(0, count, _SLICE):
        rows = min(_SLICE, count - start)
        wide = np.zeros((rows, 64), dtype=np.uint8)
        wide[:, 64 - low_bits :] = bits[start * low_bits : (start + rows) * low_bits].reshape(rows, low_bits)
        out[start : start + rows] = np.packbits(wide, axis=1).view(">u8").ravel()
    return out
