"""Time to first window: the Exposure Check window against a bare PySide6 window, measured in the same run.

Each sample starts a fresh Python process and measures, from the parent, the wall time until the child reports that
its window has been shown and painted once (the child then exits). Both children are built the same way (same
interpreter, same Qt platform), so the ratio is what the design target is about: ≤ 2.5× a bare window.

    python bench/bench_first_window.py [--runs 7] [--platform offscreen]

The app builds its welcome page first and the other pages at the first turn of the event loop (as `exposure-check
gui` does), so "first window" is the welcome page painted once. This measures the source tree with the venv's
Python; the frozen build's own start-up is not covered here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BARE = """
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.resize(1024, 768)
window.show()
app.processEvents()
window.grab()  # one real paint
print("shown", flush=True)
"""

APP = """
from PySide6.QtCore import QThreadPool
from exposurecheck.gui.app import create_window
running = create_window("en", pool=QThreadPool(), install_hook=False, defer_pages=True)
running.window.resize(1024, 768)
running.window.show()
running.window.grab()  # one real paint of the welcome page, as a person first sees it
print("shown", flush=True)
running.app.processEvents()  # the rest of the pages are built now, after the first window
assert running.window.pages_built
"""


def sample(code: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env, text=True)
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - start
    child.wait(timeout=60)
    if line.strip() != "shown":
        raise SystemExit(f"child did not show its window (exit {child.returncode})")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=args.platform,
               PYTHONPATH=os.pathsep.join([str(REPO / "desktop"), str(REPO / "server")]))
    sample(BARE, env)  # warm the file cache for both, so neither pays for the first disk read alone
    sample(APP, env)
    bare, app = [], []
    for _ in range(args.runs):  # interleaved, so a slow moment on the machine hits both alike
        bare.append(sample(BARE, env))
        app.append(sample(APP, env))
    bare_median, app_median = statistics.median(bare), statistics.median(app)
    ratio = app_median / bare_median
    print(f"bare PySide6 window: median {bare_median * 1000:.0f} ms (min {min(bare) * 1000:.0f})")
    print(f"Exposure Check:      median {app_median * 1000:.0f} ms (min {min(app) * 1000:.0f})")
    print(f"ratio: {ratio:.2f}x (target <= 2.5x) over {args.runs} runs, platform {args.platform}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
