"""A recording proxy between client and server: what crosses the wire never carries an identifier in any form,
and every bucket answer has the same size."""

from __future__ import annotations

import hashlib
import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from exposurecheck.core.identifiers import encode, normalize
from exposurecheck.core.sources.base import CancelToken
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import PinStore
from tests.server.service.site_helpers import NOT_PLANTED, PLANTED, Keys, build, make_keys, serve_process


@dataclass
class Recording:
    upstream: str  # may be changed while the proxy runs (a restarted server), like a reverse proxy's backend
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    responses: list[tuple[str, int, int]] = field(default_factory=list)  # path, status, body length

    def bucket_numbers(self) -> list[int]:
        """The bucket numbers fetched, in order: what whoever runs the bucket host sees."""
        return [
            int(p.rsplit("/", 1)[1].removesuffix(".bin"), 16) for _m, p, _h, _b in self.requests if "/buckets/" in p
        ]


@contextmanager
def recording_proxy(upstream: str) -> Iterator[tuple[str, Recording]]:
    """A reverse proxy on 127.0.0.1 that records every request and the size of every answer."""
    recording = Recording(upstream)

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            recording.requests.append((self.command, self.path, headers, body))
            target = urlsplit(recording.upstream)
            connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
            forward = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection")}
            connection.request(self.command, self.path, body=body or None, headers=forward)
            answer = connection.getresponse()
            data = answer.read()
            connection.close()
            recording.responses.append((self.path, answer.status, len(data)))
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}", recording
    finally:
        proxy.shutdown()
        proxy.server_close()


def forbidden_forms(raw: str, canonical: str, encoded: bytes) -> list[bytes]:
    """Every way an identifier could leak: as typed, canonical, encoded, and plain hashes of each, hex and raw."""
    texts = {raw, canonical, canonical.lstrip("+"), raw.replace(" ", "")}
    forms: list[bytes] = []
    for value in [t.encode() for t in texts] + [encoded]:
        forms.append(value)
        for algorithm in ("sha1", "sha256"):
            digest = hashlib.new(algorithm, value)
            forms += [digest.digest(), digest.hexdigest().encode(), digest.hexdigest().upper().encode()]
    return forms


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Keys, str]]:
    keys = make_keys(tmp_path_factory.mktemp("keys"))
    site = build(keys, tmp_path_factory.mktemp("site") / "site")
    with serve_process(site, keys) as url:
        yield keys, url


@pytest.mark.parametrize("how_many", [1, 3, 6])
def test_wire_carries_no_identifier_and_fixed_sizes(served: tuple[Keys, str], tmp_path: Path, how_many: int) -> None:
    keys, url = served
    chosen = (PLANTED + NOT_PLANTED)[:how_many]
    identifiers = [normalize(kind, raw) for kind, raw in chosen]
    with recording_proxy(url) as (proxy_url, recording):
        source = ServiceSource(proxy_url, [keys.publisher_raw], state=PinStore(tmp_path))
        source.lookup(identifiers, lambda _n, _f: None, CancelToken())

    forbidden = [
        form
        for (_kind, raw), identifier in zip(chosen, identifiers, strict=True)
        for form in forbidden_forms(raw, identifier.canonical, encode(identifier))
    ]
    for method, path, headers, body in recording.requests:
        wire = method.encode() + path.encode() + repr(sorted(headers.items())).encode() + body
        for form in forbidden:
            assert form not in wire, f"an identifier form leaked in a {method} request"

    evals = [r for r in recording.requests if r[0] == "POST"]
    assert len(evals) == 1  # one padded batch, whatever the number of identifiers (up to the batch size)
    assert len(evals[0][3]) == 12 + 8 * 32
    bucket_answers = [(p, status, size) for p, status, size in recording.responses if "/buckets/" in p]
    numbers = [int(p.rsplit("/", 1)[1].removesuffix(".bin"), 16) for p, _s, _n in bucket_answers]
    blocks = {n // 8 for n in numbers}
    assert 1 <= len(blocks) <= how_many  # one whole block per identifier (two may share one)
    assert sorted(numbers) == numbers == [b * 8 + i for b in sorted(blocks) for i in range(8)]  # whole, in order
    assert {status for _p, status, _n in bucket_answers} == {200}
    assert len({size for _p, _s, size in bucket_answers}) == 1  # every bucket answer has the same size
    assert [r[1] for r in recording.requests if r[0] == "GET" and "/buckets/" not in r[1]] == ["/v2/manifest.json"]
