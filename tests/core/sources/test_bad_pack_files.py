"""One malformed file with a pack's name never stops a check: it becomes that pack's plain error, and every other
source (the good packs beside it, Pwned Passwords on a real loopback server) still answers.

Before the fix, a file whose unsigned head held deeply nested JSON raised RecursionError while the source was being
created, before any signature check, and the whole check (Pwned Passwords included) ended in an internal error.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from exposurecheck.core.check import catalog_for, check
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.packs import format as fmt
from exposurecheck.core.packs.discovery import discover_packs
from exposurecheck.core.report import SourceState
from exposurecheck.core.sources.pack import demo_pack_path
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.core.sources.registry import build_source
from tests.conftest import run_cli
from tests.support.loopback import Reply, loopback_server

PASSWORD = "correct horse battery"
DEMO_PHONE = Identifier(IdentifierType.PHONE, "+8613800138000")  # in the bundled demo pack


def _head(meta: bytes, *, meta_len: int | None = None, catalog_len: int = 0, chunks: int = 0) -> bytes:
    preamble = fmt.Preamble(fmt.FORMAT_VERSION, 0, 1, os.urandom(32), 0, 0).pack()
    fixed = fmt.FIXED_HEAD.pack(
        os.urandom(32), os.urandom(64), len(meta) if meta_len is None else meta_len, catalog_len, chunks
    )
    return preamble + fixed + meta


def _damaged(path: Path) -> bytes:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


MALFORMED = {
    "nested-json-head.ecpack": lambda demo: _head(b"[" * 200_000),
    "json-list-head.ecpack": lambda demo: _head(b"[1, 2, 3]"),
    "huge-chunk-count.ecpack": lambda demo: _head(b"{}", chunks=1 << 40),
    "meta-past-the-end.ecpack": lambda demo: _head(b"{", meta_len=fmt.MAX_META),
    "meta-over-the-cap.ecpack": lambda demo: _head(b"{}", meta_len=1 << 31),
    "random-bytes.ecpack": lambda demo: os.urandom(4096),
    "empty.ecpack": lambda demo: b"",
    "magic-only.ecpack": lambda demo: fmt.MAGIC,
    "half-a-pack.ecpack": lambda demo: demo.read_bytes()[: demo.stat().st_size // 2],
    "flipped-byte.ecpack": _damaged,
}


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stick's packs folder: every malformed file, plus a good (demo) pack, found by discovery as the app would."""
    folder = tmp_path / "stick" / "packs"
    folder.mkdir(parents=True)
    for name, make in MALFORMED.items():
        (folder / name).write_bytes(make(demo_pack_path()))
    shutil.copy(demo_pack_path(), folder / "zz-good.ecpack")
    monkeypatch.setenv("EXPOSURECHECK_PACK_DIRS", str(folder))
    return folder


def _range_body() -> bytes:
    digest = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    return f"{digest[5:]}:42\r\n{'0' * 35}:0\r\n".encode()


def test_every_discovered_file_gets_its_own_answer_and_pwned_passwords_still_answers(stick: Path) -> None:
    found = discover_packs()
    assert {path.name for path in found} == {*MALFORMED, "zz-good.ecpack"}
    packs = [build_source(f"pack={path}") for path in found]  # creating a source never reads past a cap or raises
    identifiers = [DEMO_PHONE, Identifier(IdentifierType.PASSWORD, PASSWORD)]
    digest = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    with loopback_server() as server:
        server.set(f"/range/{digest[:5]}", Reply(200, _range_body()))
        pwned = PwnedPasswordsSource(server.url)
        report = check(identifiers, [*packs, pwned])
        catalog = catalog_for([*packs, pwned])  # reading the packs' catalogs does not raise either
    states = {status.name: status for status in report.sources}
    assert len(report.sources) == len(packs) + 1
    errors = [status for status in report.sources if status.state is SourceState.ERROR]
    assert len(errors) == len(MALFORMED)
    assert all(status.error_key.startswith("pack.error.") for status in errors), [s.error_key for s in errors]
    assert states["hibp-passwords"].state is SourceState.OK
    assert [e.count for e in report.exposures if e.type is IdentifierType.PASSWORD] == [42]
    assert any(e.type is IdentifierType.PHONE and e.demo for e in report.exposures)  # the good pack answered
    assert len(catalog) > 0


def test_the_real_cli_reports_the_bad_pack_and_still_checks_the_rest(stick: Path) -> None:
    digest = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    with loopback_server() as server:
        server.set(f"/range/{digest[:5]}", Reply(200, _range_body()))
        result = run_cli(
            "check",
            "--phone",
            "13800138000",
            "--password-stdin",
            "--source",
            f"pack={stick / 'nested-json-head.ecpack'}",
            "--source",
            f"pack={stick / 'zz-good.ecpack'}",
            "--source",
            f"hibp-passwords={server.url}",
            "--lang",
            "en",
            stdin=PASSWORD + "\n",
        )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stdout + result.stderr
    assert "42" in result.stdout  # Pwned Passwords answered
    assert "Offline pack" in result.stdout or "pack" in result.stdout.lower()


def test_a_source_that_fails_to_set_up_becomes_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from exposurecheck.core.errors import UserError
    from exposurecheck.core.sources import pack

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RecursionError("deeply nested")

    monkeypatch.setattr(pack.PackSource, "__init__", broken)
    with pytest.raises(UserError) as caught:
        build_source("pack=/media/usb/packs/ngo.ecpack")
    assert caught.value.key == "check.source_crashed"
    assert "other sources were not affected" in caught.value.message("en")
