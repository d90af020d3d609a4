"""Opening and querying an offline pack: memory-mapped, signature checked before any answer, bisect per lookup.

`open_pack()` checks, in this order and before a single lookup: the files' structure and sizes (truncation), the
publisher's key against the keys this app trusts (a demo key only for a pack flagged demo), the Ed25519 signature
over the head, and that every shard belongs to this pack at its position (a shard from another pack or a renamed
shard is refused). The body is authenticated by chunk hashes listed in the signed head: a lookup hashes each chunk
it touches the first time it touches it, so no answer is ever computed from bytes that were not authenticated,
without reading a multi-gigabyte pack on every start. `verify_all()` checks every chunk (`exposure-check pack
verify`).

Nothing here reads the whole pack into memory: the OS pages in what the bisect touches.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import mmap
import sys
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs import format as fmt

_LITTLE_ENDIAN = sys.byteorder == "little"
# Read-ahead advice for the maps (absent on Windows, where the calls below do nothing). Without it a page fault on
# a cold map reads a whole read-ahead window around the page: the device's read_ahead_kb, 8 MiB on some virtual
# disks, so a cold lookup that needs two 64 KiB chunks read 16 MiB (measured: 2 faults, 16,384 KiB per cold
# open + first lookup at 10^7 entries, both formats). With MADV_RANDOM a fault reads its page only, and every
# chunk about to be hashed is asked for whole with MADV_WILLNEED: one read of exactly the bytes needed.
_MADV_RANDOM = getattr(mmap, "MADV_RANDOM", None)
_MADV_NORMAL = getattr(mmap, "MADV_NORMAL", None)
_MADV_WILLNEED = getattr(mmap, "MADV_WILLNEED", None)
INDEX_CACHE_LIMIT = 8 << 20  # the index of a ~10^9-entry pack is 32 MiB: that one is read from the map instead


def advise_random(mapped: mmap.mmap) -> None:
    """Page in only what lookups touch (see _MADV_RANDOM): a pack is read a few chunks at a time, never in order."""
    _advise(mapped, _MADV_RANDOM)


def prefetch(mapped: mmap.mmap, start: int, end: int) -> None:
    """Ask the OS to read bytes [start, end) of a map in one request instead of a page per fault (asynchronous:
    the first access waits for the read). Only advice: nothing depends on it for correctness."""
    if _MADV_WILLNEED is not None and end > start:
        aligned = start - start % mmap.PAGESIZE
        _advise(mapped, _MADV_WILLNEED, aligned, end - aligned)


def _advise(mapped: mmap.mmap, option: int | None, *where: int) -> None:
    if option is None:
        return
    with contextlib.suppress(OSError, ValueError):  # a closed map or an OS refusing advice: reading still works
        mapped.madvise(option, *where)


@dataclass(frozen=True)
class PackInfo:
    """What `pack info` shows: all from the signed head."""

    title: str
    created: str
    demo: bool
    entries: int
    counts: dict[str, int]
    breaches: tuple[str, ...]
    publisher_fingerprint: str
    publisher_trust: str  # "pinned", "added", "demo"; "unknown" only from `describe_pack`, never on a reader
    shard_count: int
    prefix_bits: int
    chunk_size: int
    total_bytes: int
    catalog_json: bytes
    format_version: int = 1


class Shard:
    __slots__ = ("body_end", "body_offset", "body_start", "file", "map", "path")

    def __init__(self, path: Path, file: BinaryIO, mapped: mmap.mmap, body_start: int, offset: int, length: int):
        self.path = path
        self.file = file
        self.map = mapped
        self.body_start = body_start  # where the body slice starts inside this file
        self.body_offset = offset  # where it starts in the logical body
        self.body_end = offset + length


class PackReader:
    """An open, authenticated pack. Use `open_pack()`; close it (or use `with`) to release the maps."""

    def __init__(self, shards: list[Shard], meta: dict, chunk_hashes: bytes, info: PackInfo) -> None:
        self._shards = shards
        self.files = tuple(s.path for s in shards)  # first file first
        self.publisher_key = b""  # set by open_pack once the signature is verified
        self._starts = [s.body_offset for s in shards]
        self._meta = meta
        self._hashes = chunk_hashes
        self._chunk = info.chunk_size
        self._verified = bytearray(len(chunk_hashes) // fmt.CHUNK_HASH_BYTES)
        self.info = info
        self.salt = bytes.fromhex(meta["salt"])
        self.version = info.format_version
        # Version 1: one index and one tag array. Version 2: sections (one per type and breach), see format.py.
        self.layout = fmt.BodyLayout(info.prefix_bits, info.entries)
        self.sections: tuple[fmt.Section, ...] = ()
        self._by_type: dict[int, tuple[_SectionState, ...]] = {}
        if self.version >= 2:
            self.sections = tuple(sections_of(meta))
            all_states = [_SectionState(section, info.breaches[section.breach]) for section in self.sections]
            for kind in IdentifierType:
                self._by_type[id(kind)] = tuple(s for s in all_states if s.section.type is kind)
        self.body_length = self.sections[-1].end if self.sections else 0
        if self.version == 1:
            self.body_length = self.layout.length
        self._shift = 64 - info.prefix_bits
        self._direct: mmap.mmap | None = None  # set once a one-file pack is fully authenticated
        self._direct_base = 0
        self._index: array | None = None
        self._accepts = frozenset(IdentifierType(t) for t in meta["types"])
        # Keyed once per type, with encode()'s type byte already absorbed; a lookup copies the state (cheaper
        # than re-keying) and gives the same tag as format.keyed_tag.
        self._hashers: dict[int, hashlib.blake2b] = {}
        for kind in IdentifierType:
            state = fmt.tag_hasher(self.salt, kind)
            state.update(bytes([kind.code]))
            self._hashers[id(kind)] = state  # by id(): an Enum hashes in Python code
        # One-file packs on little-endian machines (all supported desktops) are searched in place: a bisect over a
        # u64 view of the mapped tags and a u16 view of the breach ids, no copies. Views are released in close().
        self._views: list[memoryview] = []
        self._tag_view: memoryview | None = None
        self._bid_view: memoryview | None = None
        if len(shards) == 1 and _LITTLE_ENDIAN and self.version >= 2:
            whole = memoryview(shards[0].map)
            self._views = [whole]
            base = shards[0].body_start
            for searched in self._by_type.values():
                for section_state in searched:
                    if section_state.section.entries:
                        self._views.extend(section_state.map_views(whole, base))
        elif len(shards) == 1 and _LITTLE_ENDIAN and self.layout.entries:
            whole = memoryview(shards[0].map)
            base = shards[0].body_start
            layout = self.layout
            tags = whole[base + layout.tags_offset : base + layout.breaches_offset].cast("Q")
            bids = whole[base + layout.breaches_offset : base + layout.length].cast("H")
            self._views = [tags, bids, whole]
            self._tag_view, self._bid_view = tags, bids

    # --- context management -------------------------------------------------------------------------------

    def close(self) -> None:
        self._tag_view = self._bid_view = None
        for states in self._by_type.values():
            for state in states:
                state.index_view = state.high_view = state.low_view = None
        for view in self._views:
            view.release()
        self._views = []
        for shard in self._shards:
            shard.map.close()
            shard.file.close()
        self._shards = []

    def __enter__(self) -> PackReader:
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    # --- reading authenticated bytes ----------------------------------------------------------------------

    def _read(self, start: int, end: int) -> bytes:
        """Body bytes [start, end), each chunk they touch authenticated first.

        A copy, not a memoryview of the map: a lookup reads a few hundred bytes, and a view left in a traceback
        would keep the map from closing.
        """
        if self._direct is not None:  # one file, every chunk already authenticated: plain slicing
            return self._direct[start + self._direct_base : end + self._direct_base]
        if start >= end:
            return b""
        self._authenticate(start, end)
        if len(self._starts) == 1:  # one file: no shard to find
            shard = self._shards[0]
            return shard.map[shard.body_start + start : shard.body_start + end]
        position = bisect.bisect_right(self._starts, start) - 1
        shard = self._shards[position]
        if end <= shard.body_end:
            base = shard.body_start - shard.body_offset
            return shard.map[base + start : base + end]
        parts = []
        while start < end:  # a range across shard files: rare, so a copy is fine
            shard = self._shards[position]
            stop = min(end, shard.body_end)
            base = shard.body_start - shard.body_offset
            parts.append(shard.map[base + start : base + stop])
            start = stop
            position += 1
        return b"".join(parts)

    def _authenticate(self, start: int, end: int) -> None:
        """Make sure every chunk holding body bytes [start, end) has been checked against its signed hash."""
        first, last = start // self._chunk, (end - 1) // self._chunk
        verified = self._verified
        if not verified[first] or (last != first and not all(verified[first : last + 1])):
            todo = [chunk for chunk in range(first, last + 1) if not verified[chunk]]
            for chunk in todo:  # every read requested before the first is waited for (the index: several chunks)
                self._prefetch_chunk(chunk)
            for chunk in todo:
                self._verify_chunk(chunk)

    def _chunk_place(self, chunk: int) -> tuple[Shard, int, int]:
        """The shard holding a chunk and the chunk's [start, end) in that shard's file."""
        start = chunk * self._chunk
        end = min(start + self._chunk, self.body_length)
        shard = self._shards[bisect.bisect_right(self._starts, start) - 1]
        base = shard.body_start - shard.body_offset
        # Shard slices are whole chunks, so a chunk never spans two files (checked when the pack was opened).
        return shard, base + start, base + end

    def _prefetch_chunk(self, chunk: int) -> None:
        shard, start, end = self._chunk_place(chunk)
        prefetch(shard.map, start, end)

    def _verify_chunk(self, chunk: int) -> None:
        shard, start, end = self._chunk_place(chunk)
        digest = hashlib.sha256(shard.map[start:end]).digest()
        expected = self._hashes[chunk * fmt.CHUNK_HASH_BYTES : (chunk + 1) * fmt.CHUNK_HASH_BYTES]
        if digest != expected:
            raise UserError("pack.error.tampered_data", file=shard.path.name)
        self._verified[chunk] = 1

    def verify_all(self, progress: Callable[[float], None] | None = None) -> None:
        """Authenticate every chunk of the body (slow for big packs: it reads them all)."""
        count = len(self._verified)
        # Read in order: the OS's normal read-ahead for the whole pass (MADV_SEQUENTIAL was measured 40% slower
        # here: 58 against 42 ms for a cold 50 MB pack), then back to one page per fault for lookups.
        for shard in self._shards:
            _advise(shard.map, _MADV_NORMAL)
        try:
            for chunk in range(count):
                if not self._verified[chunk]:
                    self._verify_chunk(chunk)
                if progress is not None and chunk % 256 == 0:
                    progress(chunk / max(count, 1))
        finally:
            for shard in self._shards:
                advise_random(shard.map)
        self._all_verified()

    def _all_verified(self) -> None:
        if len(self._shards) == 1 and all(self._verified):
            self._direct = self._shards[0].map
            self._direct_base = self._shards[0].body_start

    # --- lookups ------------------------------------------------------------------------------------------

    @property
    def accepts(self) -> frozenset[IdentifierType]:
        return self._accepts

    def lookup(self, identifier: Identifier) -> tuple[str, ...]:
        """The ids of the breaches this pack lists the identifier in (empty: not in this pack)."""
        state = self._hashers[id(identifier.type)].copy()
        state.update(identifier.canonical.encode("utf-8"))
        tag = int.from_bytes(state.digest(), "big")
        if self.version == 1:
            return self.lookup_tag(tag)
        searched = self._by_type[id(identifier.type)]
        if len(searched) == 1:  # one breach: the usual pack, and the path the warm-lookup benchmark times
            only = searched[0]
            return (only.breach_id,) if self._in_section(only, tag) else ()
        return self.lookup_tag_in(identifier.type, tag)

    def load_index(self) -> None:
        """Keep the (authenticated) prefix indexes in memory when small: one read fewer per lookup."""
        if not _LITTLE_ENDIAN:
            return
        if self.version >= 2:
            states = [s for states in self._by_type.values() for s in states if s.section.entries]
            if sum(s.section.index_entries * 4 for s in states) <= INDEX_CACHE_LIMIT:
                for s in states:
                    if s.index is None:
                        start = s.section.index_offset
                        s.index = array("I", self._read(start, start + s.section.index_entries * 4))
            return
        if self._index is None and self.layout.tags_offset <= INDEX_CACHE_LIMIT:
            self._index = array("Q", self._read(0, self.layout.tags_offset))

    # --- version 2 ----------------------------------------------------------------------------------------

    def lookup_tag_in(self, kind: IdentifierType, tag: int) -> tuple[str, ...]:
        """The breaches listing this tag for an identifier of this kind (version 2: the sections of that type
        hold its top prefix + 40 bits; version 1: the one tag array)."""
        if self.version == 1:
            return self.lookup_tag(tag)
        breaches = self.info.breaches
        found = [breaches[s.section.breach] for s in self._by_type[id(kind)] if self._in_section(s, tag)]
        return tuple(dict.fromkeys(found))

    def _in_section(self, state: _SectionState, tag: int) -> bool:
        if not state.entries:
            return False
        kept = tag >> state.shift
        prefix, high, low = kept >> fmt.RESIDUAL_BITS, (kept >> 8) & 0xFFFFFFFF, kept & 0xFF
        index = state.index
        direct = self._direct is not None
        if index is not None:
            lo, hi = index[prefix], index[prefix + 1]
        elif state.index_view is not None:
            if not direct:
                self._check(state.offset + prefix * 4, state.offset + prefix * 4 + 8)
            lo, hi = state.index_view[prefix], state.index_view[prefix + 1]
        else:
            lo, hi = _u32_pair(self._read(state.offset + prefix * 4, state.offset + prefix * 4 + 8))
        if lo >= hi:
            return False
        if hi > state.entries:
            raise UserError("pack.error.damaged")
        highs = state.high_view
        if highs is None:  # a shard set: copy the range (it may span two files) and bisect the copy
            return _in_copied(self._read, state.section, lo, hi, high, low)
        if not direct:
            self._check(state.high_offset + lo * 4, state.high_offset + hi * 4)
        position = bisect.bisect_left(highs, high, lo, hi)
        lows = state.low_view
        while position < hi and highs[position] == high:
            if not direct:
                self._check(state.low_offset + position, state.low_offset + position + 1)
            if lows[position] == low:  # type: ignore[index]  # low_view is mapped with high_view, not None here
                return True
            position += 1
        return False

    def _check(self, start: int, end: int) -> None:
        """Authenticate body bytes [start, end) unless their first and last chunks are known good already."""
        chunk, verified = self._chunk, self._verified
        head, tail = start // chunk, (end - 1) // chunk
        if not verified[head] or not verified[tail] or tail - head > 1:
            self._authenticate(start, end)

    # --- version 1 ----------------------------------------------------------------------------------------

    def lookup_tag(self, tag: int) -> tuple[str, ...]:
        layout = self.layout
        prefix = tag >> self._shift if self._shift < 64 else 0
        index = self._index
        if index is not None:
            lo, hi = index[prefix], index[prefix + 1]
        else:
            lo, hi = _u64_pair(self._read(prefix * 8, prefix * 8 + 16))
        if lo >= hi:
            return ()
        if hi > layout.entries:
            raise UserError("pack.error.damaged")
        view = self._tag_view
        if view is not None:
            return self._lookup_in_place(view, tag, lo, hi)
        tags = self._read(layout.tags_offset + lo * 8, layout.tags_offset + hi * 8)
        found = _find(tags, tag)
        if found is None:
            return ()
        first, stop = found
        ids = self._read(layout.breaches_offset + (lo + first) * 2, layout.breaches_offset + (lo + stop) * 2)
        return self._breach_ids([ids[i] | (ids[i + 1] << 8) for i in range(0, len(ids), 2)])


    def _lookup_in_place(self, view: memoryview, tag: int, lo: int, hi: int) -> tuple[str, ...]:
        layout = self.layout
        if self._direct is None:  # lazily authenticated pack: check the chunks this range lies in first
            start, end = layout.tags_offset + lo * 8, layout.tags_offset + hi * 8
            chunk, verified = self._chunk, self._verified
            head, tail = start // chunk, (end - 1) // chunk
            if not verified[head] or not verified[tail] or tail - head > 1:  # the warm case skips the call
                self._authenticate(start, end)
        first = bisect.bisect_left(view, tag, lo, hi)
        if first >= hi or view[first] != tag:
            return ()
        stop = first + 1
        while stop < hi and view[stop] == tag:
            stop += 1
        if self._direct is None:
            start, end = layout.breaches_offset + first * 2, layout.breaches_offset + stop * 2
            head, tail = start // self._chunk, (end - 1) // self._chunk
            if not self._verified[head] or not self._verified[tail] or tail - head > 1:
                self._authenticate(start, end)
        return self._breach_ids(self._bid_view[first:stop].tolist() if self._bid_view is not None else [])

    def _breach_ids(self, numbers: list[int]) -> tuple[str, ...]:
        breaches = self.info.breaches
        result: list[str] = []
        for number in numbers:
            if number >= len(breaches):
                raise UserError("pack.error.damaged")
            result.append(breaches[number])
        return tuple(dict.fromkeys(result))


class _SectionState:
    """A version-2 section with what lookups need: the shift to its kept bits, its cached index or mapped views."""

    __slots__ = (
        "breach_id", "entries", "high_offset", "high_view", "index", "index_view", "low_offset", "low_view",
        "offset", "section", "shift",
    )  # fmt: skip

    def __init__(self, section: fmt.Section, breach_id: str) -> None:
        self.section = section
        self.breach_id = breach_id
        # Copied out of the dataclass: plain slots are read faster than properties in the lookup loop.
        self.entries, self.offset = section.entries, section.index_offset
        self.high_offset, self.low_offset = section.high_offset, section.low_offset
        self.shift = fmt.V2_MAX_PREFIX_BITS - section.prefix_bits
        self.index: array | None = None
        self.index_view: memoryview | None = None
        self.high_view: memoryview | None = None
        self.low_view: memoryview | None = None

    def map_views(self, whole: memoryview, base: int) -> list[memoryview]:
        """u32 views of the mapped index and high array, a byte view of the low array (one-file packs)."""
        s = self.section
        self.index_view = whole[base + s.index_offset : base + s.index_offset + s.index_entries * 4].cast("I")
        self.high_view = whole[base + s.high_offset : base + s.low_offset].cast("I")
        self.low_view = whole[base + s.low_offset : base + s.low_offset + s.entries]
        return [self.index_view, self.high_view, self.low_view]


def sections_of(meta: dict) -> list[fmt.Section]:
    """The sections a version-2 meta lists (already validated by opening.py), laid out in order."""
    specs = [(IdentifierType(kind), breach, entries, bits) for kind, breach, entries, bits in meta["sections"]]
    return fmt.layout_sections(specs)[0]


def _in_copied(
    read: Callable[[int, int], bytes], section: fmt.Section, lo: int, hi: int, high: int, low: int
) -> bool:
    data = read(section.high_offset + lo * 4, section.high_offset + hi * 4)
    if _LITTLE_ENDIAN:
        highs: Sequence[int] = memoryview(data).cast("I")
    else:  # pragma: no cover - no big-endian desktop is supported, but stay correct on one
        highs = [int.from_bytes(data[i : i + 4], "little") for i in range(0, len(data), 4)]
    first = bisect.bisect_left(highs, high)
    stop = first
    while stop < len(highs) and highs[stop] == high:
        stop += 1
    if first == stop:
        return False
    return low in read(section.low_offset + lo + first, section.low_offset + lo + stop)


def _u32_pair(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[0:4], "little"), int.from_bytes(data[4:8], "little")


def _u64_pair(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[0:8], "little"), int.from_bytes(data[8:16], "little")


def _find(tags: bytes, tag: int) -> tuple[int, int] | None:
    """[first, stop) of the entries equal to `tag` in a run of sorted little-endian u64s, or None."""
    if _LITTLE_ENDIAN:
        values: Sequence[int] = memoryview(tags).cast("Q")
    else:  # pragma: no cover - no big-endian desktop is supported, but stay correct on one
        values = [int.from_bytes(tags[i : i + 8], "little") for i in range(0, len(tags), 8)]
    first = bisect.bisect_left(values, tag)
    if first >= len(values) or values[first] != tag:
        return None
    stop = first + 1
    while stop < len(values) and values[stop] == tag:
        stop += 1
    return first, stop

