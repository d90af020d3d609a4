"""First-window time of the frozen app against a bare PySide6 window frozen the same way, measured in the same run.

    .venv/bin/python bench/bench_frozen_start.py [--bundle dist/exposure-check] [--runs 9] [--keep-bare DIR]

What it does:
1. builds a bare PySide6 app (a QApplication and one QLabel) with its own one-folder spec, in a temporary
   folder, with the same PyInstaller and the same options as build.spec (one-folder, no UPX);
2. starts an Xvfb display and, for each run, starts one of the two executables on it and waits for X's MapNotify
   event of its first top-level window: that is the moment a window appears on the screen, seen from outside
   the app, with no hook inside either app. The process is then ended;
3. alternates the two apps, discards one warm-up run of each, and prints the medians, their ratio (target
   <= 2.5x) and both bundles' sizes (target <= 200 MB for the app).

Needs Xvfb (apt-get install xvfb) and libX11 (present wherever Qt's xcb plugin works). Prints ratios, never
asserts on time: machines differ, the ratio is what carries over.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 2.5
TARGET_MB = 200
MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
WINDOW_TIMEOUT_S = 60

BARE_APP = textwrap.dedent(
    """
    import sys

    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(sys.argv)
    label = QLabel("Hello")
    label.resize(400, 300)
    label.show()
    sys.exit(app.exec())
    """
)

BARE_SPEC = textwrap.dedent(
    """
    # One-folder, no UPX: the same way build.spec freezes the app.
    a = Analysis(["bare_app.py"], excludes=["tkinter", "gi"])
    pyz = PYZ(a.pure)
    exe = EXE(pyz, a.scripts, [], exclude_binaries=True, name="bare", console=True, upx=False)
    coll = COLLECT(exe, a.binaries, a.datas, upx=False, name="bare")
    """
)


def build_bare(workdir: Path) -> Path:
    (workdir / "bare_app.py").write_text(BARE_APP, encoding="utf-8")
    (workdir / "bare.spec").write_text(BARE_SPEC, encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "bare.spec"],
        cwd=workdir,
        check=True,
    )
    print(f"bare app built in {time.perf_counter() - started:.0f} s")
    return workdir / "dist" / "bare" / "bare"


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


class Display:
    """An Xvfb server and an Xlib connection that reports top-level windows being mapped."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        self.server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write_fd,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        number = b""
        while not number.endswith(b"\n"):
            chunk = os.read(read_fd, 16)
            if not chunk:
                raise RuntimeError("Xvfb did not start")
            number += chunk
        os.close(read_fd)
        self.name = f":{number.decode().strip()}"
        library = ctypes.util.find_library("X11")
        if not library:
            raise RuntimeError("libX11 not found")
        self.x11 = ctypes.CDLL(library)
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x11.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self.x11.XConnectionNumber.argtypes = [ctypes.c_void_p]
        self.x11.XPending.argtypes = [ctypes.c_void_p]
        self.x11.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.dpy = self.x11.XOpenDisplay(self.name.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open display {self.name}")
        root = self.x11.XDefaultRootWindow(self.dpy)
        self.x11.XSelectInput(self.dpy, root, SUBSTRUCTURE_NOTIFY_MASK)
        self.x11.XFlush(self.dpy)
        self.fd = self.x11.XConnectionNumber(self.dpy)
        self.event = ctypes.create_string_buffer(192)  # sizeof(XEvent) is 192 on 64-bit

    def drain(self) -> None:
        while self.x11.XPending(self.dpy):
            self.x11.XNextEvent(self.dpy, self.event)

    def wait_for_map(self, deadline: float) -> float | None:
        """perf_counter() at the next MapNotify on the root window's children, or None at the deadline."""
        while time.perf_counter() < deadline:
            while self.x11.XPending(self.dpy):
                self.x11.XNextEvent(self.dpy, self.event)
                if ctypes.c_int.from_buffer(self.event).value == MAP_NOTIFY:
                    return time.perf_counter()
            select.select([self.fd], [], [], 0.05)
        return None

    def close(self) -> None:
        self.x11.XCloseDisplay(self.dpy)
        self.server.terminate()
        self.server.wait(timeout=10)


def first_window(display: Display, exe: Path, args: list[str], env: dict[str, str]) -> float:
    display.drain()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(exe), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=env["HOME"]
    )
    try:
        shown = display.wait_for_map(started + WINDOW_TIMEOUT_S)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if shown is None:
        raise RuntimeError(f"{exe.name} showed no window within {WINDOW_TIMEOUT_S} s")
    return shown - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / "exposure-check")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep-bare", type=Path, help="build the bare app here and keep it (reused if present)")
    args = parser.parse_args()

    app_exe = args.bundle / "exposure-check"
    if not app_exe.is_file():
        print(f"no bundle at {args.bundle}: run scripts/build_bundle.sh --build first", file=sys.stderr)
        return 2
    if not shutil.which("Xvfb"):
        print("Xvfb is needed to see windows appear (apt-get install xvfb)", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="bench-frozen-") as tmp:
        workdir = args.keep_bare or Path(tmp) / "bare"
        workdir.mkdir(parents=True, exist_ok=True)
        bare_exe = workdir / "dist" / "bare" / "bare"
        if not bare_exe.is_file():
            bare_exe = build_bare(workdir)
        home = Path(tmp) / "home"
        home.mkdir()
        display = Display()
        try:
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": str(home),
                "LANG": "C.UTF-8",
                "DISPLAY": display.name,
                "QT_QPA_PLATFORM": "xcb",
                "XDG_CONFIG_HOME": str(home / ".config"),
                "XDG_DATA_HOME": str(home / ".local" / "share"),
                "XDG_STATE_HOME": str(home / ".local" / "state"),
                "XDG_CACHE_HOME": str(home / ".cache"),
            }
            candidates = {"bare": (bare_exe, []), "app": (app_exe, ["gui"])}
            times: dict[str, list[float]] = {name: [] for name in candidates}
            for name, (exe, extra) in candidates.items():
                first_window(display, exe, extra, env)  # warm-up: page cache, font cache
                print(f"warm-up {name}: done")
            for _ in range(args.runs):
                for name, (exe, extra) in candidates.items():
                    times[name].append(first_window(display, exe, extra, env))
        finally:
            display.close()
        bare_mb = size_mb(bare_exe.parent)

    bare, app = statistics.median(times["bare"]), statistics.median(times["app"])
    app_mb = size_mb(args.bundle)
    ratio = app / bare
    print(f"first window, median of {args.runs} (Xvfb, one-folder, warm):")
    print(f"  bare PySide6 window: {bare * 1000:7.0f} ms   (min {min(times['bare']) * 1000:.0f} ms)")
    print(f"  Exposure Check:      {app * 1000:7.0f} ms   (min {min(times['app']) * 1000:.0f} ms)")
    print(
        f"  ratio app/bare:      {ratio:7.2f}x   target <= {TARGET_RATIO}x  {'OK' if ratio <= TARGET_RATIO else 'OVER'}"
    )
    print(f"bundle size: app {app_mb:.1f} MB (target <= {TARGET_MB} MB), bare {bare_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
