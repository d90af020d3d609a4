"""Key continuity: what a client remembers of a service (its pin) and which next manifests it accepts.

On first use the client pins the service's keys from a manifest signed by a key it trusts. From then on, a manifest
is accepted only if every key it uses was already known from the pin: a publisher key that signed or was announced
by the pinned manifest, a matching key that an epoch used or that was announced, and the very same bucketing key.
A key change is therefore accepted only when an earlier signed manifest announced it. When the current manifest
uses a key the pin does not know, the client walks the chain of `previous` hashes back to its pin and accepts only
if each step follows these rules (so the announcement must have been published in the chain it is shown).

The pin holds public keys, hashes, counters and a bit count: nothing about the person or what they checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from exposurecheck.core.protocol import privacy
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Envelope, Manifest, open_signed, parse_payload

# A chain longer than this is not walked (a weekly renewal for about four years); see `needs_walk`.
MAX_CHAIN_STEPS = 200


@dataclass(frozen=True)
class Pin:
    digest: bytes  # the accepted manifest's payload hash
    sequence: int
    bucketing_key: bytes
    publisher_keys: frozenset[bytes]  # may sign the next manifest: the pinned manifest's keys plus its announced ones
    oprf_keys: frozenset[bytes]  # may appear in the next manifest's epochs: the pinned ones plus the announced ones
    revealed_bits: int  # the most bits of the bucketing output any check against this service has revealed


def pin_of(manifest: Manifest, earlier: Pin | None = None) -> Pin:
    """The pin after accepting `manifest` (keeping the highest revealed-bit count ever used with the service)."""
    epoch = manifest.epoch()
    bits = privacy.revealed_bits(epoch.prefix_bits, manifest.buckets_per_check)
    return Pin(
        digest=manifest.digest,
        sequence=manifest.sequence,
        bucketing_key=manifest.bucketing_key,
        publisher_keys=frozenset(manifest.publisher_keys) | frozenset(manifest.announced_publisher_keys),
        oprf_keys=frozenset(e.public_key for e in manifest.epochs) | frozenset(manifest.announced_oprf_keys),
        revealed_bits=max(bits, earlier.revealed_bits if earlier else 0),
    )


def first_use(envelope: Envelope, trusted_keys: frozenset[bytes]) -> Manifest:
    """Trust on first use: signed by a key the person trusts (shipped or given), which the manifest names."""
    return open_signed(envelope, trusted_keys)


def compare(pin: Pin, manifest: Manifest) -> None:
    """The checks that need no signature: rollback, a second manifest with a used sequence (fork)."""
    if manifest.sequence < pin.sequence:
        raise ProtocolError("service.error.rollback")
    if manifest.sequence == pin.sequence and manifest.digest != pin.digest:
        raise ProtocolError("service.error.forked")


@dataclass(frozen=True)
class Step:
    """One manifest of a walked history, reduced to what checking it forwards needs.

    A walk may fetch up to MAX_CHAIN_STEPS manifests of up to 8 MB each, none of them believed yet; holding them all
    until the forward check would let whoever serves the files make the client hold gigabytes. A step keeps the
    keys, counters and links, and which of the keys the manifest lists really signed its bytes (checked once, when
    it is fetched), not its catalog, breach list or bytes.
    """

    manifest: Manifest
    signers: frozenset[bytes]  # keys listed in the manifest's publisher_keys whose signature over it is valid


def step_of(envelope: Envelope, *, keep_content: bool = False) -> Step:
    """The step for a fetched history manifest; `keep_content` keeps its catalog and breach ids (the current one)."""
    manifest = parse_payload(envelope.body)
    signers = frozenset(key for key in manifest.publisher_keys if envelope.signed_by((key,)) is not None)
    if not keep_content:
        manifest = replace(manifest, catalog=None, breach_ids=(), service="")
    return Step(manifest, signers)


def follows(pin: Pin, envelope: Envelope) -> Manifest:
    """Accept `envelope` as a successor of the pinned manifest (directly or further down its chain).

    Raises ProtocolError `key_change` when it is signed by, or uses, a key the pin does not know (an unannounced
    change), and the errors of `compare`.
    """
    signer = envelope.signed_by(pin.publisher_keys)
    if signer is None:
        raise ProtocolError("service.error.key_change")
    manifest = parse_payload(envelope.body)
    _check_successor(pin, manifest, signer in manifest.publisher_keys)
    return manifest


def _step_follows(pin: Pin, step: Step) -> Manifest:
    """`follows` for a walked step, whose signatures were checked when it was fetched."""
    if not step.signers & pin.publisher_keys:
        raise ProtocolError("service.error.key_change")
    _check_successor(pin, step.manifest, True)
    return step.manifest


def _check_successor(pin: Pin, manifest: Manifest, signer_listed: bool) -> None:
    compare(pin, manifest)
    unknown_oprf = any(e.public_key not in pin.oprf_keys for e in manifest.epochs)
    if (
        not signer_listed
        or manifest.bucketing_key != pin.bucketing_key
        or not set(manifest.publisher_keys) <= pin.publisher_keys
        or unknown_oprf
    ):
        raise ProtocolError("service.error.key_change")


def needs_walk(pin: Pin, envelope: Envelope) -> bool:
    """True when the current manifest cannot be accepted from the pin alone and the chain must be followed."""
    if envelope.digest == pin.digest:
        return False
    try:
        follows(pin, envelope)
    except ProtocolError as exc:
        return exc.key == "service.error.key_change"
    return False


def verify_chain(pin: Pin, chain: Sequence[Envelope | Step]) -> Manifest:
    """Check a walked chain, oldest first: it starts right after the pin and each step follows the one before.

    `chain[-1]` is the current manifest. Raises ProtocolError `forked` when the links do not connect, and the
    errors of `follows` for a step that uses an unannounced key.
    """
    current = pin
    manifest: Manifest | None = None
    for link in chain:
        manifest = _step_follows(current, link) if isinstance(link, Step) else follows(current, link)
        if manifest.previous != current.digest:
            raise ProtocolError("service.error.forked")
        current = pin_of(manifest, current)
    if manifest is None:
        raise ProtocolError("service.error.forked")
    return manifest
