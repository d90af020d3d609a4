"""docs/service-operations.md, run as written: every command block in order, on 127.0.0.1, with clients that check
before, during and after a renewal, a matching-key rotation and a publisher-key rotation (issue 15.2).

The blocks are the page's own text (only the four path variables and the evaluator's port are changed), run by bash
on a pseudo-terminal so the signing key's passphrase is typed at its prompt as an operator would. Between steps,
`exposure-check check` runs as a process through a recording proxy that stands where nginx would: every check must
find the planted number and fetch exactly the same buckets as the first one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PYTHONPATH, REPO
from tests.server.service.site_helpers import PLANTED, filler_phones
from tests.server.service.test_recording_proxy import Recording, recording_proxy
from tests.support.terminal import on_a_terminal as run_on_a_terminal

DOC = REPO / "docs" / "service-operations.md"
PASSPHRASE = "runbook passphrase 7"
STEPS = [
    "variables",
    "create",
    "evaluator",
    "renew",
    "renew-offline",
    "rotate-announce",
    "evaluator",
    "rotate-build",
    "rotate-retire",
    "evaluator",
    "publisher-announce",
    "publisher-overlap",
    "publisher-switch",
]


def runbook_blocks() -> list[tuple[str, str]]:
    """(name, shell text) for each `<!-- runbook: name -->` block of the page, in order."""
    text = DOC.read_text(encoding="utf-8")
    return [(m[1], m[2]) for m in re.finditer(r"<!-- runbook: ([\w-]+) -->\n```sh\n(.*?)```", text, re.S)]


def on_a_terminal(script: str, env: dict[str, str], cwd: Path, timeout: float = 240) -> tuple[int, str]:
    """Run `bash -c script` with a pty as its terminal, typing the passphrase at every prompt that asks for one."""

    def answer(since: bytes) -> str | None:
        asks = since.rstrip().endswith(b":") and b"assphrase" in since.rsplit(b"\n", 1)[-1]
        return PASSPHRASE if asks else None

    return run_on_a_terminal(["bash", "-c", script], answer, env=env, cwd=cwd, timeout=timeout)


@dataclass
class Operator:
    """The service's machines in a temporary folder, and the evaluator currently running."""

    root: Path
    env: dict[str, str]
    recording: Recording | None = None
    evaluator: subprocess.Popen[str] | None = None
    paths: dict[str, Path] = field(default_factory=dict)

    def variables(self) -> str:
        return "".join(f'{name}="{path}"\n' for name, path in self.paths.items())

    def run(self, name: str, block: str) -> str:
        code, screen = on_a_terminal("set -euo pipefail\n" + self.variables() + block, self.env, self.root)
        assert code == 0, f"runbook step {name} failed:\n{screen}"
        assert PASSPHRASE not in screen  # typed without echo
        return screen

    def start_evaluator(self, block: str) -> str:
        """The page's `service serve` command on a free port; the proxy (nginx's place) is pointed at it."""
        command = block.replace("--port 8081", "--port 0").replace("\\\n", " ")
        assert "--port 0" in command
        process = subprocess.Popen(
            ["bash", "-c", self.variables() + "exec " + command.strip()],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env, cwd=self.root,
        )  # fmt: skip
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if match is None:
            process.kill()
            raise AssertionError(
                f"the evaluator did not start: {line!r} {process.stderr.read() if process.stderr else ''}"
            )
        self.stop_evaluator()
        self.evaluator = process
        return f"http://127.0.0.1:{match[1]}"

    def stop_evaluator(self) -> None:
        if self.evaluator is not None:
            self.evaluator.terminate()
            self.evaluator.wait(timeout=10)
            self.evaluator = None


@dataclass
class Client:
    """One installation of the app: its own state folder (pins), the publisher key it was given."""

    name: str
    state: Path
    trust: Path


