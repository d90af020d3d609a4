"""Opening a pack: structure and sizes, the publisher's key, the signature, and every shard, before any lookup.

Checked in this order so that each failure gets its own clear message: a file that is not a pack, a newer format,
truncation, no signature, a publisher this app does not trust (a demo key vouches only for packs flagged demo), a
signature that does not match (tampering), then each shard's place in the set (a shard from another pack, or two
shards swapped, is refused). The body itself is authenticated chunk by chunk as lookups touch it (see reader.py).
"""

from __future__ import annotations

import dataclasses
import json
import mmap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck.core.packs.reader import PackInfo, PackReader, Shard, advise_random, prefetch, sections_of
from exposurecheck.core.trust.publisher_keys import fingerprint

# Bodies up to this size are authenticated in full when opened (~1 GB/s SHA-256 here: 32 MiB costs ~30 ms), so
# a changed byte anywhere refuses the pack before any answer. Bigger bodies are authenticated chunk by chunk as
# lookups touch them: an answer is still never computed from an unauthenticated byte, and opening a 10 GB pack
# does not take ten seconds. `exposure-check pack verify` always checks everything.
FULL_CHECK_LIMIT = 32 << 20


def open_pack(path: Path, *, extra_keys: Sequence[bytes] = (), full_check: bool | None = None) -> PackReader:
    """Open and authenticate the pack whose first file is `path`; `UserError` with a clear reason otherwise.

    Trusted: keys shipped with the app, keys added with `trust add`, and `extra_keys` (e.g. `--trust`); keys in
    `resources/keys/demo` only for packs whose signed head says demo. `full_check`: authenticate the whole body
    now (None: only when it is at most FULL_CHECK_LIMIT bytes).
    """
    opened: list[Shard] = []
    try:
        first, head = _open_first(path)
        opened.append(first)
        meta, info, hashes = _authenticate(path, first, head, extra_keys)
        opened.extend(_open_other_shards(path, head.preamble, meta, info))
    except BaseException:
        for shard in opened:
            shard.map.close()
            shard.file.close()
        raise
    info = dataclasses.replace(info, total_bytes=sum(len(shard.map) for shard in opened))
    reader = PackReader(opened, meta, hashes, info)
    reader.publisher_key = head.public_key
    try:
        if full_check or (full_check is None and reader.layout.length <= FULL_CHECK_LIMIT):
            reader.verify_all()
        reader.load_index()
    except BaseException:
        reader.close()
        raise
    return reader


def describe_pack(path: Path, *, extra_keys: Sequence[bytes] = ()) -> PackInfo:
    """What a pack says it holds, for `pack info`, also when this app does not trust its publisher (then
    `publisher_trust` is "unknown"). The head is checked against the pack's own key, so what is shown is what that
    key's holder signed, and every shard is opened to add up its size; but nothing is looked up and no reader is
    returned: a pack from an unknown publisher can be described, never used for a check."""
    opened: list[Shard] = []
    try:
        first, head = _open_first(path)
        opened.append(first)
        meta, info, _hashes = _authenticate(path, first, head, extra_keys, describe_only=True)
        opened.extend(_open_other_shards(path, head.preamble, meta, info))
        return dataclasses.replace(info, total_bytes=sum(len(shard.map) for shard in opened))
    finally:
        for shard in opened:
            shard.map.close()
            shard.file.close()


@dataclass(frozen=True)
class _Head:
    preamble: fmt.Preamble
    public_key: bytes
    signature: bytes
    meta: bytes
    catalog: bytes
    hashes: bytes
    signed: bytes


def _map(path: Path) -> tuple[BinaryIO, mmap.mmap, int]:
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise UserError("pack.error.missing", file=path.name) from None
    except OSError:
        raise UserError("pack.error.unreadable", file=path.name) from None
    try:
        size = path.stat().st_size
        if size == 0:
            raise UserError("pack.error.truncated", file=path.name)
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        advise_random(mapped)  # a cold pack is read where lookups land, not in read-ahead windows (reader.py)
        return handle, mapped, size
    except OSError:
        handle.close()
        raise UserError("pack.error.unreadable", file=path.name) from None
    except BaseException:
        handle.close()
        raise


def _open_first(path: Path) -> tuple[Shard, _Head]:
    handle, mapped, size = _map(path)
    try:
        head = _parse_head(path, mapped, size)
    except BaseException:
        mapped.close()
        handle.close()
        raise
    start = size - head.preamble.body_length
    return Shard(path, handle, mapped, start, 0, head.preamble.body_length), head


