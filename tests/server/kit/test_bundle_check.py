"""`kit build` refuses a bundle that is not the app: random bytes, a folder without the program, a program that does
not answer like the app. The real command is run, and nothing is written for a refused bundle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck_server.kit.bundle_check import check_bundle
from tests.conftest import REPO, run_cli
from tests.server.kit.test_kit_build_verify import material  # noqa: F401 (the shared fixture)
from tests.support.app_bundle import write_app_stand_in


def _kit(material: dict[str, Path], out: Path, bundle: Path):  # type: ignore[no-untyped-def]  # noqa: F811
    return run_cli(
        "kit", "build", "--out", str(out), "--bundle", str(bundle), "--pack", str(material["pack"]),
        "--profile", str(material["profile"]), "--signing-key", str(material["root"] / "publisher" / "publisher.key"),
        admin=True,
    )


def test_random_bytes_are_refused_and_nothing_is_written(material: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    junk = tmp_path / "exposure-check-setup.exe"
    junk.write_bytes(os.urandom(4096))
    result = _kit(material, tmp_path / "kit", junk)
    assert result.returncode == 2
    assert "is not the Exposure Check app" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "kit").exists() or not any((tmp_path / "kit").iterdir())


def test_a_folder_without_the_program_is_refused(material: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "exposure-check"
    (folder / "_internal" / "resources").mkdir(parents=True)
    (folder / "README.txt").write_text("not the app", encoding="utf-8")
    result = _kit(material, tmp_path / "kit", folder)
    assert result.returncode == 2
    assert "the program exposure-check is not in it" in result.stderr


def test_a_program_that_does_not_answer_like_the_app_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "exposure-check"
    program = folder / "exposure-check"
    folder.mkdir()
    program.write_text("#!/bin/sh\necho 'some other tool 1.0'\n", encoding="utf-8")
    program.chmod(0o755)
    with pytest.raises(UserError) as caught:
        check_bundle(folder)
    assert caught.value.key == "kit.bundle.not_the_app"
    assert "不是“信息泄露自查”程序" in caught.value.message("zh_CN")
    program.write_bytes(b"\x7fELF but broken")  # cannot even start
    with pytest.raises(UserError):
        check_bundle(folder)


def test_the_app_and_installers_pass(tmp_path: Path) -> None:
    check_bundle(write_app_stand_in(tmp_path / "app" / "exposure-check").parent)
    deb = tmp_path / "exposure-check_0.1.0_amd64.deb"
    deb.write_bytes(b"!<arch>\ndebian-binary   0           0     0     100644  4         `\n2.0\n")
    check_bundle(deb)
    windows = tmp_path / "win" / "exposure-check"
    (windows / "_internal" / "resources" / "i18n").mkdir(parents=True)
    (windows / "exposure-check.exe").write_bytes(b"MZ" + bytes(100))
    (windows / "_internal" / "resources" / "i18n" / "core.en.json").write_text("{}", encoding="utf-8")
    check_bundle(windows)  # built for another system: its layout is checked instead of running it
    (windows / "_internal" / "resources" / "i18n" / "core.en.json").unlink()
    with pytest.raises(UserError):
        check_bundle(windows)


def test_the_real_bundle_passes_when_it_was_built() -> None:
    bundle = REPO / "dist" / "exposure-check"
    if not (bundle / "exposure-check").is_file():
        pytest.skip("no PyInstaller bundle in dist/ (scripts/build_bundle.sh makes one)")
    check_bundle(bundle)
