"""The project's lookup service as a Source (`--source service=URL`); protocol in docs/protocol.md.

What leaves the computer: one manifest request, a fixed-size batch of blinded points (padded with random points),
and, for each identifier, the whole block of `buckets_per_check` buckets that holds its bucket. The bucket number
comes from the service's long-lived bucketing key, so checking the same identifier again, in another session or
after the service changed its matching key, fetches exactly the same buckets and tells the operator nothing new.
Every answer is checked before it is believed: the manifest's signature, key continuity, floors and freshness
(lookup_service_trust.py), both batch DLEQ proofs against the keys in the manifest, and each bucket's Merkle proof
against the signed root.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests

from exposurecheck.core.catalog import Catalog, catalog_from_json
from exposurecheck.core.crypto import oprf, sodium
from exposurecheck.core.crypto.group import Mode
from exposurecheck.core.errors import UserError
from exposurecheck.core.http import fetch, is_insecure_url, looks_like_html, make_session
from exposurecheck.core.http_budget import source_scope
from exposurecheck.core.identifiers import Identifier, IdentifierType, encode, mask
from exposurecheck.core.protocol import bucket as buckets
from exposurecheck.core.protocol import messages, paths, privacy
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Epoch, Manifest
from exposurecheck.core.report import Exposure, SentLine, SentRecord, SourceResult, sent_line
from exposurecheck.core.sources.base import CancelToken, ProgressCallback, Source
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck.core.sources.lookup_service_trust import accepted_manifest
from exposurecheck.core.trust import publisher_keys
from exposurecheck.core.trust.publisher_keys import read_public_key
from exposurecheck.resources import resource_path

EVAL_PATH = paths.EVAL
MAX_BUCKET_BYTES = 64 * 1024 * 1024


def pinned_keys(folder: Path | None = None) -> tuple[bytes, ...]:
    """Manifest signing keys shipped with the app (`resources/keys/service/*.pub`, the publisher `.pub` format)."""
    folder = folder or resource_path("keys", "service")
    if not folder.is_dir():
        return ()
    return tuple(read_public_key(path) for path in sorted(folder.glob("*.pub")))


class ServiceSource(Source):
    name = "service"
    accepts = frozenset({IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID, IdentifierType.USERNAME})
    uses_network = True

    def __init__(
        self,
        base_url: str,
        trusted_keys: Sequence[bytes] = (),
        *,
        session: requests.Session | None = None,
        state: PinStore | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        include_pinned: bool = True,
        allow_insecure_http: bool = False,
    ) -> None:
        parts = urlsplit(base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise UserError("service.error.bad_url")
        self.base_url = base_url.strip().rstrip("/") + "/"
        self.allow_insecure_http = allow_insecure_http  # the person's explicit choice (CLI --allow-insecure-http)
        self.insecure = is_insecure_url(self.base_url)  # plain http to another computer: named unsafe on screen
        self._given = tuple(trusted_keys)  # --trust, a confirmed profile's keys
        # The app's own keys: shipped with it, and the publishers the person chose to trust (`trust add`, the
        # window's "Trust this publisher"). Those are read when a first use needs them, not before (the store
        # may change while the window is open, and a damaged store must not stop a service already pinned).
        self._include_app_keys = include_pinned
        self._session = session
        self._state = state or PinStore()
        self._clock = clock
        self.manifest: Manifest | None = None  # the last verified manifest: its catalog names the breach ids found

    def lookup(
        self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
    ) -> SourceResult:
        # One deadline for all requests; cancelling closes the connection even in the middle of a read.
        with source_scope(cancel.is_cancelled):
            return self._lookup(identifiers, progress, cancel)

    def _lookup(
        self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken
    ) -> SourceResult:
        # A key the person trusts matters only on first use (docs/protocol.md section 3.3); a pinned service is
        # followed by its own announcements, whatever the trust store holds today.
        first_use = self._state.get(self.base_url) is None
        trusted = self._first_use_keys() if first_use else ()
        if first_use and not trusted:
            raise UserError("service.error.no_trusted_keys")
        try:
            sodium.load()
        except sodium.SodiumUnavailable:
            raise UserError("service.error.no_crypto") from None
        session = self._session or make_session(allow_insecure_http=self.allow_insecure_http)
        try:
            manifest, revealed, history = self._manifest(session, trusted)
            progress(self.name, 0.1)
            epoch = manifest.epoch()
            outputs, batches = self._evaluate(session, manifest, epoch, identifiers, cancel)
            progress(self.name, 0.5)
            found, fetched = self._match(session, manifest, epoch, identifiers, outputs, progress, cancel)
        finally:
            if session is not self._session:
                session.close()  # a session made for this check: release its connections now
        sent = SentRecord(
            self.name,
            (
                sent_line("service.sent.manifest"),
                *([sent_line("service.sent.history", count=history)] if history else []),
                sent_line("service.sent.blinded", count=batches * manifest.batch_size),
                sent_line(
                    "service.sent.buckets", count=fetched, bits=epoch.prefix_bits, per_check=manifest.buckets_per_check
                ),
                *candidate_lines(identifiers, revealed),
            ),
        )
        return SourceResult(tuple(found), sent, expiry_notices(manifest, self._clock()))

    def covered_types(self) -> frozenset[IdentifierType]:
        """The kinds the verified manifest says the service holds (each kind it accepts when it does not say), so a
        kind the service has no data for is "not checked", never "not found"."""
        types = self.manifest.types if self.manifest is not None else None
        if types is None:
            return self.accepts
        return frozenset(IdentifierType(t) for t in types) & self.accepts

    def catalog(self) -> Catalog | None:
        """The catalog carried by the last verified manifest, reduced to plain text (None before a lookup).

        Signed by a trusted publisher, but still untrusted text: `catalog_from_json` strips markup and caps lengths.
        """
        return catalog_from_json(self.manifest.catalog) if self.manifest is not None else None

    def _get(self, session: requests.Session, path: str, max_body: int, html_key: str) -> bytes:
        body = fetch(session, "GET", self.base_url + path, max_body=max_body).body
        if looks_like_html(body):
            raise ProtocolError(html_key)
        return body

    def _first_use_keys(self) -> tuple[bytes, ...]:
        """The keys a first use may be signed by: given ones, then (unless left out) the shipped service keys and
        the publishers the person trusts for packs, the same choice of whom to believe."""
        if not self._include_app_keys:
            return self._given
        return tuple(dict.fromkeys((*self._given, *pinned_keys(), *publisher_keys.trusted_keys())))

    def _manifest(self, session: requests.Session, trusted: Sequence[bytes]) -> tuple[Manifest, int, int]:
        """The accepted manifest, the most bits any check against this service has revealed (pinned), and how many
        earlier manifests were fetched to follow a key change (each tells the service roughly when this computer
        last checked, so "What left this computer" lists them)."""
        history = 0

        def get(path: str) -> bytes:
            nonlocal history
            if path.startswith(paths.HISTORY + "/"):
                history += 1
            return self._get(session, path, 8 * 1024 * 1024, "service.error.html")

        manifest, pin = accepted_manifest(get, self.base_url, trusted, self._state, self._clock())
        self.manifest = manifest
        return manifest, pin.revealed_bits, history

    def _evaluate(
        self,
        session: requests.Session,
        manifest: Manifest,
        epoch: Epoch,
        identifiers: Sequence[Identifier],
        cancel: CancelToken,
    ) -> tuple[list[tuple[bytes, bytes]], int]:
        """Blind, send in fixed-size padded batches, verify both batch proofs, finalize.

        Returns, in order, each identifier's (matching output, bucketing output) and the number of batches.
        """
        inputs = [encode(i) for i in identifiers]
        size = manifest.batch_size
        outputs: list[tuple[bytes, bytes]] = []
        batches = 0
        for start in range(0, max(len(inputs), 1), size):
            cancel.raise_if_cancelled()
            chunk = inputs[start : start + size]
            blinded = oprf.blind(chunk, Mode.VOPRF)
            # Random points look exactly like blinded ones, so the server cannot count the real identifiers.
            padding = [sodium.point_from_hash(os.urandom(64)) for _ in range(size - len(chunk))]
            elements = [b.element for b in blinded] + padding
            body = fetch(
                session,
                "POST",
                self.base_url + EVAL_PATH,
                headers={"Content-Type": messages.CONTENT_TYPE},
                data=messages.encode_request(epoch.id, elements),
                max_body=messages.response_bytes(size),
            ).body
            if looks_like_html(body):
                raise ProtocolError("service.error.html")
            response = messages.parse_response(body, epoch.id, size)
            try:
                # Both keys are checked: a per-person matching key would tag the answers, a per-person bucketing
                # key would make the bucket fetches a tracking number.
                oprf.verify_evaluation(elements, response.elements, response.proof, epoch.public_key)
                oprf.verify_evaluation(
                    elements, response.bucketing_elements, response.bucketing_proof, manifest.bucketing_key
                )
            except oprf.OprfError:
                raise ProtocolError("service.error.bad_proof") from None
            matching = oprf.unblind_and_hash(chunk, blinded, response.elements[: len(chunk)])
            bucketing = oprf.unblind_and_hash(chunk, blinded, response.bucketing_elements[: len(chunk)])
            outputs += zip(matching, bucketing, strict=True)
            batches += 1
        return outputs, batches

    def _match(
        self,
        session: requests.Session,
        manifest: Manifest,
        epoch: Epoch,
        identifiers: Sequence[Identifier],
        outputs: Sequence[tuple[bytes, bytes]],
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> tuple[list[Exposure], int]:
        wanted: dict[int, list[tuple[int, Identifier, bytes]]] = {}
        for subject, (identifier, (matching, bucketing)) in enumerate(zip(identifiers, outputs, strict=True)):
            prefix = buckets.bucket_number(bucketing, epoch.prefix_bits)
            wanted.setdefault(prefix, []).append((subject, identifier, buckets.tag_of(matching)))
        prefixes = blocks_to_fetch(wanted, manifest.buckets_per_check)
        found: list[Exposure] = []
        for done, prefix in enumerate(prefixes, start=1):
            cancel.raise_if_cancelled()
            body = self._get(
                session,
                buckets.bucket_path(epoch.id, prefix, epoch.prefix_bits),
                # Every bucket has the signed size exactly: whoever serves the files cannot make a check read more.
                min(epoch.bucket_bytes, MAX_BUCKET_BYTES),
                "service.error.html",
            )
            parsed = buckets.parse_bucket(body, epoch, prefix)
            for subject, identifier, tag in wanted.get(prefix, []):
                indices = parsed.breaches_for(tag)
                names = tuple(dict.fromkeys(_breach_name(manifest, i) for i in indices))
                if names:
                    found.append(Exposure(identifier.type, mask(identifier), self.name, names, subject=subject))
            progress(self.name, 0.5 + 0.5 * done / len(prefixes))
        return found, len(prefixes)


def candidate_lines(identifiers: Sequence[Identifier], revealed_bits: int) -> list[SentLine]:
    """The honest limit, per type checked: how far whoever runs the service could narrow one identifier down from
    the blocks fetched, however often it is checked (`revealed_bits` is the most any check against this service has
    revealed; core/protocol/privacy.py)."""
    if revealed_bits == 0:
        return [sent_line("service.sent.candidates.all")]
    lines = []
    for kind in dict.fromkeys(i.type for i in identifiers):
        count = privacy.candidates(kind, revealed_bits)
        if count is not None:
            lines.append(sent_line(f"service.sent.candidates.{kind.value}", count=privacy.rounded(count)))
    return lines


# A service renewed on schedule (weekly, 30 days valid: docs/service-operations.md) never comes this close; one that
# does has missed about three renewals, and the person should know before it simply stops working.
EXPIRY_WARNING = timedelta(days=7)


def expiry_notices(manifest: Manifest, now: datetime) -> tuple[SentLine, ...]:
    """A plain warning when the accepted manifest runs out within EXPIRY_WARNING (the check itself is valid)."""
    left = manifest.expires_at - now
    if left >= EXPIRY_WARNING:
        return ()
    days = max(1, math.ceil(left / timedelta(days=1)))
    return (sent_line("service.notice.expires_soon", count=days),)


def _breach_name(manifest: Manifest, index: int) -> str:
    if index >= len(manifest.breach_ids):
        raise ProtocolError("service.error.bucket_invalid")
    return manifest.breach_ids[index]


def blocks_to_fetch(real: Iterable[int], per_check: int) -> list[int]:
    """Every bucket of every block that holds a real bucket, in increasing order.

    No random decoys: a decoy drawn afresh on each check would differ between two checks of the same identifier,
    and the intersection would point at the real bucket. The block is fixed by the real bucket, so every check of
    the same identifiers fetches the same list, in the same order.
    """
    fetched: set[int] = set()
    for bucket in real:
        fetched.update(privacy.block_of(bucket, per_check))
    return sorted(fetched)
