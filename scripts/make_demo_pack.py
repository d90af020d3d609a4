#!/usr/bin/env python3
"""Build the practice pack that ships with the app: `resources/packs/demo.ecpack`, flagged demo.

It holds the demo identities marked "found" in `resources/training/identities.json` (the help-desk training mode
uses that file too), plus a few hundred synthetic filler entries, all under the catalog's `demo_breach`. Identities
marked "not_found" are checked to be absent.

The signing key exists only in this script's memory and is gone when it ends: only its public half is kept,
as `resources/keys/demo/demo.pub`, which the app trusts for packs flagged demo and nothing else. Rebuilding
therefore changes demo.pub too; commit both.

    python scripts/make_demo_pack.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "desktop"), str(ROOT / "server"), str(ROOT / "scripts")]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat  # noqa: E402
from make_synthetic_breach import person  # noqa: E402

from exposurecheck.core.catalog import load_bundled_catalog  # noqa: E402
from exposurecheck.core.identifiers import Identifier, IdentifierType, normalize  # noqa: E402
from exposurecheck.core.packs.opening import open_pack  # noqa: E402
from exposurecheck.core.trust.publisher_keys import fingerprint, format_public_key  # noqa: E402
from exposurecheck_server.pack.builder import build_pack  # noqa: E402

BREACH = "demo_breach"
FILLER_PEOPLE = 150  # x 4 identifiers: a few hundred entries, a few kilobytes
TYPES = (("phone", IdentifierType.PHONE), ("email", IdentifierType.EMAIL), ("cn_id", IdentifierType.CN_ID))


def identities(path: Path) -> tuple[list[Identifier], list[Identifier]]:
    found: list[Identifier] = []
    absent: list[Identifier] = []
    for entry in json.loads(path.read_text(encoding="utf-8")):
        target = found if entry["expect"] == "found" else absent
        for field, kind in TYPES:
            if entry.get(field):
                target.append(normalize(kind, entry[field]))
    return found, absent


def filler(avoid: set[Identifier]) -> list[Identifier]:
    rng = random.Random(20240101)
    out: list[Identifier] = []
    for number in range(FILLER_PEOPLE):
        row = person(rng, number, messy=False)
        for field, kind in (*TYPES, ("username", IdentifierType.USERNAME)):
            identifier = normalize(kind, row[field])
            if identifier not in avoid:
                out.append(identifier)
    return out


def main() -> int:
    found, absent = identities(ROOT / "resources" / "training" / "identities.json")
    entries = found + filler(set(absent))
    out = ROOT / "resources" / "packs" / "demo.ecpack"
    pub_path = ROOT / "resources" / "keys" / "demo" / "demo.pub"
    out.parent.mkdir(parents=True, exist_ok=True)
    pub_path.parent.mkdir(parents=True, exist_ok=True)
    # The private key lives only in this process's memory and is never written anywhere.
    key = Ed25519PrivateKey.generate()
    result = build_pack(
        entries,
        out=out,
        catalog=load_bundled_catalog(),
        breach=BREACH,
        signing_key=key,
        title="Exposure Check demo pack (practice data) / 演示数据包（练习数据）",
        demo=True,
        chunk_size=4096,
    )
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    del key
    pub_path.write_text(
        "# Demo key: trusted ONLY for packs flagged demo. Its private half was discarded after signing.\n"
        + format_public_key(public, "exposure-check demo"),
        encoding="utf-8",
    )
    with open_pack(out, extra_keys=[public], full_check=True) as reader:
        assert reader.info.demo  # noqa: S101 (a build script checking its own output)
        missing = [i for i in found if reader.lookup(i) != (BREACH,)]
        present = [i for i in absent if reader.lookup(i)]
    if missing or present:
        sys.stderr.write("demo pack does not match identities.json\n")
        return 1
    sys.stdout.write(
        f"{out.relative_to(ROOT)}: {result.entries} entries, {out.stat().st_size} bytes\n"
        f"{pub_path.relative_to(ROOT)}: fingerprint {fingerprint(public)}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
