"""Is this really the app? `kit build` refuses any bundle that is not, before a stick goes out with it.

A bundle folder must hold the app's executable (`exposure-check`, `exposure-check.exe`, or a macOS `.app`'s
`Contents/MacOS/exposure-check`) and, where that executable can run on this computer, answer `--version` as the app
does. A bundle for another system (a Windows folder checked on Linux) cannot be run here, so its layout is checked
instead: an executable of the right format and the app's translations beside it. A single file must be an installer
or one-file app in a format the project builds (.deb, AppImage/ELF, Windows PE or MSI, macOS disk image), run with
`--version` when it is a native executable.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from exposurecheck.core.errors import UserError

APP = "exposure-check"
_VERSION_ANSWER = re.compile(rb"^exposure-check \d+\.\d+")
_VERSION_SECONDS = 60  # a frozen app unpacks and imports on first start; a slow stick makes it slower
_EXECUTABLES = (APP, f"{APP}.exe", f"Contents/MacOS/{APP}")
_RESOURCES = ("_internal/resources/i18n", "Contents/Resources/resources/i18n", "Contents/Frameworks/resources/i18n")
_ELF, _PE, _CFB = b"\x7fELF", b"MZ", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACHO = (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_HEAD = 64


def check_bundle(path: Path) -> None:
    """Return quietly for the app (a bundle folder or an installer file); `UserError` naming the file otherwise."""
    path = Path(path)
    if path.is_dir():
        _check_folder(path)
    else:
        _check_file(path)


def _check_folder(folder: Path) -> None:
    executable = next((folder / name for name in _EXECUTABLES if (folder / name).is_file()), None)
    if executable is None:
        raise UserError("kit.bundle.no_app", file=folder.name)
    head = _head(executable)
    if _runs_here(head):
        _ask_version(executable, folder.name)
        return
    if not head.startswith((_PE, *_MACHO, _ELF)):
        raise UserError("kit.bundle.not_the_app", file=folder.name)
    # Built for another system: the app's own translations must sit beside the executable.
    if not any(any((folder / place).glob("*.en.json")) for place in _RESOURCES if (folder / place).is_dir()):
        raise UserError("kit.bundle.not_the_app", file=folder.name)


def _check_file(file: Path) -> None:
    head = _head(file)
    if _runs_here(head):
        _ask_version(file, file.name)
        return
    if head.startswith(b"!<arch>\ndebian-binary"):
        return  # a .deb: the package format the project builds for Linux
    if head.startswith((_PE, _CFB)) and file.suffix.lower() in (".exe", ".msi"):
        return  # a Windows installer (Inno Setup .exe or .msi)
    if head.startswith(_ELF) and file.name.lower().endswith(".appimage"):
        return  # an AppImage for another architecture
    if file.suffix.lower() == ".dmg" and _dmg_trailer(file):
        return
    raise UserError("kit.bundle.not_the_app", file=file.name)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_HEAD)
    except OSError:
        raise UserError("kit.build.missing_input", file=str(path)) from None


def _runs_here(head: bytes) -> bool:
    """Whether an executable with this header is one this computer runs (then it is asked for its version)."""
    if sys.platform == "win32":
        return head.startswith(_PE)
    if sys.platform == "darwin":
        return head.startswith(_MACHO)
    return head.startswith(_ELF) or head.startswith(b"#!")


def _ask_version(executable: Path, name: str) -> None:
    if not os.access(executable, os.X_OK):
        raise UserError("kit.bundle.not_the_app", file=name)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        result = subprocess.run(
            [str(executable), "--version"],
            capture_output=True,
            timeout=_VERSION_SECONDS,
            stdin=subprocess.DEVNULL,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        raise UserError("kit.bundle.not_the_app", file=name) from None
    if result.returncode != 0 or not _VERSION_ANSWER.match(result.stdout.strip()):
        raise UserError("kit.bundle.not_the_app", file=name)


def _dmg_trailer(file: Path) -> bool:
    """A macOS disk image ends with a 512-byte "koly" block."""
    try:
        with file.open("rb") as handle:
            handle.seek(-512, os.SEEK_END)
            return handle.read(4) == b"koly"
    except OSError:
        return False
