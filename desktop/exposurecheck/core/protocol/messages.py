"""`POST /v2/eval` request and response bodies (docs/protocol.md section 4).

Request:  "ECEV" | version u8 (2) | reserved u8 (0) | count u16 | epoch u32 | count x 32-byte blinded elements
Response: "ECER" | version u8 (2) | reserved u8 (0) | count u16 | epoch u32
          | count x 32-byte evaluations under the epoch's matching key
          | count x 32-byte evaluations under the service's bucketing key
          | 64-byte batch DLEQ proof for the matching key (c || s) | 64-byte batch DLEQ proof for the bucketing key
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
VERSION = 2
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
    elements: tuple[bytes, ...]  # under the epoch's matching key
    proof: bytes
    bucketing_elements: tuple[bytes, ...]  # under the service's bucketing key
    bucketing_proof: bytes


def _pack(magic: bytes, epoch: int, elements: Sequence[bytes]) -> bytes:
    if any(len(e) != POINT_BYTES for e in elements):
        raise ValueError("elements are 32 bytes")
    return _HEADER.pack(magic, VERSION, 0, len(elements), epoch) + b"".join(elements)


def encode_request(epoch: int, elements: Sequence[bytes]) -> bytes:
    return _pack(REQUEST_MAGIC, epoch, elements)


def encode_response(
    epoch: int,
    elements: Sequence[bytes],
    proof: bytes,
    bucketing_elements: Sequence[bytes],
    bucketing_proof: bytes,
) -> bytes:
    if len(proof) != PROOF_BYTES or len(bucketing_proof) != PROOF_BYTES:
        raise ValueError("proofs are 64 bytes")
    if len(bucketing_elements) != len(elements) or any(len(e) != POINT_BYTES for e in bucketing_elements):
        raise ValueError("one 32-byte bucketing evaluation per element")
    return _pack(RESPONSE_MAGIC, epoch, elements) + b"".join(bucketing_elements) + proof + bucketing_proof


def _unpack(data: bytes, magic: bytes, lists: int, trailer: int, error: str) -> tuple[int, tuple[bytes, ...]]:
    """Header checks, then `lists` runs of `count` points followed by `trailer` bytes; all points flattened."""
    if len(data) < HEADER_BYTES:
        raise ProtocolError(error)
    got_magic, version, reserved, count, epoch = _HEADER.unpack_from(data)
    if got_magic != magic or version != VERSION or reserved != 0 or not 1 <= count <= MAX_BATCH:
        raise ProtocolError(error)
    if len(data) != HEADER_BYTES + lists * count * POINT_BYTES + trailer:
        raise ProtocolError(error)
    total = lists * count
    points = tuple(data[HEADER_BYTES + i * POINT_BYTES : HEADER_BYTES + (i + 1) * POINT_BYTES] for i in range(total))
    return epoch, points


def parse_request(data: bytes) -> EvalRequest:
    """Server side. Raises ProtocolError `service.error.bad_request`."""
    epoch, elements = _unpack(data, REQUEST_MAGIC, 1, 0, "service.error.bad_request")
    return EvalRequest(epoch=epoch, elements=elements)


def parse_response(data: bytes, expected_epoch: int, expected_count: int) -> EvalResponse:
    """Client side. Raises ProtocolError `service.error.bad_response` for anything but the answer we asked for."""
    epoch, points = _unpack(data, RESPONSE_MAGIC, 2, 2 * PROOF_BYTES, "service.error.bad_response")
    if epoch != expected_epoch or len(points) != 2 * expected_count:
        raise ProtocolError("service.error.bad_response")
    return EvalResponse(
        epoch=epoch,
        elements=points[:expected_count],
        proof=data[-2 * PROOF_BYTES : -PROOF_BYTES],
        bucketing_elements=points[expected_count:],
        bucketing_proof=data[-PROOF_BYTES:],
    )


def response_bytes(count: int) -> int:
    """The exact size of an answer to a request of `count` elements."""
    return HEADER_BYTES + 2 * count * POINT_BYTES + 2 * PROOF_BYTES