def check(operator: Operator, url: str, client: Client) -> tuple[dict, list[int]]:
    """`exposure-check check --json` for the planted number; the report and the bucket numbers the proxy saw."""
    assert operator.recording is not None
    operator.recording.requests.clear()
    env = dict(operator.env, EXPOSURECHECK_STATE_DIR=str(client.state))
    result = subprocess.run(
        ["exposure-check", "check", "--source", f"service={url}", "--trust", str(client.trust), "--json",
         "--phone", PLANTED[0][1]],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 3), result.stderr
    return json.loads(result.stdout), operator.recording.bucket_numbers()


def found(report: dict) -> bool:
    return report["sources"][0]["status"] == "ok" and [e["hint"] for e in report["exposures"]] != []


@contextmanager
def operator_machines(tmp_path: Path) -> Iterator[Operator]:
    root = tmp_path / "operator"
    paths = {
        "SERVICE": root / "srv",
        "KEYS": root / "etc-keys",
        "OFFLINE": root / "offline",
        "DATA": root / "srv" / "data",
    }
    paths["DATA"].mkdir(parents=True)
    rows = ["phone,email", f"{PLANTED[0][1]},planted.person@example.org"]
    rows += [f"{p.canonical},filler{n}@example.net" for n, p in enumerate(filler_phones(300))]
    (paths["DATA"] / "leak.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    shutil.copy(REPO / "resources" / "catalog" / "breaches.json", paths["DATA"] / "catalog.json")
    env = {
        **os.environ,
        "PYTHONPATH": PYTHONPATH,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "LANG": "C.UTF-8",
    }
    env.pop("LC_ALL", None)
    operator = Operator(root=root, env=env, paths=paths)
    try:
        yield operator
    finally:
        operator.stop_evaluator()


@pytest.mark.skipif(shutil.which("shred") is None or sys.platform != "linux", reason="the runbook is for Linux servers")
def test_the_runbook_runs_as_written_and_clients_follow_every_change(tmp_path: Path) -> None:
    blocks = runbook_blocks()
    assert [name for name, _ in blocks] == STEPS  # the test below knows these steps; a new one must be added here
    assert (Path(sys.executable).parent / "exposure-check-admin").exists()
    with operator_machines(tmp_path) as operator, recording_proxy("http://127.0.0.1:9") as (url, recording):
        operator.recording = recording  # where nginx stands: the one address the apps know
        old_pub = operator.paths["OFFLINE"] / "publisher.pub"
        early = Client("checked before every change", tmp_path / "early", old_pub)
        late = Client("checked once at the start and once at the end", tmp_path / "late", old_pub)
        first: list[int] = []
        for position, (name, block) in enumerate(blocks):
            if name == "variables":
                for variable in operator.paths:
                    assert f"{variable}=" in block
                continue
            if name == "evaluator":
                recording.upstream = operator.start_evaluator(block)
            else:
                operator.run(name, block)
            if position == 2:  # the service is up: both clients check and pin it
                report, first = check(operator, url, early)
                assert found(report) and len(first) == 8
                assert found(check(operator, url, late)[0])
            elif position > 2:
                report, fetched = check(operator, url, early)
                assert found(report), (name, report)
                assert fetched == first, f"after {name} the operator saw other buckets"
        # After every change, the client that had not checked since the start follows the whole chain.
        report, fetched = check(operator, url, late)
        assert found(report) and fetched == first
        walked = [r[1] for r in recording.requests if r[1].startswith("/v2/manifests/")]
        assert len(walked) >= 7  # every manifest published since its first check, back to the one it pinned
        assert len(list((operator.paths["SERVICE"] / "site" / "v2" / "manifests").iterdir())) >= 9
        # A new installation needs the new publisher key; the old one alone no longer starts trust.
        new_pub = operator.paths["OFFLINE"] / "new" / "publisher.pub"
        report, fetched = check(operator, url, Client("new", tmp_path / "new", new_pub))
        assert found(report) and fetched == first
        report, _ = check(operator, url, Client("old key only", tmp_path / "stale", old_pub))
        assert report["sources"][0]["status"] == "error"
        assert "not signed by a publisher" in report["sources"][0]["error"]
        assert not (operator.paths["KEYS"] / "next").exists()  # the old matching key destroyed, the new in its place
