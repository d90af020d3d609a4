"""A binary Merkle tree over all buckets of an epoch, so a CDN cannot alter or swap a bucket unnoticed.

Leaves and inner nodes are hashed with different leading bytes (0x00, 0x01) so a leaf can never pass for a node.
The tree is perfect: an epoch has exactly 2**prefix_bits buckets and bucket `p` is leaf `p`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

HASH_BYTES = 32


def leaf_hash(body: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + body).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def build_levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    """All levels, leaves first, root last. `len(leaves)` must be a power of two."""
    if not leaves or len(leaves) & (len(leaves) - 1):
        raise ValueError("a perfect tree needs a power-of-two number of leaves")
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below), 2)])
    return levels


def proof_for(levels: Sequence[Sequence[bytes]], index: int) -> bytes:
    """The sibling hashes from the leaf up to just below the root, concatenated."""
    siblings = []
    for level in levels[:-1]:
        siblings.append(level[index ^ 1])
        index >>= 1
    return b"".join(siblings)


def verify(body: bytes, index: int, proof: bytes, depth: int, root: bytes) -> bool:
    if len(proof) != depth * HASH_BYTES or not 0 <= index < (1 << depth):
        return False
    current = leaf_hash(body)
    for level in range(depth):
        sibling = proof[level * HASH_BYTES : (level + 1) * HASH_BYTES]
        current = node_hash(sibling, current) if (index >> level) & 1 else node_hash(current, sibling)
    return hmac.compare_digest(current, root)
