"""Writing a signed pack: body (version 2: one section per type and breach), chunk hashes, head, shards.

The body comes from scratch files (sections.py) and is streamed twice (once to hash its chunks, whose hashes go
into the signed head that comes first in the file; once to copy it into the shard files), so memory stays
bounded. Files are written under temporary names and renamed at the end: an interrupted build never leaves a
pack that looks complete. Version 1 bodies can still be written (tests prove old packs open), never by the
builder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from exposurecheck.core.errors import UserError
from exposurecheck.core.packs import format as fmt


@dataclass(frozen=True)
class PackMeta:
    title: str
    demo: bool
    salt: bytes
    breaches: tuple[str, ...]
    types: tuple[str, ...]
    counts: dict[str, int]
    entries: int
    chunk_size: int
    sections: tuple[tuple[str, int, int, int], ...] = ()  # version 2: (type, breach index, entries, prefix bits)
    prefix_bits: int = 0  # version 1 only
    version: int = fmt.FORMAT_VERSION
    created: str = ""

    def to_json(self, shards: list[tuple[int, int]]) -> bytes:
        document = {
            "format": fmt.META_FORMAT,
            "version": self.version,
            "title": self.title,
            "created": self.created or dt.date.today().isoformat(),
            "demo": self.demo,
            "salt": self.salt.hex(),
            "tag": "blake2b-64, key=salt, person='ecpack1\\0'+type code, over encode(identifier)",
            "breaches": list(self.breaches),
            "types": list(self.types),
            "counts": dict(sorted(self.counts.items())),
            "entries": self.entries,
            "chunk_size": self.chunk_size,
            "shards": [[offset, length] for offset, length in shards],
        }
        if self.version == 1:
            document["prefix_bits"] = self.prefix_bits
        else:
            document["sections"] = [list(section) for section in self.sections]
            document["stored_bits"] = f"prefix + {fmt.RESIDUAL_BITS} of the tag's 64 per entry"
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def body_length(self) -> int:
        if self.version == 1:
            return fmt.BodyLayout(self.prefix_bits, self.entries).length
        specs = [(fmt.IdentifierType(kind), breach, n, bits) for kind, breach, n, bits in self.sections]
        return fmt.layout_sections(specs)[1]


def _chunks(pieces: Iterator[bytes], size: int) -> Iterator[bytes]:
    pending = bytearray()
    for piece in pieces:
        pending += piece
        while len(pending) >= size:
            yield bytes(pending[:size])
            del pending[:size]
    if pending:
        yield bytes(pending)


def write_pack(
    out: Path,
    *,
    meta: PackMeta,
    catalog_json: bytes,
    body: Callable[[], Iterator[bytes]],
    signing_key: Ed25519PrivateKey,
    shard_size: int = fmt.FAT32_MAX_FILE,
) -> list[Path]:
    """Write the pack (and its shards) and return the files written, first file first.

    `body()` yields the body's bytes in order (in pieces of any size); it is called twice.
    """
    body_length = meta.body_length()
    hashes = b"".join(hashlib.sha256(chunk).digest() for chunk in _chunks(body(), meta.chunk_size))
    chunk_count = len(hashes) // fmt.CHUNK_HASH_BYTES
    if chunk_count != -(-body_length // meta.chunk_size):
        raise RuntimeError("body length does not match its layout")  # a builder bug, never user input
    shards = [(0, body_length)]
    for _ in range(16):  # the shard table is in the head, whose size decides the shards: iterate to a fixed point
        meta_json = meta.to_json(shards)
        head_length = fmt.head_length(len(meta_json), len(catalog_json), chunk_count)
        try:
            planned = fmt.plan_shards(body_length, meta.chunk_size, head_length, shard_size)
        except ValueError:
            raise UserError("pack.build.shard_too_small", size=shard_size) from None
        if planned == shards:
            break
        shards = planned
    else:  # pragma: no cover - converges in two or three rounds
        raise RuntimeError("shard plan did not settle")
    if len(shards) > 0xFFFF:
        raise UserError("pack.build.shard_too_small", size=shard_size)

    public = signing_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    pack_id = os.urandom(32)
    preamble0 = fmt.Preamble(meta.version, 0, len(shards), pack_id, 0, shards[0][1]).pack()
    variable = meta_json + catalog_json + hashes
    fixed = fmt.fixed_head_for_signing(public, len(meta_json), len(catalog_json), chunk_count)
    signature = signing_key.sign(fmt.signed_message(preamble0, fixed, variable, meta.version))
    head = preamble0 + fmt.FIXED_HEAD.pack(public, signature, len(meta_json), len(catalog_json), chunk_count)
    head += variable
    head += bytes(head_length - len(head))

    final = [out.with_name(fmt.shard_name(out.name, i)) for i in range(len(shards))]
    temporary = [path.with_name(path.name + ".partial") for path in final]
    try:
        _write_shards(temporary, head, shards, pack_id, meta.version, body())
        for tmp, path in zip(temporary, final, strict=True):
            os.replace(tmp, path)
    except OSError:
        for tmp in temporary:
            tmp.unlink(missing_ok=True)
        raise UserError("pack.build.write_failed", file=str(out)) from None
    _remove_stale_shards(out, len(shards))
    return final


def _write_shards(
    paths: list[Path], head: bytes, shards: list[tuple[int, int]], pack_id: bytes, version: int,
    body: Iterator[bytes],
) -> None:
    pending = b""
    for number, (path, (offset, length)) in enumerate(zip(paths, shards, strict=True)):
        with path.open("wb") as handle:
            if number == 0:
                handle.write(head)
            else:
                handle.write(fmt.Preamble(version, number, len(shards), pack_id, offset, length).pack())
            remaining = length
            while remaining:
                if not pending:
                    pending = next(body)
                piece, pending = pending[:remaining], pending[remaining:]
                handle.write(piece)
                remaining -= len(piece)


def _remove_stale_shards(out: Path, count: int) -> None:
    # A smaller rebuild over a bigger old pack must not leave old shards that look like they belong to it.
    number = count
    while (stale := out.with_name(fmt.shard_name(out.name, number))).exists():
        stale.unlink()
        number += 1