def _parse_head(path: Path, data: mmap.mmap, size: int) -> _Head:
    name = path.name
    if data[: len(fmt.MAGIC)] != fmt.MAGIC[: min(size, len(fmt.MAGIC))] or size < len(fmt.MAGIC):
        raise UserError("pack.error.not_a_pack", file=name)
    preamble = fmt.parse_preamble(data[: fmt.PREAMBLE.size])
    if preamble is None:
        raise UserError("pack.error.truncated", file=name)
    if preamble.version > max(fmt.READABLE_VERSIONS):
        raise UserError("pack.error.newer_version", file=name)
    if preamble.version not in fmt.READABLE_VERSIONS:
        raise UserError("pack.error.damaged_file", file=name)
    if preamble.shard_index != 0:
        raise UserError("pack.error.not_first_shard", file=name, number=preamble.shard_index + 1)
    if size < fmt.VARIABLE_START:
        raise UserError("pack.error.truncated", file=name)
    key, signature, meta_len, catalog_len, chunk_count = fmt.FIXED_HEAD.unpack_from(data, fmt.HEAD_START)
    if meta_len > fmt.MAX_META or catalog_len > fmt.MAX_CATALOG or chunk_count > min(size, fmt.MAX_CHUNKS):
        raise UserError("pack.error.damaged_file", file=name)
    head_end = fmt.head_length(meta_len, catalog_len, chunk_count)
    if size < head_end + preamble.body_length:
        raise UserError("pack.error.truncated", file=name)
    if size > head_end + preamble.body_length:
        raise UserError("pack.error.damaged_file", file=name)
    variable_end = fmt.VARIABLE_START + meta_len + catalog_len + chunk_count * fmt.CHUNK_HASH_BYTES
    prefetch(data, 0, head_end)  # the head in one read (the map is read a page per fault otherwise)
    variable = bytes(data[fmt.VARIABLE_START : variable_end])
    if any(data[variable_end:head_end]):
        raise UserError("pack.error.tampered", file=name)  # the padding is not signed, so it must be zero
    fixed = fmt.fixed_head_for_signing(key, meta_len, catalog_len, chunk_count)
    return _Head(
        preamble=preamble,
        public_key=key,
        signature=signature,
        meta=variable[:meta_len],
        catalog=variable[meta_len : meta_len + catalog_len],
        hashes=variable[meta_len + catalog_len :],
        signed=fmt.signed_message(bytes(data[: fmt.PREAMBLE.size]), fixed, variable, preamble.version),
    )


def trust_level(key: bytes, extra_keys: Sequence[bytes]) -> str | None:
    """How this app trusts a publisher key: "pinned", "added", "demo" (demo packs only), or None."""
    from exposurecheck.core.trust import publisher_keys

    if key in publisher_keys.pinned_keys():
        return "pinned"
    if key in extra_keys or key in publisher_keys.trusted_keys():
        return "added"
    if key in publisher_keys.demo_keys():
        return "demo"
    return None


