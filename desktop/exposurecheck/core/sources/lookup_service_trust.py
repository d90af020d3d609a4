"""Which manifest of a lookup service the client believes: first use, key continuity and the floors.

`accepted_manifest` fetches the current manifest and accepts it only if
- on first use, a key the person trusts signed it: shipped with the app, added with `exposure-check trust add` or
  the window's "Trust this publisher" (the same store as for data files), given with --trust, or in a confirmed
  NGO profile;
- afterwards, it follows the pinned manifest under the rules of core/protocol/chain.py, walking the service's
  history of manifests back to the pin when the current one uses a key the pin does not know (only then: each
  history request tells the operator roughly when this app last checked, so it is not made without need);
- its parameters are above the floors (core/protocol/privacy.py) and it has not expired.
Only then is the pin moved forward. `get(path)` does the network work and raises UserError for failures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from exposurecheck.core.errors import UserError
from exposurecheck.core.protocol import chain, paths, privacy
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Envelope, Manifest, check_fresh, parse_payload, read_envelope
from exposurecheck.core.sources.lookup_service_state import PinStore

Get = Callable[[str], bytes]


def accepted_manifest(
    get: Get, base_url: str, trusted_keys: Sequence[bytes], pins: PinStore, now: datetime
) -> tuple[Manifest, chain.Pin]:
    """The service's current manifest once every check passed, and the pin now stored for it."""
    envelope = read_envelope(_current(get))
    pin = pins.get(base_url)
    if pin is None:
        manifest = chain.first_use(envelope, frozenset(trusted_keys))
    elif envelope.digest == pin.digest:
        manifest = parse_payload(envelope.body)  # the very manifest accepted last time
    else:
        try:
            manifest = chain.follows(pin, envelope)
        except ProtocolError as exc:
            if exc.key != "service.error.key_change":
                raise
            manifest = _walk(get, pin, envelope)
    privacy.check_floors(manifest)
    check_fresh(manifest, now, None)
    new_pin = chain.pin_of(manifest, pin)
    pins.put(base_url, new_pin)
    return manifest, new_pin


def _current(get: Get) -> bytes:
    """`v2/manifest.json`; when it is missing, a version 1 site is named as such instead of "not found"."""
    try:
        return get(paths.MANIFEST)
    except UserError as missing:
        if missing.key != "http.status" or str(missing.params.get("status")) != "404":
            raise
        try:
            read_envelope(get(paths.LEGACY_MANIFEST))
        except ProtocolError as legacy:
            if legacy.key == "service.error.old_protocol":
                raise legacy from None
        except UserError:
            pass
        raise missing from None


def _walk(get: Get, pin: chain.Pin, current: Envelope) -> Manifest:
    """Follow `previous` from the current manifest back to the pinned one, then check every step forwards.

    Each manifest fetched is read only for its links and keys, and believed after verify_chain; only that much of it
    is kept (chain.Step), so a long history of large manifests costs about one manifest of memory.
    """
    walked = [chain.step_of(current, keep_content=True)]
    manifest = walked[0].manifest
    while manifest.previous != pin.digest:
        if not walked[-1].signers:
            # Signed by none of the keys it lists, it is no step of any history (verify_chain would refuse it):
            # stop before asking for more, as each request tells the operator when this app last checked.
            raise ProtocolError("service.error.key_change")
        if not manifest.previous or manifest.sequence <= pin.sequence:
            raise ProtocolError("service.error.forked")  # went past the pin without meeting it
        if len(walked) >= chain.MAX_CHAIN_STEPS:
            raise ProtocolError("service.error.key_change")  # too far to check the announcement
        try:
            envelope = read_envelope(get(paths.history_manifest(manifest.previous)))
        except UserError as exc:
            if exc.key == "http.status":
                raise ProtocolError("service.error.key_change") from None  # the history that would show it is missing
            raise
        if envelope.digest != manifest.previous:
            raise ProtocolError("service.error.forked")
        step = chain.step_of(envelope)
        del envelope  # its bytes go now, not at the end of the walk
        manifest = step.manifest
        walked.append(step)
    walked.reverse()
    return chain.verify_chain(pin, walked)
