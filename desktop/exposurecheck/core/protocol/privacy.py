"""What a check can tell the operator, computed from the real parameters, and the floors below which a client refuses.

A check fetches whole blocks: the `buckets_per_check` aligned buckets that share the top
`prefix_bits - log2(buckets_per_check)` bits of the bucket number (docs/protocol.md section 5.4). The bucket number
comes from the long-lived bucketing key, so the same identifier fetches the same block on every check, under every
matching key. Whoever holds the bucketing key and sees the fetches learns those top bits and nothing more, however
often the person checks: the "revealed bits". The anonymity set is the part of an identifier space that shares them.
"""

from __future__ import annotations

from exposurecheck.core.i18n import Approx
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Manifest

# Floors the client enforces on every manifest (issue 19): below them a check would single people out.
MIN_BATCH_SIZE = 8
MIN_BUCKETS_PER_CHECK = 8
MAX_PREFIX_BITS = 20

# Rough sizes of each identifier space (PROTOCOL-NOTES.md): Chinese mobile numbers, resident ID numbers, email
# addresses in use. Usernames have no meaningful bound, so no figure is given for them.
SPACE_SIZES = {IdentifierType.PHONE: 1.6e9, IdentifierType.CN_ID: 1e9, IdentifierType.EMAIL: 4e9}


def block_bits(buckets_per_check: int) -> int:
    """log2 of the block size; the block size is a power of two (checked by `check_floors`)."""
    return buckets_per_check.bit_length() - 1


def revealed_bits(prefix_bits: int, buckets_per_check: int) -> int:
    """How many bits of the bucketing output a check reveals: the block number's length."""
    return max(0, prefix_bits - block_bits(buckets_per_check))


def block_of(bucket: int, buckets_per_check: int) -> range:
    """The aligned block of buckets that contains `bucket`: what a check fetches for it."""
    size = buckets_per_check
    start = bucket - bucket % size
    return range(start, start + size)


def check_floors(manifest: Manifest) -> None:
    """Refuse parameters that would tell the operator too much: small batches, few buckets, long prefixes.

    Raises ProtocolError `service.error.weak_parameters`.
    """
    per_check = manifest.buckets_per_check
    weak = (
        manifest.batch_size < MIN_BATCH_SIZE
        or per_check < MIN_BUCKETS_PER_CHECK
        or per_check & (per_check - 1) != 0
        or any(e.prefix_bits > MAX_PREFIX_BITS or e.bucket_count < per_check for e in manifest.epochs)
    )
    if weak:
        raise ProtocolError("service.error.weak_parameters")


def candidates(kind: IdentifierType, bits: int) -> int | None:
    """About how many identifiers of `kind` share `bits` revealed bits with the one checked (None: no bound)."""
    space = SPACE_SIZES.get(kind)
    if space is None:
        return None
    return max(1, round(space / (1 << bits)))


def rounded(count: int) -> Approx:
    """A candidate count as people read it: two significant figures, written when shown in the language shown
    ("24,000" / "2.4万"; core/i18n.py `approx_figure`)."""
    return Approx(count)
