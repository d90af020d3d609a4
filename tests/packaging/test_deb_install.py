"""The .deb installed as a person's apt would install it: into a clean Debian 12 root, with its dependencies
resolved from Debian's archive, then started, used and removed.

The root, the archive's package lists and every Debian package the .deb needs are fetched before the suite runs
(`python -m tests.packaging.debian_root`, which scripts/test runs after building the .deb); here apt installs from
those, and every command in the root runs in a network namespace with no network, so the test reaches nothing
outside this machine and a dependency that was not fetched makes the install fail. Needs root
(chroot, mount, unshare) and the .deb. Without them the tests skip and say why, except under CI, where a missing
piece is a failure: CI is where these checks must run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

from exposurecheck import __version__
from tests.packaging.debian_root import Chroot, copy_root, default_deb, is_prepared, remove_tree
from tests.support.ci import required

pytestmark = [pytest.mark.frozen, pytest.mark.slow]

PACKAGE = "exposure-check"
DEB = default_deb()


@pytest.fixture(scope="module")
def chroot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chroot]:
    if os.geteuid() != 0:
        required("installing into a chroot needs root")
    for tool in ("debootstrap", "chroot", "mount", "unshare", "dpkg-deb"):
        if not shutil.which(tool):
            required(f"{tool} is not installed (scripts/bootstrap.sh installs it)")
    if not DEB.is_file():
        required(f"no package at {DEB}: build it with scripts/build_bundle.sh --deb")
    if not is_prepared(DEB):
        required(
            f"the Debian root and packages for {DEB.name} were not fetched: "
            "run .venv/bin/python -m tests.packaging.debian_root (scripts/test does)"
        )
    work = tmp_path_factory.mktemp("debroot") / "root"
    box = copy_root(work)
    try:
        box.mount()
        (work / "packages").mkdir()
        shutil.copy(DEB, work / "packages" / DEB.name)
        box.run("apt-get", "install", "-y", "-qq", "--no-install-recommends", f"/packages/{DEB.name}")
        yield box
    finally:
        box.unmount()
        remove_tree(work)


def test_the_install_runs_without_network(chroot: Chroot) -> None:
    """What the tests here run in the root has no network: no interface but a loopback that is down, and the
    archive's name does not resolve (so the install above used only the packages fetched beforehand)."""
    interfaces = chroot.run("cat", "/proc/net/dev").stdout
    assert [line.split(":")[0].strip() for line in interfaces.splitlines()[2:]] == ["lo"]
    assert chroot.run("getent", "hosts", "deb.debian.org", check=False).returncode != 0


def packaged_entries() -> list[tuple[str, bool]]:
    """(path as installed, is a folder) for everything in the .deb's data."""
    listing = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(DEB)], capture_output=True, check=True).stdout
    lines = subprocess.run(["tar", "-tv"], input=listing, capture_output=True, check=True).stdout.decode()
    entries = []
    for line in lines.splitlines():
        name = line.split()[5]  # mode owner size date time name [-> target]
        if name not in ("./", "."):
            entries.append((name[1:].rstrip("/"), line.startswith("d")))
    return entries


def test_installed_with_launcher_menu_entry_and_icons(chroot: Chroot) -> None:
    assert chroot.run("sh", "-c", "command -v exposure-check").stdout.strip() == "/usr/bin/exposure-check"
    assert chroot.run("exposure-check", "--version").stdout.strip() == f"exposure-check {__version__}"
    share = chroot.path / "usr" / "share"
    assert (share / "applications" / "org.exposurecheck.ExposureCheck.desktop").is_file()
    assert (share / "metainfo" / "org.exposurecheck.ExposureCheck.metainfo.xml").is_file()
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        icon = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "org.exposurecheck.ExposureCheck.png"
        assert icon.is_file(), icon
    notices = chroot.path / "usr" / "lib" / PACKAGE / "_internal" / "licenses" / "THIRD-PARTY-NOTICES.txt"
    assert "GNU Lesser General Public License" in notices.read_text(encoding="utf-8")


def test_installed_gui_self_test_passes(chroot: Chroot) -> None:
    result = chroot.run("exposure-check", "gui", "--self-test", timeout=300)
    assert "self-test: OK" in result.stdout, result.stdout + result.stderr


def test_installed_cli_finds_the_demo_identity_in_the_demo_pack(chroot: Chroot) -> None:
    identities = chroot.path / "usr" / "lib" / PACKAGE / "_internal" / "resources" / "training" / "identities.json"
    document = json.loads(identities.read_text(encoding="utf-8"))
    entries = document.get("identities", []) if isinstance(document, dict) else document
    phone = next(entry["phone"] for entry in entries if isinstance(entry, dict) and isinstance(entry.get("phone"), str))
    # A made-up training identity: safe on a command line.
    result = chroot.run("exposure-check", "check", "--source", "demo", "--phone", phone, "--json")
    assert json.loads(result.stdout)["exposures"], "the demo identity was not found by the installed app"


def test_removal_leaves_nothing_of_the_package(chroot: Chroot) -> None:
    """Runs last (file order): after `dpkg -r`, none of the package's files or links remain, and of its folders
    only those another package also uses (dpkg keeps a folder while it is not empty)."""
    entries = packaged_entries()
    assert ("/usr/lib/exposure-check/exposure-check", False) in entries
    chroot.run("dpkg", "-r", PACKAGE)
    status = chroot.run("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE, check=False)
    assert status.stdout.strip() in ("", "not-installed"), status.stdout
    files_left = [path for path, folder in entries if not folder and os.path.lexists(chroot.path / path.lstrip("/"))]
    assert not files_left, files_left[:20]
    folders_left = [
        path for path, folder in entries
        if folder and (chroot.path / path.lstrip("/")).is_dir()
        and not any((chroot.path / path.lstrip("/")).iterdir())
    ]  # fmt: skip
    assert not folders_left, f"empty folders left behind: {folders_left[:20]}"
    # Nothing was written beside the program at run time either (the self-test and the check above ran it).
    assert not (chroot.path / "usr" / "lib" / PACKAGE).exists()
    assert not (chroot.path / "usr" / "share" / "doc" / PACKAGE).exists()
