"""The reference server: `POST /v2/eval` plus static serving of the site, on the standard library's HTTP server.

For development, tests and small deployments. In production put the static part (`v2/manifest.json`,
`v2/manifests/`, `v2/epochs/...`) behind nginx or a CDN (docs/nginx.conf) and proxy only `/v2/eval` here.

The server follows the site as it changes: it re-reads the manifest when the file changes (a renewal, a new epoch,
a site folder swapped by a symlink), so publishing never needs a restart; only a new matching key does, and the
evaluator may hold an announced key before any epoch uses it (docs/service-operations.md).

Nothing about requests is logged: a bucket path is a prefix of a person's keyed identifier, and even a blinded
batch's arrival time is nobody's business. Only startup and fatal errors are reported.
"""

from __future__ import annotations

import json
import posixpath
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from exposurecheck.core.crypto import oprf
from exposurecheck.core.errors import UserError
from exposurecheck.core.protocol import messages, paths
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck.core.protocol.manifest import Manifest
from exposurecheck_server.service.ratelimit import RateLimiter
from exposurecheck_server.service.site import read_site_manifest

_TYPES = {".json": "application/json", ".bin": "application/octet-stream", ".md": "text/plain; charset=utf-8"}


@dataclass
class ServiceConfig:
    site: Path  # not resolved: a symlink swapped to a new build is followed
    keys: dict[bytes, oprf.KeyPair]  # matching keys by public key; two during a key change-over
    bucketing: oprf.KeyPair
    limiter: RateLimiter
    trust_forwarded_for: bool = False  # behind a reverse proxy: rate-limit by the address it reports
    misbehave_with: oprf.KeyPair | None = None  # tests only: answer the current epoch with this key
    _manifest: tuple[tuple[int, int, int], Manifest] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def manifest(self) -> Manifest:
        """The site's manifest, read again whenever the file changed (renewal, new epoch, swapped folder)."""
        path = self.site / paths.MANIFEST
        try:
            status = path.stat()
            stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
        except OSError:
            stamp = (0, 0, 0)
        with self._lock:
            if self._manifest is None or self._manifest[0] != stamp:
                self._manifest = (stamp, read_site_manifest(self.site))
            return self._manifest[1]

    def key_for(self, manifest: Manifest, epoch_id: int) -> oprf.KeyPair | None:
        if self.misbehave_with is not None and epoch_id == manifest.current_epoch:
            return self.misbehave_with
        for epoch in manifest.epochs:
            if epoch.id == epoch_id:
                return self.keys.get(epoch.public_key)
        return None


def make_config(
    site: Path,
    key: oprf.KeyPair | Sequence[oprf.KeyPair],
    bucketing: oprf.KeyPair,
    *,
    per_minute: float = 240,
    burst: int = 64,
    check_key: bool = True,
    trust_forwarded_for: bool = False,
) -> ServiceConfig:
    """Check the keys against the site's manifest: every matching key must be an epoch's or an announced one, and
    the bucketing key the service's. `check_key=False` exists only to let tests run a server that misbehaves by
    answering the current epoch (and the bucketing evaluation) with keys of its own."""
    manifest = read_site_manifest(site)
    pairs = [key] if isinstance(key, oprf.KeyPair) else list(key)
    known = {e.public_key for e in manifest.epochs} | set(manifest.announced_oprf_keys)
    if check_key and (bucketing.public != manifest.bucketing_key or any(p.public not in known for p in pairs)):
        raise UserError("service.admin.key_mismatch")
    misbehave = None if check_key or pairs[0].public in known else pairs[0]
    return ServiceConfig(
        site=site,
        keys={pair.public: pair for pair in pairs},
        bucketing=bucketing,
        limiter=RateLimiter(per_minute, burst),
        trust_forwarded_for=trust_forwarded_for,
        misbehave_with=misbehave,
    )


