"""Closing the window while a check hangs on a hostile server ends the network work and the process promptly.

The real app runs in its own process (offscreen Qt), with Pwned Passwords pointed at a server on 127.0.0.1 that
drips one byte a second, so no read ever times out. The person types a password, agrees to go online, starts the
check and closes the window. Before, the process lived on for as long as the server kept dripping, with the
password in its memory; now it exits within seconds, and the server sees the connection close.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PYTHONPATH
from tests.support.drip import drip_server

DRIVER = r"""
import sys, time, threading
from PySide6.QtCore import QTimer
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.gui.app import create_window

running = create_window("en", source_factory=lambda _training: [PwnedPasswordsSource(sys.argv[1])])
window = running.window
window.show()

def start():
    window.show_page(window.details)
    window.details.fields[IdentifierType.PASSWORD].edit.setText("hunter2-canary-close")
    window.details.check_button.click()
    QTimer.singleShot(300, lambda: window.consent.accept_button.click())
    QTimer.singleShot(2500, close)

def close():
    print("busy-before-close", window.busy, flush=True)
    print("closing", time.monotonic(), flush=True)
    window.close()

QTimer.singleShot(200, start)
code = running.app.exec()
print("event-loop-ended", time.monotonic(), flush=True)
sys.exit(code)
"""


def test_closing_the_window_mid_check_ends_the_process_and_the_connection(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": PYTHONPATH,
        "QT_QPA_PLATFORM": "offscreen",
        "EXPOSURECHECK_CONFIG_DIR": str(tmp_path / "config"),
        "EXPOSURECHECK_DATA_DIR": str(tmp_path / "data"),
        "EXPOSURECHECK_STATE_DIR": str(tmp_path / "state"),
        "EXPOSURECHECK_PACK_DIRS": "",
    }
    with drip_server(every=1.0, give_up=120) as server:
        process = subprocess.Popen(
            [sys.executable, "-c", DRIVER, server.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            out, err = process.communicate(timeout=60)
        finally:
            process.kill()
        exited = time.monotonic()
        lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
        assert "closing" in lines, (out, err[-2000:])
        assert lines["busy-before-close"] == "True"  # the check was really hanging on the server
        assert server.opened, "the check never reached the dripping server"
        assert server.wait_closed(1, timeout=5)
        closed_at = float(lines["closing"])
        assert server.closed[0] - closed_at < 5  # the connection ended within seconds of the close
    assert process.returncode == 0, err[-2000:]
    assert exited - closed_at < 8  # the whole process was gone within seconds (it used to hang on for hours)
    assert "hunter2" not in out + err
