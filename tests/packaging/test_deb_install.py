"""The .deb installed as a person's apt would install it: into a clean Debian 12 root, with its dependencies
resolved from Debian's archive, then started, used and removed.

The root comes from `debootstrap --variant=minbase bookworm` against the mirror this machine's apt uses, made
once and kept under build/deb-test/ (EXPOSURECHECK_DEBROOT_CACHE moves it); every run works in a fresh copy.
Needs root (chroot, mount), debootstrap and the archive; the .deb comes from `scripts/build_bundle.sh --deb` (or
`--deb-only`; scripts/test builds it). Without them the tests skip and say why, except under CI, where a
missing piece is a failure: CI is where these checks must run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from exposurecheck import __version__
from tests.conftest import REPO

pytestmark = [pytest.mark.frozen, pytest.mark.slow]

PACKAGE = "exposure-check"
DEB = REPO / "dist" / f"{PACKAGE}_{__version__}_amd64.deb"
CACHE = Path(os.environ.get("EXPOSURECHECK_DEBROOT_CACHE", REPO / "build" / "deb-test"))
SUITE = "bookworm"
CHROOT_ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
    "DEBIAN_FRONTEND": "noninteractive",
    "QT_QPA_PLATFORM": "offscreen",
}


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the .deb install test, but: {reason}")
    pytest.skip(reason)


def debian_mirror() -> str:
    """The Debian archive apt on this machine is configured with (deb822 .sources or one-line lists)."""
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        if not path.is_file() or path.suffix not in ("", ".list", ".sources"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for stanza in re.split(r"\n\s*\n", text):
            uris = re.search(r"^URIs:\s*(\S+)", stanza, re.MULTILINE)
            suites = re.search(r"^Suites:\s*(.+)$", stanza, re.MULTILINE)
            if uris and suites and SUITE in suites.group(1).split() and "security" not in uris.group(1):
                return uris.group(1)
        for line in text.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "deb" and parts[2] == SUITE:
                return next(part for part in parts[1:] if "://" in part)
    return "http://deb.debian.org/debian"


def _mounts_under(path: Path) -> list[str]:
    prefix = str(path.resolve()) + "/"
    with open("/proc/mounts", encoding="utf-8") as mounts:
        points = [line.split()[1].replace("\\040", " ") for line in mounts]
    return sorted((point for point in points if point.startswith(prefix)), reverse=True)


def remove_tree(path: Path) -> None:
    """rm -rf that first detaches anything mounted inside (a debootstrap stopped half-way leaves /proc and /sys
    mounted in its root) and refuses while something stays mounted, so it never deletes through a mount."""
    if not path.exists():
        return
    for point in _mounts_under(path):
        subprocess.run(["umount", "--lazy", point], check=False)
    if _mounts_under(path):
        raise RuntimeError(f"{path} still has file systems mounted inside; not deleting it")
    shutil.rmtree(path, ignore_errors=True)


def pristine_root() -> Path:
    """A minimal Debian 12 with fresh package lists, made once (about 30 s plus the download) and reused."""
    root = CACHE / f"{SUITE}-minbase"
    if (root / ".complete").is_file():
        return root
    partial = CACHE / f"{SUITE}-minbase.partial"
    remove_tree(partial)
    partial.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["debootstrap", "--variant=minbase", SUITE, str(partial), debian_mirror()],
        check=True, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    remove_tree(root)
    partial.rename(root)
    (root / ".complete").touch()
    return root


class Chroot:
    """A copy of the pristine root with /proc and /dev mounted; commands run inside with a minimal environment."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mounts: list[Path] = []

    def mount(self) -> None:
        for target, args in (("proc", ["-t", "proc", "proc"]), ("dev", ["--bind", "/dev"])):
            point = self.path / target
            point.mkdir(exist_ok=True)
            subprocess.run(["mount", *args, str(point)], check=True)
            self.mounts.append(point)
        shutil.copy("/etc/resolv.conf", self.path / "etc" / "resolv.conf")  # apt reaches the archive from inside

    def unmount(self) -> bool:
        """Detach /proc and /dev; True when nothing is mounted inside any more (only then may the copy be deleted:
        deleting through a bind mount of /dev would delete the host's device nodes)."""
        for point in reversed(self.mounts):
            subprocess.run(["umount", "--lazy", str(point)], check=False)
        self.mounts = [point for point in self.mounts if os.path.ismount(point)]
        return not self.mounts

    def run(self, *command: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["chroot", str(self.path), *command],
            env=CHROOT_ENV, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{output}")
        return result


@pytest.fixture(scope="module")
def chroot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chroot]:
    if os.geteuid() != 0:
        _missing("installing into a chroot needs root")
    for tool in ("debootstrap", "chroot", "mount", "dpkg-deb"):
        if not shutil.which(tool):
            _missing(f"{tool} is not installed (scripts/bootstrap.sh installs it)")
    if not DEB.is_file():
        _missing(f"no package at {DEB}: build it with scripts/build_bundle.sh --deb")
    pristine = pristine_root()
    work = tmp_path_factory.mktemp("debroot") / "root"
    subprocess.run(["cp", "-a", "--reflink=auto", str(pristine), str(work)], check=True)
    (work / ".complete").unlink()
    box = Chroot(work)
    try:
        box.mount()
        (work / "packages").mkdir()
        shutil.copy(DEB, work / "packages" / DEB.name)
        retries = "-oAcquire::Retries=3"  # a dropped connection to the archive is not a packaging failure
        box.run("apt-get", retries, "update", "-qq")
        box.run("apt-get", retries, "install", "-y", "-qq", "--no-install-recommends", f"/packages/{DEB.name}")
        yield box
    finally:
        box.unmount()
        remove_tree(work)


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
