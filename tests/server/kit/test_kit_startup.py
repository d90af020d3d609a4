"""The check of the kit the app was started from: full the first time, remembered while nothing changes."""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest

from exposurecheck.core.trust import kit
from exposurecheck.core.trust.kit_startup import RECORD_NAME, check_started_kit
from exposurecheck.core.trust.profile import ProfileBody, sign_profile
from exposurecheck.core.trust.publisher_keys import read_public_key
from exposurecheck_server.keys import load_signing_key, write_signing_key
from exposurecheck_server.kit.builder import build_kit
from tests.support.app_bundle import write_app_stand_in


@pytest.fixture
def started(tmp_path: Path) -> dict[str, Path]:
    write_signing_key(tmp_path / "keys")
    key = load_signing_key(tmp_path / "keys" / "publisher.key")
    profile = tmp_path / "profile.ecprofile"
    profile.write_bytes(sign_profile(ProfileBody(name_en="Test NGO"), key))
    bundle = tmp_path / "exposure-check"
    (bundle / "_internal").mkdir(parents=True)
    write_app_stand_in(bundle / "exposure-check")
    (bundle / "_internal" / "lib.so").write_bytes(b"library" * 1000)
    root = tmp_path / "kit"
    build_kit(root, bundles=[bundle], packs=[], profile=profile, signing_key=key)
    return {
        "root": root,
        "exe": root / "app" / "exposure-check" / "exposure-check",
        "pub": tmp_path / "keys" / "publisher.pub",
        "state": tmp_path / "state",
    }


def check(started: dict[str, Path], hashed: list[int] | None = None):
    trusted = [read_public_key(started["pub"])]
    progress = (lambda done, total: hashed.append(done)) if hashed is not None else None
    return check_started_kit(trusted, executable=started["exe"], state_dir=started["state"], progress=progress)


def test_not_started_from_a_kit(tmp_path: Path) -> None:
    assert check_started_kit([], executable=tmp_path / "app" / "exposure-check", state_dir=tmp_path) is None


def test_source_checkout_is_not_a_kit(tmp_path: Path) -> None:
    assert check_started_kit([], state_dir=tmp_path) is None  # not frozen: no kit


def test_first_start_verifies_in_full_then_remembers(started: dict[str, Path]) -> None:
    hashed: list[int] = []
    first = check(started, hashed)
    assert first is not None and first.ok and not first.from_record
    assert hashed, "the first start must hash the files"
    assert (started["state"] / RECORD_NAME).is_file()
    hashed.clear()
    second = check(started, hashed)
    assert second is not None and second.ok and second.from_record
    assert hashed == []
    assert second.verified is not None and first.verified is not None
    assert second.verified.files == first.verified.files
    assert second.verified.manifest == first.verified.manifest and second.verified.manifest["format"]


def test_a_change_after_the_first_check_is_caught(started: dict[str, Path]) -> None:
    assert check(started).ok  # type: ignore[union-attr]
    target = started["root"] / "app" / "exposure-check" / "_internal" / "lib.so"
    target.write_bytes(b"LIBRARY" * 1000)  # same size, new mtime
    result = check(started)
    assert result is not None and not result.ok
    assert result.error is not None and result.error.key == "kit.file_changed"


def test_same_size_and_time_but_new_signature_is_checked_in_full(started: dict[str, Path]) -> None:
    assert check(started).ok  # type: ignore[union-attr]
    sig = started["root"] / kit.SIGNATURE_NAME
    info = sig.stat()
    header, key_line, sig_line = sig.read_text(encoding="ascii").splitlines()
    raw = bytearray(base64.b64decode(sig_line.split()[1]))
    raw[0] ^= 0x01
    sig_line = "signature " + base64.b64encode(bytes(raw)).decode("ascii")
    sig.write_text(f"{header}\n{key_line}\n{sig_line}\n", encoding="ascii")
    os.utime(sig, ns=(info.st_atime_ns, info.st_mtime_ns))
    result = check(started)
    assert result is not None and result.error is not None and result.error.key == "kit.bad_signature"


def test_an_added_file_is_caught(started: dict[str, Path]) -> None:
    assert check(started).ok  # type: ignore[union-attr]
    (started["root"] / "packs").mkdir(exist_ok=True)
    (started["root"] / "packs" / "extra.ecpack").write_bytes(b"x")
    result = check(started)
    assert result is not None and result.error is not None and result.error.key == "kit.file_added"


def test_remembered_check_needs_the_signer_still_trusted(started: dict[str, Path]) -> None:
    assert check(started).ok  # type: ignore[union-attr]
    result = check_started_kit([], executable=started["exe"], state_dir=started["state"])
    assert result is not None and result.error is not None and result.error.key == "kit.untrusted"


def test_unwritable_state_folder_still_verifies(started: dict[str, Path]) -> None:
    started["state"].write_text("a file where the folder should be", encoding="utf-8")
    result = check(started)
    assert result is not None and result.ok
    assert check(started).from_record is False  # type: ignore[union-attr]


def test_kit_moved_elsewhere_is_checked_again(started: dict[str, Path], tmp_path: Path) -> None:
    assert check(started).ok  # type: ignore[union-attr]
    moved = tmp_path / "moved"
    shutil.move(started["root"], moved)
    started["exe"] = moved / "app" / "exposure-check" / "exposure-check"
    hashed: list[int] = []
    result = check(started, hashed)
    assert result is not None and result.ok and not result.from_record and hashed
