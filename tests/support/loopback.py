"""A real HTTP server on 127.0.0.1 whose answers a test scripts route by route."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (for timeout tests)


Route = Callable[[str, dict[str, str], bytes], Reply]


@dataclass
class Loopback:
    url: str
    requests: list[tuple[str, str, dict[str, str], bytes]]
    routes: dict[str, Route]

    def set(self, path_prefix: str, route: Route | Reply) -> None:
        self.routes[path_prefix] = route if callable(route) else (lambda _p, _h, _b, r=route: r)


@contextmanager
def loopback_server(tls: ssl.SSLContext | None = None) -> Iterator[Loopback]:
    """`tls`: a server-side context to answer https (tests trust its certificate through REQUESTS_CA_BUNDLE)."""
    state = Loopback(url="", requests=[], routes={})

    class Handler(BaseHTTPRequestHandler):
        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            state.requests.append((method, self.path, headers, body))
            route = next((r for prefix, r in state.routes.items() if self.path.startswith(prefix)), None)
            reply = route(self.path, headers, body) if route else Reply(404, b"not found")
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
