"""`POST /v1/eval` request and response bodies (docs/protocol.md section 4).

Request:  "ECEV" | version u8 (1) | reserved u8 (0) | count u16 | epoch u32 | count x 32-byte blinded elements
Response: "ECER" | version u8 (1) | reserved u8 (0) | count u16 | epoch u32 | count x 32-byte evaluations
          | 64-byte batch DLEQ proof (c || s)
All integers big-endian. The count always equals the manifest's batch_size (the client pads with random points).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from exposurecheck.core.crypto.dleq import PROOF_BYTES
from exposurecheck.core.crypto.sodium import POINT_BYTES
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import MAX_BATCH

REQUEST_MAGIC = b"ECEV"
RESPONSE_MAGIC = b"ECER"
VERSION = 1
_HEADER = struct.Struct(">4sBBHI")
HEADER_BYTES = _HEADER.size
MAX_REQUEST_BYTES = HEADER_BYTES + MAX_BATCH * POINT_BYTES
CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class EvalRequest:
    epoch: int
    elements: tuple[bytes, ...]


@dataclass(frozen=True)
class EvalResponse:
    epoch: int
    elements: tuple[bytes, ...]
    proof: bytes


def _pack(magic: bytes, epoch: int, elements: Sequence[bytes]) -> bytes:
    if any(len(e) != POINT_BYTES for e in elements):
        raise ValueError("elements are 32 bytes")
    return _HEADER.pack(magic, VERSION, 0, len(elements), epoch) + b"".join(elements)


def encode_request(epoch: int, elements: Sequence[bytes]) -> bytes:
    return _pack(REQUEST_MAGIC, epoch, elements)


def encode_response(epoch: int, elements: Sequence[bytes], proof: bytes) -> bytes:
    if len(proof) != PROOF_BYTES:
        raise ValueError("proof is 64 bytes")
    return _pack(RESPONSE_MAGIC, epoch, elements) + proof


def _unpack(data: bytes, magic: bytes, trailer: int, error: str) -> tuple[int, tuple[bytes, ...]]:
    if len(data) < HEADER_BYTES:
        raise ProtocolError(error)
    got_magic, version, _reserved, count, epoch = _HEADER.unpack_from(data)
    if got_magic != magic or version != VERSION or not 1 <= count <= MAX_BATCH:
        raise ProtocolError(error)
    if len(data) != HEADER_BYTES + count * POINT_BYTES + trailer:
        raise ProtocolError(error)
    elements = tuple(data[HEADER_BYTES + i * POINT_BYTES : HEADER_BYTES + (i + 1) * POINT_BYTES] for i in range(count))
    return epoch, elements


def parse_request(data: bytes) -> EvalRequest:
    """Server side. Raises ProtocolError `service.error.bad_request`."""
    epoch, elements = _unpack(data, REQUEST_MAGIC, 0, "service.error.bad_request")
    return EvalRequest(epoch=epoch, elements=elements)


def parse_response(data: bytes, expected_epoch: int, expected_count: int) -> EvalResponse:
    """Client side. Raises ProtocolError `service.error.bad_response` for anything but the answer we asked for."""
    epoch, elements = _unpack(data, RESPONSE_MAGIC, PROOF_BYTES, "service.error.bad_response")
    if epoch != expected_epoch or len(elements) != expected_count:
        raise ProtocolError("service.error.bad_response")
    return EvalResponse(epoch=epoch, elements=elements, proof=data[-PROOF_BYTES:])
