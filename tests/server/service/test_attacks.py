"""The attacks of issue 19 on the lookup protocol, replayed against real servers on 127.0.0.1, and refused.

Each test plays an operator who holds the site, the evaluator and the signing key and misbehaves the way the review
described: re-checks and a key change to narrow a bucket down, weak parameters, an unannounced key, a forked history,
a second encoding of a point. The client must either learn nothing new for the operator or refuse before it sends
anything that depends on the person's details.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.crypto import dleq, oprf, sodium
from exposurecheck.core.crypto.group import GENERATOR, Mode
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol import messages
from exposurecheck.core.protocol.canonical import canonical_json
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck_server.keys import load_signing_key
from exposurecheck_server.service import site as sites
from exposurecheck_server.service.renew import Renewal, renew
from tests.server.service.site_helpers import Keys, build, make_keys, planted_identifiers, serve_process
from tests.server.service.test_recording_proxy import Recording, recording_proxy
from tests.support.loopback import Reply, loopback_server


def check(url: str, keys: Keys, state: Path, identifiers: list[Identifier], *trusted: bytes) -> int:
    """One check as the app makes it; returns how many exposures it found."""
    source = ServiceSource(url, [keys.publisher_raw, *trusted], state=PinStore(state))
    return len(source.lookup(identifiers, lambda _n, _f: None, CancelToken()).exposures)


def swap(link: Path, target: Path) -> None:
    """Point the served folder at another build, as an operator does with `ln -sfn`."""
    temporary = link.with_name(link.name + ".new")
    temporary.symlink_to(target)
    os.replace(temporary, link)


def forge(site: Path, signer: Ed25519PrivateKey, **changes: Any) -> None:
    """Publish, as the current manifest of `site`, the next manifest with `changes`, signed without any of the
    tools' checks: what an operator holding the signing key can always do."""
    current = sites.read_site_manifest(site)
    payload = sites.read_site_payload(site)
    payload.update(sequence=current.sequence + 1, previous=current.digest.hex())
    payload.update(changes)
    body = canonical_json(payload)
    sites.publish(site, manifests.envelope_for(body, manifests.sign_payload(body, [signer])))


@contextmanager
def served(link: Path, keys: Keys, *extra: str) -> Iterator[tuple[str, Recording]]:
    """A real `service serve` process behind a recording proxy (the operator's view of every request)."""
    with serve_process(link, keys, *extra) as url, recording_proxy(url) as (proxy_url, recording):
        yield proxy_url, recording


def test_rechecks_and_a_matching_key_change_show_the_operator_the_same_buckets(tmp_path: Path) -> None:
    # The attack: with fresh random decoys, two checks of one identifier intersect at its bucket; with the bucket
    # taken from the matching key, a check before and one after a key change give two independent buckets, which
    # left about one candidate phone number. Now every check fetches the same block, whatever the key.
    keys = make_keys(tmp_path / "keys")
    signer = load_signing_key(keys.signing_key)
    first_site = build(keys, tmp_path / "site-1", prefix_bits=10, sequence=100, filler=300)
    live = tmp_path / "live"
    live.symlink_to(first_site)
    phone = planted_identifiers()[:1]
    seen: list[list[int]] = []
    with served(live, keys) as (url, recording):
        for _ in range(2):  # the same session store, checked twice ("saved check -> re-check")
            recording.requests.clear()
            assert check(url, keys, tmp_path / "state", phone) == 1
            seen.append(recording.bucket_numbers())
        # The routine rotation, as docs/service-operations.md runs it: announce, restart the evaluator with both
        # keys behind the same address, build the new epoch, swap the folder.
        new_keys = dataclasses.replace(keys, oprf_key=make_keys(tmp_path / "next", keys.bucketing_key).oprf_key)
        renew(first_site, Renewal(announce_oprf_keys=[new_keys.oprf().public], sequence=150), [signer])
        with serve_process(live, keys, "--oprf-key", str(new_keys.oprf_key)) as restarted:
            recording.upstream = restarted
            second_site = build(new_keys, tmp_path / "site-2", prefix_bits=10, sequence=200, previous_site=first_site)
            swap(live, second_site)
            for state in ("state", "another-installation"):  # the pinned client, and a first use
                recording.requests.clear()
                source = ServiceSource(url, [keys.publisher_raw], state=PinStore(tmp_path / state))
                result = source.lookup(phone, lambda _n, _f: None, CancelToken())
                assert len(result.exposures) == 1
                seen.append(recording.bucket_numbers())
                # The pinned client followed the announced key through the history, and says so on "What left
                # this computer" (one earlier manifest: the renewal that announced it); a first use walks nothing.
                history = [r for r in recording.requests if "/v2/manifests/" in r[1]]
                said = [
                    dict(line.params).get("count") for line in result.sent.items if line.key == "service.sent.history"
                ]
                assert said == ([str(len(history))] if state == "state" else []) and len(history) == (state == "state")
                assert all("/epochs/2/" in r[1] for r in recording.requests if "/buckets/" in r[1])
    assert seen[0] == seen[1] == seen[2] == seen[3]  # not one bucket number more for the operator to intersect
    assert len(seen[0]) == 8 and seen[0] == list(range(seen[0][0], seen[0][0] + 8)) and seen[0][0] % 8 == 0


