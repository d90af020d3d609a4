"""Shared by the lookup-service tests: keys on disk, a built site with planted identifiers, servers on 127.0.0.1."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from exposurecheck.core.catalog import catalog_to_json, load_bundled_catalog
from exposurecheck.core.crypto import oprf
from exposurecheck.core.identifiers import Identifier, IdentifierType, normalize
from exposurecheck_server.keys import load_signing_key, write_bucketing_key, write_oprf_key, write_signing_key
from exposurecheck_server.service.build import BuildSettings, build_site
from exposurecheck_server.service.keyfiles import load_bucketing_keypair, load_oprf_keypair
from tests.conftest import cli_env

# Planted identifiers (synthetic: reserved-looking values, no real person) and the breach each is planted in.
PLANTED = (
    (IdentifierType.PHONE, "+86 138 0013 8000"),
    (IdentifierType.EMAIL, "planted.person@example.org"),
    (IdentifierType.CN_ID, "11010519491231002X"),
    (IdentifierType.USERNAME, "Planted_User"),
)
NOT_PLANTED = (
    (IdentifierType.PHONE, "+86 139 0000 0001"),
    (IdentifierType.EMAIL, "nobody.here@example.org"),
)


@dataclass(frozen=True)
class Keys:
    folder: Path
    signing_key: Path
    publisher_pub: Path
    publisher_raw: bytes
    oprf_key: Path
    bucketing_key: Path

    def oprf(self) -> oprf.KeyPair:
        return load_oprf_keypair(self.oprf_key)

    def bucketing(self) -> oprf.KeyPair:
        return load_bucketing_keypair(self.bucketing_key)


def make_keys(folder: Path, bucketing_key: Path | None = None) -> Keys:
    """A publisher key, a matching key and (unless an existing one is given) a bucketing key in `folder`."""
    raw = write_signing_key(folder)
    write_oprf_key(folder)
    if bucketing_key is None:
        write_bucketing_key(folder)
        bucketing_key = folder / "bucketing.key"
    return Keys(folder, folder / "publisher.key", folder / "publisher.pub", raw, folder / "oprf.key", bucketing_key)


def catalog_json() -> dict:
    return json.loads(catalog_to_json(load_bundled_catalog()))


def breach_ids() -> tuple[str, str]:
    ids = sorted(b["id"] for b in catalog_json()["breaches"] if not b.get("demo"))
    return ids[0], ids[1]


def planted_identifiers() -> list[Identifier]:
    return [normalize(kind, raw) for kind, raw in PLANTED]


def filler_phones(count: int, seed: int = 7) -> list[Identifier]:
    """Random valid Chinese mobile numbers that are not among the planted or not-planted ones."""
    rng = random.Random(seed)
    avoid = {normalize(k, r).canonical for k, r in PLANTED + NOT_PLANTED}
    found: list[Identifier] = []
    while len(found) < count:
        candidate = normalize(IdentifierType.PHONE, f"13{rng.randrange(10**9):09d}")
        if candidate.canonical not in avoid:
            found.append(candidate)
    return found


def build(
    keys: Keys,
    out: Path,
    *,
    prefix_bits: int | None = 8,
    sequence: int = 100,
    filler: int = 500,
    epoch_id: int | None = None,
    workers: int | None = 2,
    previous_site: Path | None = None,
) -> Path:
    """A site with the planted identifiers: the first breach holds all of them, the second only the phone."""
    first, second = breach_ids()
    planted = planted_identifiers()
    records = [(i, first) for i in planted] + [(planted[0], second)] + [(p, first) for p in filler_phones(filler)]
    settings = BuildSettings(
        oprf_key=keys.oprf(),
        bucketing_key=keys.bucketing(),
        signing_keys=[load_signing_key(keys.signing_key)],
        catalog=catalog_json(),
        prefix_bits=prefix_bits,
        sequence=sequence,
        epoch_id=epoch_id,
        workers=workers,
        previous_site=previous_site,
    )
    build_site(records, out, settings)
    return out


@contextmanager
def serve_process(site: Path, keys: Keys, *extra: str) -> Iterator[str]:
    """`exposure-check-admin service serve` as a real process on 127.0.0.1; yields its base URL."""
    command = [sys.executable, "-m", "exposurecheck_server", "service", "serve", "--site", str(site)]
    command += ["--oprf-key", str(keys.oprf_key), "--bucketing-key", str(keys.bucketing_key)]
    command += ["--host", "127.0.0.1", "--port", "0", *extra]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "http://127.0.0.1:" not in line:
            process.kill()
            raise AssertionError(f"server did not start: {line!r} {process.stderr.read() if process.stderr else ''}")
        port = line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