class _Handler(BaseHTTPRequestHandler):
    server_version = "ExposureCheckService/2"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's delayed ACK (~40 ms
    # per request on Linux loopback), which made a check take ten times longer.
    disable_nagle_algorithm = True
    # A connection that sends nothing must not hold a thread forever (slow-client exhaustion).
    timeout = 30
    config: ServiceConfig  # set on the subclass made per server

    def log_message(self, format: str, *args: object) -> None:
        pass  # see the module docstring: requests are never logged

    def _reply(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, code: str, extra: dict[str, str] | None = None) -> None:
        body = json.dumps({"error": code}).encode()
        self._reply(status, body, "application/json", {"Cache-Control": "no-store", **(extra or {})})

    def _take_body(self, limit: int) -> bytes | None:
        """Read the request body whole, or decide not to and close the connection after the answer.

        Every request is either read to its end or ends its connection: a body left unread on a keep-alive
        connection would be parsed as the next request (request desync). A body is left unread when it is larger
        than `limit`, has no Content-Length or uses chunked transfer encoding (which this server does not speak).
        """
        length_header = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") is not None or (length_header is None and self.command == "POST"):
            self.close_connection = True
            return None
        if length_header is None:
            return b""
        if not length_header.isdigit() or int(length_header) > limit:
            self.close_connection = True
            return None
        length = int(length_header)
        body = self.rfile.read(length) if length else b""
        if len(body) != length:  # the client hung up mid-body
            self.close_connection = True
            return None
        return body

    def do_POST(self) -> None:
        body = self._take_body(messages.MAX_REQUEST_BYTES)
        if self.path.split("?", 1)[0] != "/" + paths.EVAL:
            self._error(404, "not_found")
            return
        if body is None:
            length_header = self.headers.get("Content-Length", "")
            if length_header.isdigit() and self.headers.get("Transfer-Encoding") is None:
                self._error(413, "too_large")
            else:
                self._error(411, "length_required")
            return
        config = self.config
        try:
            manifest = config.manifest()
        except UserError:
            self._error(503, "site_unavailable")  # the site is being replaced or is broken: try again shortly
            return
        # Charged before anything else, malformed requests included: every request costs the same whatever it holds.
        wait = config.limiter.take(self._client(), manifest.batch_size)
        if wait is not None:
            self._error(429, "rate_limited", {"Retry-After": str(wait)})
            return
        try:
            request = messages.parse_request(body)
        except ProtocolError:
            self._error(400, "bad_request")
            return
        key = config.key_for(manifest, request.epoch)
        if key is None:
            self._error(404, "unknown_epoch")
            return
        if len(request.elements) != manifest.batch_size:
            self._error(400, "wrong_batch_size")  # every request must look the same
            return
        try:
            evaluated, proof = oprf.blind_evaluate_verifiable(key, request.elements)
            bucketing = config.misbehave_with or config.bucketing
            by_bucketing, bucketing_proof = oprf.blind_evaluate_verifiable(bucketing, request.elements)
        except oprf.OprfError:
            self._error(400, "bad_element")
            return
        answer = messages.encode_response(request.epoch, evaluated, proof, by_bucketing, bucketing_proof)
        self._reply(200, answer, messages.CONTENT_TYPE, {"Cache-Control": "no-store"})

    def _client(self) -> str:
        if self.config.trust_forwarded_for:
            # The proxy sets the header to the address it saw; the last entry is the one it added.
            forwarded = self.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            if forwarded:
                return forwarded
        return str(self.client_address[0])

    def do_GET(self) -> None:
        self._take_body(0)  # a GET has no body; one that brings one is answered, then its connection closed
        path = self._static_path()
        if path is None:
            self._error(404, "not_found")
            return
        data = path.read_bytes()
        immutable = "/epochs/" in self.path or "/manifests/" in self.path  # content never changes under a name
        cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
        self._reply(200, data, _TYPES.get(path.suffix, "application/octet-stream"), {"Cache-Control": cache})

    do_HEAD = do_GET

    def _static_path(self) -> Path | None:
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        clean = posixpath.normpath(raw)
        legacy = clean == "/" + paths.LEGACY_MANIFEST
        if not (clean.startswith("/" + paths.ROOT) or legacy) or ".." in clean.split("/") or "\\" in clean:
            return None
        root = self.config.site.resolve()
        candidate = (root / clean.lstrip("/")).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return None
        return candidate


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # The default prints a traceback per dropped connection; a client hanging up is normal, and anything else is
        # reported by type only (never with request details).
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            sys.stderr.write(f"service: request failed ({type(error).__name__})\n")


class ServiceServer:
    """A running server bound to host:port (port 0 picks a free one); `url` ends with a slash."""

    def __init__(self, config: ServiceConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        handler = type("Handler", (_Handler,), {"config": config})
        self.httpd = _QuietServer((host, port), handler)
        bound_host, bound_port = self.httpd.server_address[:2]
        self.host, self.port = str(bound_host), int(bound_port)
        self.url = f"http://{self.host}:{self.port}/"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, daemon=True, name="service-server")
        thread.start()
        return thread

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
