#!/usr/bin/python3
"""Reads the running app the way a screen reader does, for tests/gui/test_screen_reader.py (issue 18).

Run with Debian's own python3 (python3-pyatspi, python3-gi; a venv has no `gi`) inside a private D-Bus session:

    dbus-run-session -- /usr/bin/python3 tests/support/atspi_reader.py --lang en --out tour.json -- APP COMMAND...

It starts Xvfb, the AT-SPI bus (`at-spi-bus-launcher --launch-immediately`), a loopback server that holds requests
until told to fail them, and the app itself (xcb, QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1, a throwaway HOME). It then
walks the app as a person with Orca would: it presses controls through their AT-SPI actions, types through the
editable-text interface, and presses keys (Tab, Down, Alt+Right) with xdotool on the real X server. After every
step it records what an AT-SPI client sees: every control that is shown and focusable (role, name, label,
description, states, place on screen, the named groups around it), what has the focus, what was announced, and,
on the pages that ask for it, the Tab order. After every page change it asks every node of the whole tree, hidden
pages included, for one child more than it has (what crashed the app before, issue 18.0) and checks the app lives.

It prints nothing but progress; the findings go to --out as JSON, and the test asserts on them. Stdlib + pyatspi
only: the project's own packages are not importable from this Python.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pyatspi
from gi.repository import Atspi, Gio, GLib

STEP_TIMEOUT = 15.0  # seconds a page change or an answer may take on a loaded CI machine
PASSPHRASE = "a11y test passphrase, not secret"
PASSWORD = "a11y-test-not-a-real-password"
SCREEN = "1280x1024x24"
BUS_TIMEOUT = 30.0  # seconds the accessibility bus may take to start on a loaded CI machine
APP_LOG = "app-output.txt"  # in the tour's home: what the app wrote (stdout and stderr)
XVFB_LOG = "xvfb-stderr.txt"
LAUNCHER_LOG = "bus-launcher-stderr.txt"
# What Qt's own item interfaces say when asked for a child they do not have (the tour asks, on purpose).
_PROBE_WARNING = re.compile(r"^QAccessible\w+::child: Invalid index")

# Roles that may be focused without being a control a person operates: none. Kept for the report's reader.
CONTAINER_ROLES = {"filler", "panel", "grouping", "layered pane", "scroll pane", "frame", "dialog", "page tab list",
                   "unknown", "label", "application", "viewport", "section", "redundant object"}


def log(*parts: object) -> None:
    print("[atspi]", *parts, file=sys.stderr, flush=True)


# --- the loopback server: holds each request until told to fail them ---------------------------------------------


class HoldingServer:
    """Accepts HTTP connections on 127.0.0.1 and answers none of them until `fail()`; then every held and every new
    request gets 404, which the app reports as a failed source (no retries: 404 is not a transient status)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.failing = threading.Event()
        self.held: list[socket.socket] = []
        self.requests = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.requests += 1
            if self.failing.is_set():
                self._answer(conn)
            else:
                self.held.append(conn)

    @staticmethod
    def _answer(conn: socket.socket) -> None:
        try:
            conn.settimeout(2)
            with contextlib.suppress(OSError):
                conn.recv(65536)
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    def fail(self) -> None:
        self.failing.set()
        held, self.held = self.held, []
        for conn in held:
            self._answer(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


# --- the desktop: X server, accessibility bus, the app -----------------------------------------------------------


class Desktop:
    def __init__(self, app_cmd: list[str], home: Path) -> None:
        self.app_cmd = app_cmd
        self.home = home
        self.procs: list[subprocess.Popen[bytes]] = []
        self.app: subprocess.Popen[bytes] | None = None
        self.server = HoldingServer()
        self.window_ids: list[str] = []
        self.exit_at_stop: int | None = None
        self.a11y_address = ""

    def start(self) -> None:
        """The X server, then the accessibility bus, then the app, each started only once the one before is ready.

        Order matters (issue 18, a start-up SIGABRT in about one run in ten): an X server resets itself whenever its
        last client leaves, and a client that connects during the reset is refused. The bus launcher, the registry
        and this reader each connect to X for a moment at start-up (the launcher to set the AT_SPI_BUS property), so
        the app's own connection could land in a reset; Qt then has no display and aborts ("could not connect to
        display", "no Qt platform plugin could be initialized"). Hence `-noreset`. And an app (or this reader) that
        asks for the accessibility bus before the launcher owns its name makes D-Bus start a second launcher that
        races the first; hence the wait for the bus's address before anything else starts."""
        read_fd, write_fd = os.pipe()
        # -displayfd: Xvfb picks a free display and writes its number once it accepts clients (no sleep needed).
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp",
                                 "-noreset"],
                                pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                                stderr=open(self.home / XVFB_LOG, "wb"))  # noqa: SIM115
        self.procs.append(xvfb)
        os.close(write_fd)
        display = b""
        while not display.endswith(b"\n"):
            chunk = os.read(read_fd, 16)
            if not chunk:
                raise RuntimeError(f"Xvfb did not start: {self._tail(XVFB_LOG)}")
            display += chunk
        os.close(read_fd)
        os.environ["DISPLAY"] = ":" + display.decode().strip()
        launcher = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"],
                                    stdout=subprocess.DEVNULL,
                                    stderr=open(self.home / LAUNCHER_LOG, "wb"))  # noqa: SIM115
        self.procs.append(launcher)
        self.a11y_address = wait_for_accessibility_bus(launcher, lambda: self._tail(LAUNCHER_LOG))
        config = self.home / "config"
        config.mkdir(parents=True, exist_ok=True)
        # The only online source: Pwned Passwords on the holding server (a loopback address: plain http allowed);
        # and the data files the test left in EXPOSURECHECK_PACK_DIRS (settings' sources replace the search).
        packs = [f"pack={path}" for folder in os.environ.get("EXPOSURECHECK_PACK_DIRS", "").split(os.pathsep)
                 if folder for path in sorted(Path(folder).glob("*.ecpack"))]
        (config / "settings.json").write_text(json.dumps({
            "format": "exposurecheck.settings", "version": 1,
            "sources": [f"hibp-passwords=http://127.0.0.1:{self.server.port}", *packs],
        }), encoding="utf-8")
        env = dict(os.environ, HOME=str(self.home), QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
                   EXPOSURECHECK_CONFIG_DIR=str(config), EXPOSURECHECK_DATA_DIR=str(self.home / "data"),
                   EXPOSURECHECK_STATE_DIR=str(self.home / "state"), PYTHONUNBUFFERED="1",
                   # A crash (SIGSEGV, SIGABRT) prints the Python stack of every thread to the app's log: file names,
                   # functions and lines only, no values.
                   PYTHONFAULTHANDLER="1",
                   XDG_CONFIG_HOME=str(self.home / ".config"), XDG_DATA_HOME=str(self.home / ".local/share"),
                   # No keyring here (D-Bus would start one that then asks for a password on screen): keeping a
                   # check takes the passphrase path, which is what is read.
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        env.pop("QT_ACCESSIBILITY", None)
        log_file = open(self.home / APP_LOG, "wb")  # noqa: SIM115  (the app's stdout and stderr, kept whole)
        self.app = subprocess.Popen(self.app_cmd, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        self.procs.append(self.app)

    def _tail(self, name: str, limit: int = 2000) -> str:
        try:
            return (self.home / name).read_text(errors="replace")[-limit:].strip()
        except OSError:
            return ""

    def app_report(self) -> dict[str, object]:
        """How the app ended, in words, and its output: the beginning (start-up messages, Qt's reasons) and the end
        (a Python stack from faulthandler), with the accessibility warnings a client's probing causes by the
        thousand counted instead of listed."""
        code = self.exit_at_stop
        if self.app is None:
            how = "never started"
        elif code is None:
            how = "was running until the tour ended"
        elif code < 0:
            how = f"killed by {signal.Signals(-code).name} (signal {-code})"
        else:
            how = f"exited with status {code}"
        try:
            text = (self.home / APP_LOG).read_text(errors="replace")
        except OSError:
            text = ""
        kept, noise = [], 0
        for line in text.splitlines():
            if _PROBE_WARNING.match(line):
                noise += 1
            else:
                kept.append(line)
        if noise:
            kept.append(f"[{noise} warnings from Qt's item interfaces about an index out of range left out: the "
                        f"tour asks for them on purpose]")
        output = "\n".join(kept)
        if len(output) > 12000:
            output = output[:4000] + "\n[...]\n" + output[-8000:]
        return {"how": how, "exit": code, "output": output, "xvfb": self._tail(XVFB_LOG),
                "bus_launcher": self._tail(LAUNCHER_LOG)}

    def alive(self) -> bool:
        return self.app is not None and self.app.poll() is None

    def app_exit(self) -> int | None:
        return None if self.app is None else self.app.poll()

    def focus_window(self) -> None:
        """Give the app's main window the X keyboard focus (there is no window manager to do it)."""
        assert self.app is not None
        if not self.window_ids:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.app.pid)],
                                   capture_output=True, text=True, timeout=10).stdout.split()
            sizes = []
            for window in found:
                shell = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window],
                                       capture_output=True, text=True, timeout=10).stdout
                values = dict(line.split("=", 1) for line in shell.splitlines() if "=" in line)
                sizes.append((int(values.get("WIDTH", 0)) * int(values.get("HEIGHT", 0)), window))
            self.window_ids = [max(sizes)[1]] if sizes else []
        for window in self.window_ids:
            subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True, timeout=10)

    def focus_dialog(self) -> None:
        """Give the newest other window (a dialog) the keyboard, as a window manager does when one opens."""
        assert self.app is not None
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(self.app.pid)],
                               capture_output=True, text=True, timeout=10).stdout.split()
        others = [window for window in found if window not in self.window_ids]
        if others:
            subprocess.run(["xdotool", "windowfocus", "--sync", others[-1]], capture_output=True, timeout=10)

    @staticmethod
    def keys(*names: str) -> None:
        """Press and release keys on the X server. A plain key goes through the AT-SPI registry (XTest), as a screen
        reader's own key synthesis does, without a process per key; a combination ("alt+Right") through xdotool."""
        for name in names:
            if "+" in name:
                subprocess.run(["xdotool", "key", name], capture_output=True, timeout=10)
            else:
                Atspi.generate_keyboard_event(_KEYSYMS[name.lower()], None, Atspi.KeySynthType.SYM)

    def stop(self) -> None:
        self.exit_at_stop = self.app_exit()  # how the app ended by itself, if it did, before it is stopped here
        self.server.close()
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_for_accessibility_bus(launcher: subprocess.Popen[bytes], launcher_log: Callable[[], str]) -> str:
    """The accessibility bus's address, once the launcher owns its D-Bus name and answers. Asked without D-Bus
    auto-start: a call that started a second launcher would race the first (the race this wait is for)."""
    session = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    no_start = Gio.DBusCallFlags.NO_AUTO_START
    deadline = time.monotonic() + BUS_TIMEOUT
    while True:
        owned = session.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                  "NameHasOwner", GLib.Variant("(s)", ("org.a11y.Bus",)), GLib.VariantType("(b)"),
                                  no_start, 5000, None).unpack()[0]
        if owned:
            address = session.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None,
                                        GLib.VariantType("(s)"), no_start, 5000, None).unpack()[0]
            if address:
                return str(address)
        if launcher.poll() is not None:
            raise RuntimeError(f"the accessibility bus launcher exited with {launcher.returncode}: {launcher_log()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the accessibility bus did not start in {BUS_TIMEOUT:.0f} s: {launcher_log()}")
        time.sleep(0.05)  # polled: the name appears within a few hundred milliseconds


