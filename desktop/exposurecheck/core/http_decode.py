"""Undoing gzip and deflate with a hard cap on what comes out, a piece at a time.

A 1,831-byte answer can unpack to gigabytes. Capping the bytes that arrive does not help, so the cap here applies
to the output: the decompressor is asked for at most the room left, and the answer is refused the moment it would
grow past it. Memory stays near the cap whatever the input.
"""

from __future__ import annotations

import zlib

from exposurecheck.core.errors import UserError

# wbits 32 + 15: zlib reads a gzip or a zlib header, whichever it finds (servers send both for "deflate").
_AUTO_HEADER = 32 + zlib.MAX_WBITS
_MEMBERS = 16  # gzip allows members back to back; more than a few is not a real answer


class BoundedInflater:
    """Feed compressed pieces in, get at most `limit` bytes out; `UserError(too_large_key)` past that."""

    def __init__(self, limit: int, *, too_large_key: str = "http.too_large", damaged_key: str = "http.failed") -> None:
        self._limit = limit
        self._too_large = too_large_key
        self._damaged = damaged_key
        self._inflater = zlib.decompressobj(_AUTO_HEADER)
        self._members = 1
        self._total = 0
        self._parts: list[bytes] = []

    def feed(self, data: bytes) -> None:
        while data:
            try:
                out = self._inflater.decompress(data, self._limit - self._total + 1)
            except zlib.error:
                raise UserError(self._damaged) from None
            self._total += len(out)
            if self._total > self._limit:
                raise UserError(self._too_large)
            self._parts.append(out)
            if self._inflater.eof:
                data = self._inflater.unused_data
                if data:
                    self._next_member()
            else:
                data = self._inflater.unconsumed_tail

    def finish(self) -> bytes:
        """Everything that came out; an answer cut off in the middle is damaged, not short."""
        if not self._inflater.eof:
            raise UserError(self._damaged)
        return b"".join(self._parts)

    def _next_member(self) -> None:
        self._members += 1
        if self._members > _MEMBERS:
            raise UserError(self._damaged)
        self._inflater = zlib.decompressobj(_AUTO_HEADER)


def inflate_bounded(data: bytes, limit: int, *, too_large_key: str, damaged_key: str) -> bytes:
    """`data` (gzip or zlib) unpacked, refused with `too_large_key` once the output would pass `limit` bytes."""
    inflater = BoundedInflater(limit, too_large_key=too_large_key, damaged_key=damaged_key)
    inflater.feed(data)
    return inflater.finish()
