"""The reference server: `POST /v1/eval` plus static serving of the site, on the standard library's HTTP server.

For development, tests and small deployments. In production put the static part (`v1/manifest.json`,
`v1/catalog.json`, `v1/epochs/...`) behind nginx or a CDN (docs/nginx.conf) and proxy only `/v1/eval` here.

Nothing about requests is logged: a bucket path is a prefix of a person's keyed identifier, and even a blinded
batch's arrival time is nobody's business. Only startup and fatal errors are reported.
"""

from __future__ import annotations

import json
import posixpath
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from exposurecheck.core.crypto import oprf
from exposurecheck.core.errors import UserError
from exposurecheck.core.protocol import messages
from exposurecheck.core.protocol.errors import ProtocolError
from exposurecheck_server.service.ratelimit import RateLimiter
from exposurecheck_server.service.site import read_site_manifest

_TYPES = {".json": "application/json", ".bin": "application/octet-stream", ".md": "text/plain; charset=utf-8"}


@dataclass
class ServiceConfig:
    site: Path
    keys: dict[int, oprf.KeyPair]  # epoch id -> key; two during a key change-over
    batch_size: int
    limiter: RateLimiter
    trust_forwarded_for: bool = False  # behind a reverse proxy: rate-limit by the address it reports


def make_config(
    site: Path,
    key: oprf.KeyPair | Sequence[oprf.KeyPair],
    *,
    per_minute: float = 240,
    burst: int = 64,
    check_key: bool = True,
    trust_forwarded_for: bool = False,
) -> ServiceConfig:
    """Match each key to its epoch in the site's manifest. `check_key=False` exists only to let tests run a server
    that misbehaves by answering the current epoch with another key."""
    manifest = read_site_manifest(site)
    keys: dict[int, oprf.KeyPair] = {}
    for pair in [key] if isinstance(key, oprf.KeyPair) else key:
        matching = [e.id for e in manifest.epochs if e.public_key == pair.public]
        if matching:
            keys[matching[0]] = pair
        elif check_key:
            raise UserError("service.admin.key_mismatch")
        else:
            keys[manifest.current_epoch] = pair
    limiter = RateLimiter(per_minute, burst)
    return ServiceConfig(site.resolve(), keys, manifest.batch_size, limiter, trust_forwarded_for)


class _Handler(BaseHTTPRequestHandler):
    server_version = "ExposureCheckService/1"
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
        if self.path.split("?", 1)[0] != "/v1/eval":
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
        # Charged before anything else, malformed requests included: every request costs the same whatever it holds.
        wait = config.limiter.take(self._client(), config.batch_size)
        if wait is not None:
            self._error(429, "rate_limited", {"Retry-After": str(wait)})
            return
        try:
            request = messages.parse_request(body)
        except ProtocolError:
            self._error(400, "bad_request")
            return
        key = config.keys.get(request.epoch)
        if key is None:
            self._error(404, "unknown_epoch")
            return
        if len(request.elements) != config.batch_size:
            self._error(400, "wrong_batch_size")  # every request must look the same
            return
        try:
            evaluated, proof = oprf.blind_evaluate_verifiable(key, request.elements)
        except oprf.OprfError:
            self._error(400, "bad_element")
            return
        answer = messages.encode_response(request.epoch, evaluated, proof)
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
        immutable = "/epochs/" in self.path
        cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
        self._reply(200, data, _TYPES.get(path.suffix, "application/octet-stream"), {"Cache-Control": cache})

    do_HEAD = do_GET

    def _static_path(self) -> Path | None:
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        clean = posixpath.normpath(raw)
        if not clean.startswith("/v1/") or ".." in clean.split("/") or "\\" in clean:
            return None
        candidate = (self.config.site / clean.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.config.site) or not candidate.is_file():
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