_KEYSYMS = {"tab": 0xFF09, "escape": 0xFF1B, "down": 0xFF54, "up": 0xFF52, "right": 0xFF53, "left": 0xFF51,
            "return": 0xFF0D, "space": 0x20}


# --- reading the tree ---------------------------------------------------------------------------------------------


def object_name(node_id: str) -> str:
    """Qt's accessible id is the chain of object names ("…DetailsPage.field_password"): the last one is the widget's."""
    return node_id.rsplit(".", 1)[-1]


class Reader:
    def __init__(self, desktop: Desktop) -> None:
        self.desktop = desktop
        self.app: Atspi.Accessible | None = None
        self.announcements: list[str] = []
        self.focus_events: list[Atspi.Accessible] = []
        self.fuzzed_nodes = 0
        self.fuzz_requests = 0
        self.listener = Atspi.EventListener.new(self._event)
        self.listener.register("object:announcement")
        self.listener.register("object:state-changed:focused")

    def _event(self, event: Atspi.Event) -> None:
        if event.type == "object:announcement":
            self.announcements.append(str(event.any_data))
        elif event.detail1 == 1 and event.source is not None:
            self.focus_events.append(event.source)

    def pump(self, seconds: float = 0.0) -> None:
        context = GLib.MainContext.default()
        end = time.monotonic() + seconds
        while True:
            while context.iteration(False):
                pass
            if time.monotonic() >= end:
                return
            time.sleep(0.02)

    def find_app(self) -> None:
        assert self.desktop.app is not None
        pid = self.desktop.app.pid
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            desktop = pyatspi.Registry.getDesktop(0)
            for index in range(desktop.childCount):
                app = desktop.getChildAtIndex(index)
                try:
                    if app is not None and app.get_process_id() == pid and app.childCount:
                        self.app = app
                        return
                except GLib.GError:
                    continue
            if not self.desktop.alive():
                raise AppDied(self.desktop.app_exit(), "before it was on the accessibility bus")
            time.sleep(0.2)
        raise RuntimeError("the app did not appear on the accessibility bus")

    # --- nodes ---

    @staticmethod
    def _states(acc: Atspi.Accessible) -> set[str]:
        return {pyatspi.stateToString(s) for s in acc.getState().getStates()}

    def info(self, acc: Atspi.Accessible, groups: tuple[str, ...] = (), *, full: bool = True) -> dict[str, object]:
        states = self._states(acc)
        node_id = acc.get_accessible_id() or ""
        entry: dict[str, object] = {
            "id": node_id, "object": object_name(node_id), "role": acc.getRoleName(), "name": acc.name or "",
            "states": sorted(states & {"focusable", "focused", "showing", "visible", "checked", "enabled",
                                        "sensitive", "editable", "checkable", "expandable", "expanded",
                                        "selectable", "selected"}),
            "groups": list(groups),
        }
        if full:
            entry["description"] = acc.description or ""
            labels = []
            for relation in acc.getRelationSet():
                if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
                    labels += [relation.getTarget(i).name or "" for i in range(relation.getNTargets())]
            entry["labelled_by"] = labels
            box = acc.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
            entry["box"] = [box.x, box.y, box.width, box.height]
            if entry["role"] in ("text", "password text"):
                try:
                    text = acc.queryText()
                    entry["has_text"] = text.characterCount > 0
                except NotImplementedError:
                    entry["has_text"] = False
        return entry

    def windows(self) -> list[Atspi.Accessible]:
        assert self.app is not None
        found = []
        for index in range(self.app.childCount):
            window = self.app.getChildAtIndex(index)
            if window is not None and "showing" in self._states(window):
                found.append(window)
        return found

    def walk(self, *, labels: bool = False) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        """The shown, focusable controls of every shown window in tree order, and (with `labels`) the shown text.
        A combo box's own popup list is Qt's and is not descended into."""
        controls: list[dict[str, object]] = []
        texts: list[dict[str, object]] = []
        page = self.page_node()
        origin = page.queryComponent().getExtents(pyatspi.DESKTOP_COORDS) if page is not None else None

        def visit(acc: Atspi.Accessible, groups: tuple[str, ...]) -> None:
            states = self._states(acc)
            if "showing" not in states:
                return
            role = acc.getRoleName()
            if "focusable" in states:
                entry = self.info(acc, groups)
                if origin is not None:
                    box = entry["box"]
                    entry["page_box"] = [box[0] - origin.x, box[1] - origin.y, box[2], box[3]]  # type: ignore[index]
                controls.append(entry)
            elif labels and role == "label" and acc.name:
                texts.append({"object": object_name(acc.get_accessible_id() or ""), "name": acc.name,
                              "groups": list(groups)})
            if role == "combo box":
                return
            if role in ("grouping", "panel") and acc.name:
                groups = (*groups, acc.name)
            for index in range(acc.childCount):
                child = acc.getChildAtIndex(index)
                if child is not None:
                    visit(child, groups)

        for window in self.windows():
            visit(window, ())
        return controls, texts

    def find(self, name: str, *, timeout: float = STEP_TIMEOUT, index: int = 0) -> Atspi.Accessible:
        """The `index`-th shown node whose object name is `name`, waiting for it to appear."""
        deadline = time.monotonic() + timeout
        while True:
            hits: list[Atspi.Accessible] = []
            for window in self.windows():
                self._collect(window, name, hits)
            if len(hits) > index:
                return hits[index]
            self.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"no shown control named {name!r}")
            self.pump(0.1)

    def _collect(self, acc: Atspi.Accessible, name: str, hits: list[Atspi.Accessible]) -> None:
        if "showing" not in self._states(acc):
            return
        if object_name(acc.get_accessible_id() or "") == name:
            hits.append(acc)
        if acc.getRoleName() == "combo box":
            return
        for index in range(acc.childCount):
            child = acc.getChildAtIndex(index)
            if child is not None:
                self._collect(child, name, hits)

    def current_page(self) -> str:
        """The class name of the page on screen (the stacked widget's shown child holds it)."""
        assert self.app is not None
        frame = self.app.getChildAtIndex(0)
        stack = self._first(frame, lambda a: a.getRoleName() == "layered pane")
        if stack is None:
            return ""
        for index in range(stack.childCount):
            area = stack.getChildAtIndex(index)
            if area is not None and "showing" in self._states(area):
                page = self._first(area, lambda a: object_name(a.get_accessible_id() or "").endswith("Page"))
                return object_name(page.get_accessible_id()) if page is not None else ""
        return ""

    def page_node(self) -> Atspi.Accessible | None:
        name = self.current_page()
        return self.find(name, timeout=2) if name else None

    def _first(self, acc: Atspi.Accessible, pred, *, shown_only: bool = False) -> Atspi.Accessible | None:
        """The first node under `acc`, depth first, that `pred` accepts. `shown_only`: leave out what is not shown
        (and a combo box's own list)."""
        if shown_only and "showing" not in self._states(acc):
            return None
        if pred(acc):
            return acc
        if shown_only and acc.getRoleName() == "combo box":
            return None
        for index in range(acc.childCount):
            child = acc.getChildAtIndex(index)
            if child is not None:
                hit = self._first(child, pred, shown_only=shown_only)
                if hit is not None:
                    return hit
        return None

    def wait_page(self, page: str) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT
        while self.current_page() != page:
            self.check_alive()
            if time.monotonic() > deadline:
                raise RuntimeError(f"expected page {page}, still on {self.current_page()}")
            self.pump(0.1)
        self.pump(0.3)  # let focus settle and its events arrive

    def focused(self) -> dict[str, object] | None:
        """The shown node that has the focus now (read from the states, not from events); a dialog's first, as
        a control of the window under it may keep its focused state."""
        def focused(acc: Atspi.Accessible) -> bool:
            return "focused" in self._states(acc)

        for window in reversed(self.windows()):
            hit = self._first(window, focused, shown_only=True)
            # A container whose focus proxy has the focus says "focused" too (a tab widget around its tab bar): the
            # control is the deepest focused node, the one a screen reader's focus event names.
            while hit is not None and hit.getRoleName() != "combo box":
                children = (hit.getChildAtIndex(i) for i in range(hit.childCount))
                deeper = next((found for child in children if child is not None
                               and (found := self._first(child, focused, shown_only=True)) is not None), None)
                if deeper is None:
                    break
                hit = deeper
            if hit is not None:
                return self.info(hit)
        return None

    # --- acting ---

    def act(self, acc: Atspi.Accessible, action: str) -> None:
        actions = acc.queryAction()
        names = [actions.getName(i) for i in range(actions.nActions)]
        if action not in names:
            raise RuntimeError(f"{acc.get_accessible_id()} has no action {action!r} (has {names})")
        actions.doAction(names.index(action))
        self.pump(0.15)

    def press(self, name: str, index: int = 0) -> None:
        self.act(self.find(name, index=index), "Press")

    def set_text(self, name: str, text: str) -> None:
        self.find(name).queryEditableText().setTextContents(text)
        self.pump(0.1)

    def grab_focus(self, name: str) -> None:
        self.find(name).queryComponent().grabFocus()
        self.pump(0.15)

    def check_alive(self) -> None:
        if not self.desktop.alive():
            raise AppDied(self.desktop.app_exit())

    # --- Tab order ---

    def tab_cycle(self, limit: int = 60, *, dialog: bool = False) -> list[dict[str, object]]:
        """Press Tab until the focus comes back to where it started. Each stop is what the focus event names (what
        Orca would speak), with its place relative to the page: the page scrolls as the focus moves, so screen
        positions alone would not compare. `dialog`: the cycle of the open dialog, places relative to it."""
        focus = self.desktop.focus_dialog if dialog else self.desktop.focus_window
        focus()
        self.pump(0.2)
        stops: list[dict[str, object]] = []
        page = self.windows()[-1] if dialog else self.page_node()
        for _ in range(limit):
            self.focus_events.clear()
            self.desktop.keys("Tab")
            deadline = time.monotonic() + 3
            while not self.focus_events and time.monotonic() < deadline:
                self.pump(0.03)
            if not self.focus_events and not stops:  # the first key may have come before the window had the keyboard
                focus()
                self.pump(0.3)
                self.desktop.keys("Tab")
                deadline = time.monotonic() + 3
                while not self.focus_events and time.monotonic() < deadline:
                    self.pump(0.03)
            self.pump(0.03)
            if not self.focus_events:
                stops.append({"object": "", "role": "", "name": "", "lost": True})
                break
            stop = self.info(self.focus_events[-1])
            if page is not None:
                origin = page.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
                box = stop["box"]
                stop["page_box"] = [box[0] - origin.x, box[1] - origin.y, box[2], box[3]]  # type: ignore[index]
            if stops and _same(stop, stops[0]):
                break  # round once: the cycle is complete
            stops.append(stop)
        return stops

    # --- the crash of issue 18.0 ---

    def fuzz(self, *, depth: int = 40) -> None:
        """Ask every node down to `depth`, shown or hidden, for each child it says it has and for two more."""
        assert self.app is not None

        def visit(acc: Atspi.Accessible, level: int) -> None:
            self.fuzzed_nodes += 1
            count = acc.childCount
            children = []
            for index in range(count + 2):
                self.fuzz_requests += 1
                child = acc.getChildAtIndex(index)
                if index < count and child is not None:
                    children.append(child)
            if level < depth and acc.getRoleName() != "combo box":
                for child in children:
                    visit(child, level + 1)

        visit(self.app, 0)
        self.pump(0.05)
        self.check_alive()


