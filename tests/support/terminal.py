"""Running a command as an operator at a real terminal: a pseudo-terminal becomes its /dev/tty (what getpass reads),
and each passphrase prompt is answered as it appears (getpass throws away anything typed ahead of its prompt)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

Answer = Callable[[bytes], str | None]
"""Given the screen since the last answer, the line to type now, or None to wait."""


def answers_in_turn(answers: Sequence[str]) -> Answer:
    """Type `answers` one by one, each at the next prompt (a line ending in ':')."""
    pending = list(answers)
    return lambda since: pending.pop(0) if pending and since.rstrip().endswith(b":") else None


def on_a_terminal(
    argv: Sequence[str], answer: Answer, *, env: dict[str, str], cwd: Path | None = None, timeout: float = 60
) -> tuple[int, str]:
    """Run `argv` with a pty as its controlling terminal; returns (exit code, everything it showed)."""
    main, child = pty.openpty()

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        list(argv), stdin=child, stdout=child, stderr=child, env=env, cwd=cwd, preexec_fn=controlling_terminal
    )
    os.close(child)
    screen = since_answer = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
            since_answer += chunk
            typed = answer(since_answer)
            if typed is not None:
                os.write(main, typed.encode() + b"\n")
                since_answer = b""
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(main)
    return process.returncode, screen.decode("utf-8", "replace")
