"""A hostile HTTP server on 127.0.0.1 that drips its answer one byte at a time, so no read ever times out.

It records when each connection was opened and when the client went away, so a test can prove the network work
really ended (not just that the caller stopped waiting). Every connection stops by itself after `give_up` seconds.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n"


@dataclass
class Drip:
    url: str
    opened: list[float] = field(default_factory=list)
    closed: list[float] = field(default_factory=list)  # when the client hung up, per connection

    def wait_closed(self, count: int, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(self.closed) >= count:
                return True
            time.sleep(0.05)
        return len(self.closed) >= count


@contextmanager
def drip_server(*, every: float = 1.0, headers_first: bool = True, give_up: float = 60.0) -> Iterator[Drip]:
    """`headers_first`: send the status line and headers at once, then drip the body; otherwise drip from the first
    byte of the status line."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    state = Drip(url=f"http://127.0.0.1:{listener.getsockname()[1]}")
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        state.opened.append(time.monotonic())
        started = time.monotonic()
        try:
            conn.settimeout(2)
            conn.recv(65536)  # the request
            pending = b"" if headers_first else HEADERS
            if headers_first:
                conn.sendall(HEADERS)
            while not stop.is_set() and time.monotonic() - started < give_up:
                conn.sendall(pending[:1] or b"x")
                pending = pending[1:]
                # Wait, but notice at once if the client hangs up (the socket becomes readable with nothing).
                conn.settimeout(every)
                try:
                    if conn.recv(1) == b"":
                        break
                except TimeoutError:
                    continue
        except OSError:
            pass
        finally:
            state.closed.append(time.monotonic())
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()
