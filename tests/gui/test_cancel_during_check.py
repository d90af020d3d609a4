"""Pressing Stop while a hostile server drips its answer ends the network work at once (issue 19.5).

The window is real (offscreen); Pwned Passwords points at a server on 127.0.0.1 that sends one byte a second, so no
read ever times out by itself. Before, Stop only stopped the window from waiting: the connection, and the thread
holding the typed password, lived on for as long as the server kept dripping. The test proves the server saw the
connection close within seconds of the press and that the check's thread is gone. Closing the window mid-check is
tests/gui/test_close_during_check.py (a separate process, since it ends the app).
"""

from __future__ import annotations

import time

from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from tests.gui.conftest import type_password_and_ask
from tests.support.drip import drip_server


def test_stop_ends_the_connection_to_a_dripping_server_within_seconds(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]  # pytest-qt's untyped fixtures
    with drip_server(every=1.0, give_up=120) as server:
        window = make_window(lambda _training: [PwnedPasswordsSource(server.url)])
        type_password_and_ask(qtbot, window, "stop-canary-password")
        window.consent.accept_button.click()
        qtbot.waitUntil(lambda: len(server.opened) == 1, timeout=10_000)
        time.sleep(1.5)  # the body is dripping: the read is blocked inside the socket
        assert window.busy and window.current_page() is window.checking
        assert server.closed == []

        pressed = time.monotonic()
        window.checking.cancel_button.click()
        assert window.current_page() is window.details and not window.busy
        assert server.wait_closed(1, timeout=5), "the connection outlived the Stop button"
        assert server.closed[0] - pressed < 3
        qtbot.waitUntil(lambda: window.runner.abandoned == 0, timeout=5_000)  # the check's thread has ended
        assert window.session.report is None