@pytest.mark.parametrize(
    "weak",
    [{"batch_size": 1}, {"buckets_per_check": 1}, {"buckets_per_check": 2}, "prefix_bits_24", "prefix_bits_21"],
)
def test_a_signed_manifest_with_weak_parameters_is_refused_before_anything_is_sent(
    tmp_path: Path, weak: dict[str, int] | str
) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=10, filler=20)
    changes: dict[str, Any] = weak if isinstance(weak, dict) else {}
    if isinstance(weak, str):
        bits = int(weak.rsplit("_", 1)[1])
        epoch = dict(sites.read_site_payload(site)["epochs"][0], prefix_bits=bits, bucket_count=1 << bits)
        changes = {"epochs": [epoch]}
    forge(site, load_signing_key(keys.signing_key), **changes)
    with served(site, keys) as (url, recording), pytest.raises(UserError) as caught:
        check(url, keys, tmp_path / "state", planted_identifiers())
    assert caught.value.key == "service.error.weak_parameters"
    assert [(r[0], r[1]) for r in recording.requests] == [("GET", "/v2/manifest.json")]
    assert not (tmp_path / "state" / "service-pins.json").exists()  # nothing pinned from a refused manifest


@pytest.mark.parametrize("change", ["oprf_key", "publisher_key", "bucketing_key", "bucketing_key_announced"])
def test_an_unannounced_key_change_is_refused_before_anything_is_sent(tmp_path: Path, change: str) -> None:
    keys = make_keys(tmp_path / "keys")
    signer = load_signing_key(keys.signing_key)
    site = build(keys, tmp_path / "site", sequence=10, filler=20)
    live = tmp_path / "live"
    live.symlink_to(site)
    rogue = make_keys(tmp_path / "rogue")
    trusted_too = rogue.publisher_raw  # even a key the person also trusts cannot replace the pinned one unannounced
    with served(live, keys) as (url, recording):
        assert check(url, keys, tmp_path / "state", planted_identifiers(), trusted_too) == 4  # pinned on first use
        changed = tmp_path / "changed"
        build(keys, changed, sequence=11, filler=20, previous_site=site)
        payload = sites.read_site_payload(changed)
        epochs = payload["epochs"]
        if change == "oprf_key":
            forge(changed, signer, epochs=[dict(epochs[0], public_key=rogue.oprf().public.hex()), *epochs[1:]])
        elif change == "publisher_key":
            rogue_signer = load_signing_key(rogue.signing_key)
            forge(changed, rogue_signer, publisher_keys=[rogue.publisher_raw.hex()])
        else:
            announced = {"publisher_keys": [], "oprf_keys": [rogue.bucketing().public.hex()]}
            if change == "bucketing_key_announced":
                forge(changed, signer, announced=announced)
            forge(changed, signer, bucketing_key=rogue.bucketing().public.hex())
        swap(live, changed)
        recording.requests.clear()
        with pytest.raises(UserError) as caught:
            check(url, keys, tmp_path / "state", planted_identifiers(), trusted_too)
    assert caught.value.key == "service.error.key_change"
    assert "without announcing" in caught.value.message("en") and "公告" in caught.value.message("zh_CN")
    # Only manifests were fetched: no blinded value, no bucket number left the computer.
    assert {r[0] for r in recording.requests} == {"GET"}
    assert all("/manifest" in r[1] for r in recording.requests)


