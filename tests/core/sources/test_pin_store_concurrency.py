"""Pins written at once are all kept: sources of one check run in threads, and the window and the command line may
run together. A lost update would forget a pin, and the next check would accept any keys as if it were the first."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from exposurecheck.core.protocol.chain import Pin
from exposurecheck.core.sources.lookup_service_state import PinStore

ROUNDS = 30


def _pin(n: int) -> Pin:
    return Pin(bytes([n % 256]) * 32, n, b"\x01" * 32, frozenset({b"\x02" * 32}), frozenset({b"\x03" * 32}), 16)


def test_threads_writing_at_once_lose_no_pin(tmp_path: Path) -> None:
    store = PinStore(tmp_path)
    start = threading.Barrier(8)

    def write(worker: int) -> None:
        start.wait()
        for n in range(ROUNDS):
            store.put(f"https://service-{worker}-{n}.example/", _pin(n))

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.all()) == 8 * ROUNDS


def test_processes_writing_at_once_lose_no_pin(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from exposurecheck.core.protocol.chain import Pin\n"
        "from exposurecheck.core.sources.lookup_service_state import PinStore\n"
        "store = PinStore(Path(sys.argv[1]))\n"
        "pin = Pin(b'\\x00' * 32, 1, b'\\x01' * 32, frozenset(), frozenset(), 16)\n"
        f"for n in range({ROUNDS}):\n"
        "    store.put(f'https://{sys.argv[2]}-{n}.example/', pin)\n"
    )
    desktop = str(Path(__file__).resolve().parents[3] / "desktop")
    runs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), f"p{worker}"], env={"PYTHONPATH": desktop})
        for worker in range(4)
    ]
    assert all(run.wait(timeout=120) == 0 for run in runs)
    assert len(PinStore(tmp_path).all()) == 4 * ROUNDS