def _same(first: dict[str, object], second: dict[str, object]) -> bool:
    return all(first.get(key) == second.get(key) for key in ("id", "role", "name"))


class AppDied(RuntimeError):
    def __init__(self, code: int | None, when: str = "") -> None:
        super().__init__(f"the app died (exit status {code}){' ' + when if when else ''}")
        self.code = code


# --- the tour -----------------------------------------------------------------------------------------------------


class Tour:
    def __init__(self, reader: Reader, lang: str) -> None:
        self.reader = reader
        self.lang = lang
        self.other = "zh_CN" if lang == "en" else "en"
        self.steps: list[dict[str, object]] = []
        self.timings: dict[str, float] = {"walk": 0.0, "tab": 0.0, "fuzz": 0.0, "wait": 0.0}

    def _timed(self, what: str, started: float) -> None:
        self.timings[what] = round(self.timings[what] + time.monotonic() - started, 2)

    def record(self, step: str, *, tab: bool = False, labels: bool = False, lang: str | None = None,
               arrived: bool = True, dialog: bool = False) -> None:
        """What a client sees now. `arrived`: the page was just changed to (so the focus is where a page change
        puts it). `dialog`: a dialog is open; its own controls and the dialog's name and description are kept."""
        reader = self.reader
        reader.pump(0.2)
        started = time.monotonic()
        controls, texts = reader.walk(labels=labels)
        self._timed("walk", started)
        entry: dict[str, object] = {
            "step": step, "lang": lang or self.lang, "page": reader.current_page(), "controls": controls,
            "focused": reader.focused(), "announcements": list(reader.announcements), "arrived": arrived,
        }
        if labels:
            entry["texts"] = texts
        if dialog:
            window = reader.windows()[-1]
            entry["dialog"] = {"role": window.getRoleName(), "name": window.name or "",
                               "description": window.description or ""}
            entry["dialog_controls"] = [c for c in controls if not str(c["id"]).startswith("QApplication.mainWindow")]
        reader.announcements.clear()
        if tab:
            started = time.monotonic()
            entry["tab"] = reader.tab_cycle(dialog=dialog)
            entry["focused_after"] = reader.focused()  # where the cycle left the focus
            self._timed("tab", started)
        self.steps.append(entry)
        log(f"{step}: page {entry['page']}, {len(controls)} controls")

    def page_change(self, page: str, *, whole_tree: bool = False) -> None:
        """Wait for `page`, then read the hidden pages' children (and one more each) and check the app lives. The
        pages sit 5 levels down (window, central widget, stack, scroll area, viewport, column, page); 8 levels reach
        every page's own children. `whole_tree` goes all the way down."""
        started = time.monotonic()
        self.reader.wait_page(page)
        self._timed("wait", started)
        started = time.monotonic()
        self.reader.fuzz(depth=40 if whole_tree else 8)
        self._timed("fuzz", started)

    def run(self) -> None:
        r = self.reader
        self.page_change("WelcomePage", whole_tree=True)
        r.desktop.focus_window()  # as when the person clicks into the new window
        r.pump(0.3)
        self.record("welcome", tab=True)

        r.press("aboutButton")
        self.walk_dialog("aboutDialog", "about dialog")

        r.press("questionsButton")
        self.page_change("QuestionnairePage")
        self.record("questionnaire", tab=True)
        r.press("questionsBackButton")
        self.page_change("WelcomePage")

        r.press("startButton")
        self.page_change("DetailsPage")
        self.record("details", tab=True)

        r.set_text("field_password", PASSWORD)
        r.press("checkButton")
        if os.environ.get("EXPOSURECHECK_PACK_DIRS"):
            # The test left a data file from a publisher this computer does not know where the app looks: it asks
            # first, in a dialog; Escape is "Don't use it".
            self.walk_dialog("publisherDialog", "publisher dialog", safe="declinePublisherButton")
        self.page_change("ConsentPage")
        self.record("consent", tab=True)

        r.press("consentAcceptButton")
        self.page_change("CheckingPage")
        r.find("cancelButton")
        self.record("checking")
        r.desktop.server.fail()
        r.find("retryButton")
        r.pump(0.5)
        self.record("checking failed", tab=True, arrived=False)
        r.press("backToDetailsButton")
        self.page_change("DetailsPage")
        r.press("endSession")
        self.page_change("WelcomePage")

        # Issue 18.0 as it was found: the training details page read while shown, "End session", then its scroll area
        # asked for the child it had a moment ago.
        r.press("demoButton")
        self.page_change("DetailsPage")
        self.record("training details", tab=True)
        area = self._page_area()
        shown_children = area.childCount
        r.press("endSession")
        self.page_change("WelcomePage", whole_tree=True)
        for index in range(shown_children + 1):
            area.getChildAtIndex(index)
        r.pump(0.2)
        r.check_alive()
        self.steps.append({"step": "end session from training details", "lang": self.lang,
                           "shown_children": shown_children, "hidden_children": area.childCount})

        r.press("demoButton")
        self.page_change("DetailsPage")
        self.choose_first_demo_person()
        r.press("checkButton")
        self.page_change("ResultsPage", whole_tree=True)
        r.find("markDone")
        self.record("results", tab=True, labels=True)

        box = r.find("markDone")
        focus_before = r.focused()
        r.act(box, "Toggle")
        r.pump(0.3)
        after = r.focused()
        self.steps.append({"step": "mark done", "lang": self.lang, "checked": "checked" in r._states(box),
                           "focus_before": focus_before, "focus_after": after,
                           "announcements": list(r.announcements)})
        r.announcements.clear()

        r.press("keepButton")
        r.find("passphrase")
        self.record("keep: passphrase asked", arrived=False)
        r.set_text("passphrase", PASSPHRASE)
        r.set_text("passphraseAgain", PASSPHRASE)
        r.press("passphraseButton")
        deadline = time.monotonic() + STEP_TIMEOUT
        while not r.announcements and time.monotonic() < deadline:
            r.pump(0.1)
        self.record("kept", arrived=False)

        r.press("guidedButton")
        self.page_change("GuidedPage")
        self.record("guided", tab=True)
        r.press("guidedNext")
        r.pump(0.3)
        self.record("guided next", arrived=False)
        r.desktop.focus_window()
        r.desktop.keys("alt+Right")
        r.pump(0.5)
        self.record("guided alt+right", arrived=False)
        r.press("guidedDone")
        r.pump(0.3)
        self.record("guided done", arrived=False)
        r.press("guidedBackButton")
        self.page_change("ResultsPage")

        r.press("sentButton")
        self.page_change("SentPage")
        self.record("sent", tab=True)
        r.press("sentBackButton")
        self.page_change("ResultsPage")

        r.press("langZh" if self.other == "zh_CN" else "langEn")
        r.pump(0.5)
        self.record("results, other language", labels=True, lang=self.other, arrived=False)
        r.press("guidedButton")
        self.page_change("GuidedPage")
        self.record("guided, other language", lang=self.other)
        r.press("langZh" if self.lang == "zh_CN" else "langEn")
        r.pump(0.3)

        r.press("endSession")
        self.page_change("WelcomePage")
        r.press("openSavedButton")
        self.page_change("SavedChecksPage")
        r.find("passphrase")
        r.set_text("passphrase", PASSPHRASE)
        r.press("passphraseButton")
        deadline = time.monotonic() + STEP_TIMEOUT
        while "enabled" not in r._states(r.find("savedOpenButton")) and time.monotonic() < deadline:
            r.pump(0.1)
        self.record("saved checks", tab=True, arrived=False)

        r.press("wipeButton")  # asks first, in a dialog whose focused answer is the safe one
        self.walk_dialog("confirmDialog", "wipe confirmation", safe="cancelButton")

        r.press("endSession")
        self.page_change("WelcomePage", whole_tree=True)
        self.record("welcome after end session")

    def choose_first_demo_person(self) -> None:
        """Down on the demo-person box, as a keyboard user picks one, until the person's details fill the fields. A
        key can reach the X server before the window has the keyboard, so on a miss: focus again, Up back to the
        prompt if a key did land late, and Down again (always the first person: the second has nothing found)."""
        r = self.reader
        prompt = r.find("demoIdentity").name
        for attempt in range(4):
            r.grab_focus("demoIdentity")
            r.desktop.focus_window()
            r.pump(0.2)
            if attempt and r.find("demoIdentity").name != prompt:
                r.desktop.keys("Up")
                r.pump(0.5)
            r.desktop.keys("Down")
            deadline = time.monotonic() + 5
            while not r.find("field_phone").queryText().characterCount and time.monotonic() < deadline:
                r.pump(0.1)
            if r.find("field_phone").queryText().characterCount:
                return
        raise RuntimeError(f"the demo person's details did not fill the fields (the box shows "
                           f"{r.find('demoIdentity').name!r}, page {r.current_page()})")

    def walk_dialog(self, name: str, label: str, *, safe: str = "") -> None:
        """A dialog just opened (object name `name`): give it the keyboard, Tab through it, then close it."""
        r = self.reader
        r.find(name)
        r.desktop.focus_dialog()
        r.pump(0.3)
        self.record(label, tab=True, arrived=False, dialog=True)
        self.close_dialog(safe)

    def close_dialog(self, safe: str = "") -> None:
        """Press the dialog's safe answer (`safe`, an object name; else its last button, About's Close) through its
        AT-SPI action; then the main window gets the keyboard back (a window manager's job). Escape is not used:
        without a window manager the X focus may not have reached the dialog yet (Escape is tested offscreen)."""
        r = self.reader
        if safe:
            r.press(safe)
        else:
            dialog = r.windows()[-1]
            buttons: list[Atspi.Accessible] = []
            self._buttons(dialog, buttons)
            r.act(buttons[-1], "Press")
        deadline = time.monotonic() + STEP_TIMEOUT
        while len(r.windows()) > 1 and time.monotonic() < deadline:
            r.pump(0.1)
        if len(r.windows()) > 1:
            raise RuntimeError("the dialog did not close")
        r.desktop.focus_window()

    def _buttons(self, acc: Atspi.Accessible, found: list[Atspi.Accessible]) -> None:
        if acc.getRoleName() == "push button":
            found.append(acc)
        for index in range(acc.childCount):
            child = acc.getChildAtIndex(index)
            if child is not None:
                self._buttons(child, found)

    def _page_area(self) -> Atspi.Accessible:
        """The scroll area around the page on screen."""
        assert self.reader.app is not None
        frame = self.reader.app.getChildAtIndex(0)
        stack = self.reader._first(frame, lambda a: a.getRoleName() == "layered pane")
        for index in range(stack.childCount):
            area = stack.getChildAtIndex(index)
            if area is not None and "showing" in self.reader._states(area):
                return area
        raise RuntimeError("no page shown")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--home", required=True, type=Path)
    parser.add_argument("app_cmd", nargs="+")
    args = parser.parse_args()

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(3)

    signal.signal(signal.SIGTERM, stop)
    desktop = Desktop(args.app_cmd, args.home)
    result: dict[str, object] = {"lang": args.lang, "steps": [], "error": None}
    started = time.monotonic()
    tour: Tour | None = None
    try:
        desktop.start()
        reader = Reader(desktop)
        reader.find_app()
        reader.pump(1.0)
        tour = Tour(reader, args.lang)
        tour.run()
        result["fuzzed_nodes"] = reader.fuzzed_nodes
        result["fuzz_requests"] = reader.fuzz_requests
    except AppDied as exc:
        result["error"] = str(exc)
        result["died"] = exc.code
    except Exception as exc:  # reported to the test, which fails with it
        result["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        result["traceback"] = traceback.format_exc()
    finally:
        result["alive_at_end"] = desktop.alive()
        result["exit"] = desktop.app_exit()
        result["seconds"] = round(time.monotonic() - started, 1)
        if tour is not None:
            result["timings"] = tour.timings
        if tour is not None:
            result["steps"] = tour.steps
        desktop.stop()
        result["app"] = desktop.app_report()
        if result["error"] is not None:  # whatever went wrong, what the app said is in the record and in the log
            app = result["app"]
            log(f"the tour failed: {result['error']}; the app {app['how']}; its output:\n{app['output']}")
            if app["exit"] is not None:
                log(f"Xvfb said: {app['xvfb'] or '(nothing)'}")
                log(f"the bus launcher said: {app['bus_launcher'] or '(nothing)'}")
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