@pytest.mark.parametrize("branch", ["same_sequence", "announced_on_a_branch"])
def test_a_forked_history_is_refused(tmp_path: Path, branch: str) -> None:
    # The operator shows this client a history that does not contain the manifest it pinned: either another
    # manifest under the pinned sequence number, or a branch from an older manifest that announces and then uses a
    # new key (which would pass if the client did not check that the announcement is in its own history).
    keys = make_keys(tmp_path / "keys")
    signer = load_signing_key(keys.signing_key)
    site = build(keys, tmp_path / "site", sequence=10, filler=20)
    fork = tmp_path / "fork"
    shutil.copytree(site, fork)  # the site as it was at sequence 10
    live = tmp_path / "live"
    live.symlink_to(site)
    with served(live, keys) as (url, recording):
        renew(site, Renewal(sequence=20), [signer])
        assert check(url, keys, tmp_path / "state", planted_identifiers()) == 4  # pinned at sequence 20
        if branch == "same_sequence":
            renew(fork, Renewal(sequence=20, valid_days=29), [signer])
            shown = fork
        else:
            new_keys = dataclasses.replace(keys, oprf_key=make_keys(tmp_path / "next", keys.bucketing_key).oprf_key)
            renew(fork, Renewal(sequence=25, announce_oprf_keys=[new_keys.oprf().public]), [signer])
            shown = build(new_keys, tmp_path / "fork-2", sequence=30, filler=20, previous_site=fork)
        swap(live, shown)
        recording.requests.clear()
        with pytest.raises(UserError) as caught:
            check(url, keys, tmp_path / "state", planted_identifiers())
    assert caught.value.key == "service.error.forked"
    assert {r[0] for r in recording.requests} == {"GET"}
    assert all("/manifest" in r[1] for r in recording.requests)


def test_a_second_encoding_of_a_point_is_refused_by_the_server(tmp_path: Path) -> None:
    import http.client

    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=10, filler=5)
    points = [sodium.point_from_hash(os.urandom(64)) for _ in range(8)]
    high = [p[:31] + bytes([p[31] | 0x80]) for p in points]  # the same points with bit 255 set
    with serve_process(site, keys) as url:
        host, port = url.removeprefix("http://").split(":")
        statuses = []
        for elements in (points, high):
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request("POST", "/v2/eval", body=messages.encode_request(1, elements))
            answer = connection.getresponse()
            statuses.append((answer.status, answer.read()))
            connection.close()
    assert statuses[0][0] == 200
    assert statuses[1] == (400, b'{"error": "bad_element"}')