def _authenticate(
    path: Path, first: Shard, head: _Head, extra_keys: Sequence[bytes], *, describe_only: bool = False
) -> tuple[dict, PackInfo, bytes]:
    name = path.name
    if head.signature == bytes(64):
        raise UserError("pack.error.unsigned", file=name)
    trust = trust_level(head.public_key, extra_keys)
    if trust is None and not describe_only:
        raise UserError("pack.error.unknown_publisher", file=name, fingerprint=fingerprint(head.public_key))
    try:
        Ed25519PublicKey.from_public_bytes(head.public_key).verify(head.signature, head.signed)
    except (InvalidSignature, ValueError):
        raise UserError("pack.error.tampered", file=name) from None
    # From here on every byte of the head is the publisher's; checks below catch a publisher's bugs, not attacks.
    version = head.preamble.version
    meta = _meta(head.meta, name, version)
    if trust == "demo" and meta["demo"] is not True:
        raise UserError("pack.error.demo_key", file=name)
    if version == 1:
        body_length = fmt.BodyLayout(meta["prefix_bits"], meta["entries"]).length
        prefix_bits = meta["prefix_bits"]
    else:
        sections = sections_of(meta)
        body_length = sections[-1].end if sections else 0
        prefix_bits = max((s.prefix_bits for s in sections), default=0)
    chunk = meta["chunk_size"]
    shards = meta["shards"]
    total = sum(length for _, length in shards)
    expected_chunks = -(-body_length // chunk)
    if (
        total != body_length
        or len(head.hashes) != expected_chunks * fmt.CHUNK_HASH_BYTES
        or shards[0] != [0, head.preamble.body_length]
        or len(shards) != head.preamble.shard_count
        or any(offset % chunk for offset, _ in shards)
    ):
        raise UserError("pack.error.damaged_file", file=name)
    info = PackInfo(
        title=meta["title"],
        created=meta["created"],
        demo=meta["demo"],
        entries=meta["entries"],
        counts=meta["counts"],
        breaches=tuple(meta["breaches"]),
        publisher_fingerprint=fingerprint(head.public_key),
        publisher_trust=trust or "unknown",
        shard_count=len(shards),
        prefix_bits=prefix_bits,
        chunk_size=chunk,
        total_bytes=0,
        catalog_json=head.catalog,
        format_version=version,
    )
    return meta, info, head.hashes


def _meta(raw: bytes, name: str, version: int) -> dict:
    try:
        meta = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting: a publisher's bug is still "damaged"
        raise UserError("pack.error.damaged_file", file=name) from None
    ok = (
        isinstance(meta, dict)
        and meta.get("format") == fmt.META_FORMAT
        and meta.get("version", 1) == version
        and (version != 1 or _int_in(meta.get("prefix_bits"), fmt.MIN_PREFIX_BITS, fmt.MAX_PREFIX_BITS))
        and (version != 2 or _sections_ok(meta))
        and isinstance(meta.get("salt"), str)
        and len(meta["salt"]) == fmt.SALT_BYTES * 2
        and isinstance(meta.get("demo"), bool)
        and isinstance(meta.get("title"), str)
        and isinstance(meta.get("created"), str)
        and _int_in(meta.get("entries"), 0, 1 << 48)
        and _int_in(meta.get("chunk_size"), fmt.MIN_CHUNK_SIZE, fmt.MAX_CHUNK_SIZE)
        and isinstance(meta.get("breaches"), list)
        and 0 < len(meta["breaches"]) <= fmt.MAX_BREACHES
        and all(isinstance(b, str) for b in meta["breaches"])
        and isinstance(meta.get("types"), list)
        and all(t in {k.value for k in IdentifierType} for t in meta["types"])
        and isinstance(meta.get("counts"), dict)
        and isinstance(meta.get("shards"), list)
        and len(meta["shards"]) >= 1
        and all(
            isinstance(s, list) and len(s) == 2 and _int_in(s[0], 0, 1 << 62) and _int_in(s[1], 0, 1 << 62)
            for s in meta["shards"]
        )
    )
    if not ok:
        raise UserError("pack.error.damaged_file", file=name)
    try:
        bytes.fromhex(meta["salt"])
    except ValueError:
        raise UserError("pack.error.damaged_file", file=name) from None
    return meta


def _sections_ok(meta: dict) -> bool:
    """A version-2 section table: [type, breach index, entries, prefix bits] each, one per type and breach, whose
    entries add up to the pack's. (Signed, so a failure here is a publisher's bug; still never trusted blindly.)"""
    sections = meta.get("sections")
    breaches, types = meta.get("breaches"), meta.get("types")
    if not isinstance(sections, list) or len(sections) > fmt.MAX_SECTIONS:
        return False
    if not isinstance(breaches, list) or not isinstance(types, list):
        return False
    seen = set()
    for section in sections:
        if not (isinstance(section, list) and len(section) == 4):
            return False
        kind, breach, entries, bits = section
        if (
            not isinstance(kind, str)
            or kind not in types
            or kind == IdentifierType.PASSWORD.value
            or not _int_in(breach, 0, len(breaches) - 1)
            or not _int_in(entries, 0, fmt.MAX_SECTION_ENTRIES)
            or not _int_in(bits, fmt.MIN_PREFIX_BITS, fmt.V2_MAX_PREFIX_BITS)
            or (kind, breach) in seen
        ):
            return False
        seen.add((kind, breach))
    return sum(section[2] for section in sections) == meta.get("entries")


def _int_in(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _open_other_shards(path: Path, first: fmt.Preamble, meta: dict, info: PackInfo) -> list[Shard]:
    shards: list[Shard] = []
    try:
        for index in range(1, first.shard_count):
            shard_path = path.with_name(fmt.shard_name(path.name, index))
            offset, length = meta["shards"][index]
            try:
                handle, mapped, size = _map(shard_path)
            except UserError as exc:
                if exc.key == "pack.error.missing":
                    raise UserError("pack.error.shard_missing", file=shard_path.name, count=first.shard_count) from None
                raise
            shard = Shard(shard_path, handle, mapped, fmt.PREAMBLE.size, offset, length)
            shards.append(shard)
            preamble = fmt.parse_preamble(mapped[: fmt.PREAMBLE.size])
            if preamble is None:
                raise UserError("pack.error.shard_wrong", file=shard_path.name)
            if (
                preamble.pack_id != first.pack_id
                or preamble.shard_index != index
                or preamble.shard_count != first.shard_count
                or preamble.body_offset != offset
                or preamble.body_length != length
            ):
                raise UserError("pack.error.shard_wrong", file=shard_path.name)
            if size < fmt.PREAMBLE.size + length:
                raise UserError("pack.error.truncated", file=shard_path.name)
            if size > fmt.PREAMBLE.size + length:
                raise UserError("pack.error.damaged_file", file=shard_path.name)
    except BaseException:
        for shard in shards:
            shard.map.close()
            shard.file.close()
        raise
    return shards
