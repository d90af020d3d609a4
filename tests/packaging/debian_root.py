"""A clean Debian 12 root, and the Debian packages the .deb needs, fetched *before* the tests run, so that
tests/packaging/test_deb_install.py installs the .deb with apt and no network at all (tests never reach the
internet; the chroot's commands run in a network namespace of their own, which has none).

    .venv/bin/python -m tests.packaging.debian_root [--deb FILE]

scripts/test runs this as root after building the .deb, the way bootstrap.sh fetches the apt packages the suite
needs. What it keeps under build/deb-test/ (EXPOSURECHECK_DEBROOT_CACHE moves it):

    bookworm-minbase/   `debootstrap --variant=minbase bookworm` from the mirror this machine's apt uses (made once)
    lists/              the archive's package lists (apt-get update in a copy of that root)
    archives/           every .deb apt needs to install the package into that root (apt-get --download-only)
    prepared-for        the SHA-256 of the .deb those were fetched for: a rebuilt .deb with the same Depends fetches
                        nothing new, one with new Depends fetches what it lacks
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("EXPOSURECHECK_DEBROOT_CACHE", REPO / "build" / "deb-test"))
SUITE = "bookworm"
PRISTINE = CACHE / f"{SUITE}-minbase"
LISTS = CACHE / "lists"
ARCHIVES = CACHE / "archives"
PREPARED = CACHE / "prepared-for"
CHROOT_ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
    "DEBIAN_FRONTEND": "noninteractive",
    "QT_QPA_PLATFORM": "offscreen",
}


class ChrootCommandFailed(AssertionError):
    """A command in the chroot failed (an AssertionError, so pytest reports it as the test's failure)."""


def default_deb() -> Path:
    from exposurecheck import __version__

    return REPO / "dist" / f"exposure-check_{__version__}_amd64.deb"


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


class Chroot:
    """A copy of a root with /proc and /dev mounted; commands run inside with a minimal environment. Offline, each
    command runs in a new network namespace (`unshare --net`): only a loopback interface, which is down."""

    def __init__(self, path: Path, *, offline: bool) -> None:
        self.path = path
        self.offline = offline
        self.mounts: list[Path] = []

    def mount(self) -> None:
        for target, args in (("proc", ["-t", "proc", "proc"]), ("dev", ["--bind", "/dev"])):
            point = self.path / target
            point.mkdir(exist_ok=True)
            subprocess.run(["mount", *args, str(point)], check=True)
            self.mounts.append(point)
        resolv = self.path / "etc" / "resolv.conf"
        if self.offline:
            resolv.unlink(missing_ok=True)
        else:
            shutil.copy("/etc/resolv.conf", resolv)  # apt reaches the archive from inside

    def unmount(self) -> bool:
        """Detach /proc and /dev; True when nothing is mounted inside any more (only then may the copy be deleted:
        deleting through a bind mount of /dev would delete the host's device nodes)."""
        for point in reversed(self.mounts):
            subprocess.run(["umount", "--lazy", str(point)], check=False)
        self.mounts = [point for point in self.mounts if os.path.ismount(point)]
        return not self.mounts

    def run(self, *command: str, timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess[str]:
        wrapper = ["unshare", "--net"] if self.offline else []
        result = subprocess.run(
            [*wrapper, "chroot", str(self.path), *command],
            env=CHROOT_ENV, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if check and result.returncode != 0:
            output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            raise ChrootCommandFailed(f"{' '.join(command)} exited {result.returncode}:\n{output}")
        return result


def pristine_root() -> Path:
    """A minimal Debian 12, made once (about 30 s plus the download) and reused. Needs the network."""
    if (PRISTINE / ".complete").is_file():
        return PRISTINE
    partial = CACHE / f"{SUITE}-minbase.partial"
    remove_tree(partial)
    partial.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["debootstrap", "--variant=minbase", SUITE, str(partial), debian_mirror()],
        check=True, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    remove_tree(PRISTINE)
    partial.rename(PRISTINE)
    (PRISTINE / ".complete").touch()
    return PRISTINE


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_prepared(deb: Path) -> bool:
    return (PRISTINE / ".complete").is_file() and PREPARED.is_file() and PREPARED.read_text().strip() == sha256(deb)


def copy_root(work: Path) -> Chroot:
    """A fresh copy of the pristine root, given the fetched package lists and packages, ready to install offline."""
    subprocess.run(["cp", "-a", "--reflink=auto", str(PRISTINE), str(work)], check=True)
    (work / ".complete").unlink()
    lists = work / "var/lib/apt/lists"
    shutil.rmtree(lists, ignore_errors=True)
    shutil.copytree(LISTS, lists, symlinks=True)
    archives = work / "var/cache/apt/archives"
    archives.mkdir(parents=True, exist_ok=True)
    for package in ARCHIVES.glob("*.deb"):
        shutil.copy(package, archives / package.name)
    return Chroot(work, offline=True)


def prepare(deb: Path) -> bool:
    """Fetch what installing `deb` needs (the network is used here, not in the test). False if nothing was needed."""
    if is_prepared(deb):
        return False
    pristine_root()
    work = CACHE / "fetch"
    remove_tree(work)
    subprocess.run(["cp", "-a", "--reflink=auto", str(PRISTINE), str(work)], check=True)
    box = Chroot(work, offline=False)
    try:
        box.mount()
        (work / "packages").mkdir(exist_ok=True)
        shutil.copy(deb, work / "packages" / deb.name)
        cache = work / "var/cache/apt/archives"
        for kept in cache.glob("*.deb"):  # debootstrap's own: already installed
            kept.unlink()
        # What the last run fetched goes in first: apt-get update then downloads only the indexes that changed, and
        # --download-only only the packages it lacks (a .deb rebuilt with the same Depends fetches none).
        if LISTS.is_dir():
            shutil.copytree(LISTS, work / "var/lib/apt/lists", symlinks=True, dirs_exist_ok=True)
        for package in ARCHIVES.glob("*.deb"):
            shutil.copy(package, cache / package.name)
        retries = "-oAcquire::Retries=3"
        box.run("apt-get", retries, "update", "-qq")
        box.run(
            "apt-get",
            retries,
            "install",
            "--download-only",
            "-y",
            "-qq",
            "--no-install-recommends",
            f"/packages/{deb.name}",
        )
        box.run("apt-get", "autoclean", "-qq")  # versions the archive no longer has: do not keep them forever
        fetched = work / "var/cache/apt/archives"
        ARCHIVES.mkdir(parents=True, exist_ok=True)
        for old in ARCHIVES.glob("*.deb"):
            old.unlink()
        for package in fetched.glob("*.deb"):
            shutil.copy(package, ARCHIVES / package.name)
        shutil.rmtree(LISTS, ignore_errors=True)
        shutil.copytree(
            work / "var/lib/apt/lists", LISTS, symlinks=True, ignore=shutil.ignore_patterns("lock", "partial")
        )
    finally:
        if box.unmount():
            remove_tree(work)
    PREPARED.write_text(sha256(deb) + "\n")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=Path, default=None, help="the package (default: dist/'s for this version)")
    args = parser.parse_args(argv)
    deb = args.deb or default_deb()
    if not deb.is_file():
        print(f"debian_root: no package at {deb}", file=sys.stderr)
        return 1
    try:
        fetched = prepare(deb)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, ChrootCommandFailed) as failure:
        # Offline, or the mirror unreachable: say what failed and its output (debootstrap's is captured), not a
        # traceback; the install test then skips, or under CI fails, saying the packages were not fetched.
        output = "".join(
            part.decode("utf-8", "replace") if isinstance(part, bytes) else part
            for part in (getattr(failure, "stdout", None), getattr(failure, "stderr", None))
            if part
        )
        print(
            f"debian_root: could not fetch what installing {deb.name} needs: {failure}\n{output[-2000:]}",
            file=sys.stderr,
        )
        return 1
    print(f"debian_root: {'fetched' if fetched else 'already had'} what installing {deb.name} needs, in {CACHE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