@pytest.mark.parametrize("which", ["matching", "bucketing"])
def test_a_second_encoding_of_a_point_is_refused_by_the_client(tmp_path: Path, which: str) -> None:
    # A server that answers with the right points in a second encoding (bit 255 set) could tell this client apart
    # from one that normalises encodings; RFC 9496 says such bytes are not a point at all. The hostile server also
    # proves its answer over the bytes it sends (the batch proof hashes the encodings, so a proof made over the
    # canonical ones would fail anyway and hide whether the client checks encodings). With libsodium 1.0.18, which
    # ignores bit 255, only the client's own canonical check refuses this answer.
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=10, filler=5)

    def answer(key: oprf.KeyPair, elements: tuple[bytes, ...], reencode: bool) -> tuple[list[bytes], bytes]:
        evaluated = oprf.blind_evaluate(key.secret, elements)
        if reencode:
            evaluated = [e[:31] + bytes([e[31] | 0x80]) for e in evaluated]
        return evaluated, dleq.generate_proof(key.secret, GENERATOR, key.public, elements, evaluated, Mode.VOPRF)

    def evaluate(_path: str, _headers: dict[str, str], body: bytes) -> Reply:
        request = messages.parse_request(body)
        matching, proof = answer(keys.oprf(), request.elements, which == "matching")
        bucketing, bucketing_proof = answer(keys.bucketing(), request.elements, which == "bucketing")
        return Reply(200, messages.encode_response(request.epoch, matching, proof, bucketing, bucketing_proof))

    def static(path: str, _headers: dict[str, str], _body: bytes) -> Reply:
        file = site / path.lstrip("/")
        return Reply(200, file.read_bytes()) if file.is_file() else Reply(404, b"")

    with loopback_server() as server:
        server.set("/v2/eval", evaluate)
        server.set("/v2/", static)
        with pytest.raises(UserError) as caught:
            check(server.url, keys, tmp_path / "state", planted_identifiers())
        assert not any("/buckets/" in r[1] for r in server.requests)
    assert caught.value.key == "service.error.bad_proof"


def test_a_bucket_host_cannot_make_a_check_read_more_than_the_signed_bucket_size(tmp_path: Path) -> None:
    # Whoever serves the static files (a CDN) is not trusted with anything: a bucket answer bigger than the size the
    # signed manifest gives every bucket is refused from its declared length, before its body is read (it was read
    # up to 64 MB per bucket, eight buckets per identifier, and only then found to be the wrong size).
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=10, filler=5)
    bucket_bytes = sites.read_site_manifest(site).epoch().bucket_bytes

    def evaluate(_path: str, _headers: dict[str, str], body: bytes) -> Reply:
        request = messages.parse_request(body)
        matching, proof = oprf.blind_evaluate_verifiable(keys.oprf(), request.elements)
        bucketing, bucketing_proof = oprf.blind_evaluate_verifiable(keys.bucketing(), request.elements)
        return Reply(200, messages.encode_response(request.epoch, matching, proof, bucketing, bucketing_proof))

    def static(path: str, _headers: dict[str, str], _body: bytes) -> Reply:
        file = site / path.lstrip("/")
        if not file.is_file():
            return Reply(404, b"")
        padding = bytes(32 << 20) if "/buckets/" in path else b""
        return Reply(200, file.read_bytes() + padding)

    with loopback_server() as server:
        server.set("/v2/eval", evaluate)
        server.set("/v2/", static)
        with pytest.raises(UserError) as caught:
            check(server.url, keys, tmp_path / "state", planted_identifiers()[:1])
        fetched = [r[1] for r in server.requests if "/buckets/" in r[1]]
    assert caught.value.key == "http.too_large"
    assert len(fetched) == 1  # the first oversized bucket ended the check
    assert bucket_bytes < 1 << 20


def test_a_version_1_site_is_named_as_outdated(tmp_path: Path) -> None:
    old = canonical_json({"format": manifests.ENVELOPE_FORMAT, "version": 1, "payload": "", "signatures": []})
    with loopback_server() as server:
        server.set("/v1/manifest.json", Reply(200, old))
        with pytest.raises(UserError) as caught:
            check(server.url, make_keys(tmp_path / "keys"), tmp_path / "state", planted_identifiers())
    assert caught.value.key == "service.error.old_protocol"
    assert "older protocol" in caught.value.message("en")
