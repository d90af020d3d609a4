"""A hostile history costs the client little memory (issue 19.5: every hostile input bounded).

When the current manifest uses a key the pin does not know, the client walks `previous` back through
`v2/manifests/` (up to 200 steps of up to 8 MB each) before it believes any of it. Whoever serves the static
files (the CDN of docs/protocol.md section 7, which "cannot change" anything) can answer that walk with a long chain
of large manifests signed with a key of their own. The client used to hold every one of them until the end of the
walk: 200 x 8 MB. It now keeps only what the forward check needs of each step, so memory stays near one manifest
whatever the chain. A manifest signed by none of the keys it lists ends the walk at once.

The server is real (127.0.0.1); the client runs in its own process so its peak memory can be measured.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exposurecheck.core.crypto import oprf
from exposurecheck.core.errors import UserError
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol import messages
from exposurecheck.core.protocol.canonical import canonical_json
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck_server.service import site as sites
from tests.conftest import PYTHONPATH
from tests.server.service.site_helpers import build, make_keys, planted_identifiers
from tests.support.loopback import Reply, loopback_server

STEPS = 40
PADDING = 4 * 1024 * 1024  # per manifest: 40 of them are 160 MB of payload

_CHILD = """
import json, resource, sys
from exposurecheck.core.errors import UserError
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from tests.server.service.site_helpers import planted_identifiers
source = ServiceSource(sys.argv[1], state=PinStore(__import__("pathlib").Path(sys.argv[2])), include_pinned=False)
identifiers = planted_identifiers()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    source.lookup(identifiers, lambda *_: None, CancelToken())
    key = None
except UserError as exc:
    key = exc.key
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"key": key, "grew_kb": after - before}))
"""


STRANGER = Ed25519PrivateKey.generate()  # whoever serves the files, signing with a key of their own


def _envelope(payload: dict, *, signed: bool = True) -> bytes:
    body = canonical_json(payload)
    if signed:
        return manifests.envelope_for(body, manifests.sign_payload(body, [STRANGER]))
    payload_text = base64.b64encode(body).decode()
    envelope = {"format": manifests.ENVELOPE_FORMAT, "version": 2, "payload": payload_text, "signatures": []}
    return json.dumps(envelope).encode()


def test_a_long_chain_of_large_unsigned_manifests_is_refused_with_little_memory(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", sequence=10, filler=20)
    pinned = sites.read_site_payload(site)
    state = tmp_path / "state"

    def static(path: str, _headers: dict[str, str], _body: bytes) -> Reply:
        file = site / path.lstrip("/")
        return Reply(200, file.read_bytes()) if file.is_file() else Reply(404, b"")

    # The hostile history, newest first: each names the next as its predecessor, each is signed by the stranger's
    # key it lists, and the oldest names a manifest that does not exist. Made again on each request, so this test
    # process stays small too.
    stranger = STRANGER.public_key().public_bytes_raw().hex()

    def hostile(step: int, previous: str) -> dict:
        return dict(pinned, sequence=1000 - step, previous=previous, catalog="x" * PADDING, publisher_keys=[stranger])

    digests: list[str] = []
    missing = os.urandom(32).hex()  # what the oldest one names: a manifest that was never published
    previous = missing
    for step in reversed(range(STEPS)):
        digests.insert(0, manifests.payload_digest(canonical_json(hostile(step, previous))).hex())
        previous = digests[0]
    by_name = {f"/v2/manifests/{digests[i]}.json": i for i in range(1, STEPS)}

    def history(path: str, _headers: dict[str, str], _body: bytes) -> Reply:
        step = by_name.get(path)
        if step is None:
            return Reply(404, b"")
        older = digests[step + 1] if step + 1 < STEPS else missing
        return Reply(200, _envelope(hostile(step, older)))

    def evaluate(_path: str, _headers: dict[str, str], body: bytes) -> Reply:
        request = messages.parse_request(body)
        matching, proof = oprf.blind_evaluate_verifiable(keys.oprf(), request.elements)
        bucketing, bucketing_proof = oprf.blind_evaluate_verifiable(keys.bucketing(), request.elements)
        return Reply(200, messages.encode_response(request.epoch, matching, proof, bucketing, bucketing_proof))

    with loopback_server() as server:
        server.set("/v2/eval", evaluate)
        server.set("/v2/", static)
        source = ServiceSource(server.url, [keys.publisher_raw], state=PinStore(state))
        found = source.lookup(planted_identifiers(), lambda *_: None, CancelToken()).exposures
        assert len(found) == 4  # an honest first check: the service is pinned at sequence 10
        server.routes.clear()  # from now on the files are the hostile host's
        server.set("/v2/manifest.json", Reply(200, _envelope(hostile(0, digests[1]))))
        server.set("/v2/manifests/", history)
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, server.url, str(state)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONPATH": os.pathsep.join([PYTHONPATH, str(Path(__file__).parents[3])])},
        )
        walked = sum(1 for _m, path, _h, _b in server.requests if path.startswith("/v2/manifests/"))

        # An unsigned manifest is no step of any history: refused before a single history request.
        server.requests.clear()
        server.set("/v2/manifest.json", Reply(200, _envelope(hostile(0, digests[1]), signed=False)))
        refused = None
        try:
            ServiceSource(server.url, state=PinStore(state), include_pinned=False).lookup(
                planted_identifiers(), lambda *_: None, CancelToken()
            )
        except UserError as exc:
            refused = exc.key
        asked_history = [path for _m, path, _h, _b in server.requests if path.startswith("/v2/manifests/")]
    assert refused == "service.error.key_change"
    assert asked_history == []
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert walked == STEPS  # the client walked the whole hostile chain, and asked for the missing one at its end
    assert outcome["key"] == "service.error.key_change"  # the history that would show an announcement is missing
    assert outcome["grew_kb"] < 32 * 1024, outcome  # it held every manifest before: its peak grew by about 100 MB
