"""A `service build` killed with SIGKILL leaves no worker behind: its reading and evaluation workers end with it
instead of waiting forever for work (holding breach rows or the OPRF secrets). A real build is started, watched on
a pseudo-terminal until it reaches the stage, killed, and its worker processes are followed through /proc."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, cli_env
from tests.server.service.site_helpers import Keys, make_keys

ROWS = 300_000


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Keys, Path, Path]:
    root = tmp_path_factory.mktemp("killed")
    rows = root / "in.csv"
    rows.write_text("phone\n" + "".join(f"135{n:08d}\n" for n in range(ROWS)), encoding="utf-8")
    catalog = root / "catalog.json"
    catalog.write_bytes((REPO / "resources" / "catalog" / "breaches.json").read_bytes())
    return make_keys(root / "keys"), rows, catalog


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever reaps it; it holds nothing)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="follows processes through /proc (Linux)")
@pytest.mark.parametrize("stage", ["reading", "evaluating"])
def test_killing_the_builder_ends_its_workers(inputs: tuple[Keys, Path, Path], tmp_path: Path, stage: str) -> None:
    keys, rows, catalog = inputs
    command = [
        sys.executable, "-m", "exposurecheck_server", "service", "build", "--input", str(rows), "--map", "phone=phone",
        "--breach", "demo_breach", "--catalog", str(catalog), "--oprf-key", str(keys.oprf_key),
        "--bucketing-key", str(keys.bucketing_key), "--signing-key", str(keys.signing_key),
        "--out", str(tmp_path / "site"), "--workers", "2", "--jobs", "2",
    ]  # fmt: skip
    leader, follower = pty.openpty()  # progress is shown on a terminal only: it says which stage the build is in
    builder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=cli_env())
    os.close(follower)
    workers: set[int] = set()
    try:
        shown, deadline = b"", time.monotonic() + 120
        while stage.encode() not in shown or not workers:
            assert time.monotonic() < deadline and builder.poll() is None, shown[-300:]
            if select.select([leader], [], [], 0.05)[0]:
                shown += os.read(leader, 4096)
            workers = _children(builder.pid) if stage.encode() in shown else set()
        builder.send_signal(signal.SIGKILL)
        builder.wait(timeout=10)
    finally:
        if builder.poll() is None:
            builder.kill()
        os.close(leader)
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _running(pid)]
    for pid in left:  # leave no orphan behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == [], "workers outlived their builder"
