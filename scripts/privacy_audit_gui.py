#!/usr/bin/env python3
"""The GUI side of the privacy audit: drives the real window offscreen, one step per process.

    python scripts/privacy_audit_gui.py save     # stdin: {"canaries": {kind: typed}, "url": "http://127.0.0.1:..."}
    python scripts/privacy_audit_gui.py reopen
    python scripts/privacy_audit_gui.py wipe

`scripts/privacy_audit.py` runs these in its throwaway environment (each step a new process: a real restart) and
scans what they leave. The canaries arrive on stdin so they are never in a file the audit scans or in argv. Each
step prints one JSON line with what it saw (counts and booleans only), for the audit's sanity checks.

`save` writes settings that point the app at the audit's loopback Pwned Passwords server (plus the demo pack when
it exists), types every canary into the details page, accepts the consent page, waits for the results, presses
"Keep", ticks the first checklist item and ends the session, as a person would.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

DEADLINE_SECONDS = 120  # a hang guard, not a timing assertion


def _wait(app: Any, condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return False


def _window(lang: str = "en") -> Any:
    from exposurecheck.gui.app import create_window

    running = create_window(lang, offscreen=True)
    running.window.resize(1024, 768)
    running.window.show()
    running.app.processEvents()
    return running


def step_save(data: dict[str, Any]) -> dict[str, Any]:
    from PySide6.QtWidgets import QAbstractButton  # noqa: TID251 - this script drives the GUI itself

    from exposurecheck.core.identifiers import IdentifierType
    from exposurecheck.core.settings import Settings, save_settings

    sources = [f"hibp-passwords={data['url']}"]
    if data.get("demo"):
        sources.append("demo")
    save_settings(Settings(sources=tuple(sources)))
    running = _window()
    app, window = running.app, running.window
    window.welcome.start_button.click()
    for kind, value in data["canaries"].items():
        window.details.fields[IdentifierType(kind)].edit.setText(value)
    window.details.check_button.click()
    _wait(app, lambda: window.current_page() in (window.consent, window.results))
    if window.current_page() is window.consent:
        window.consent.accept_button.click()
    reached = _wait(app, lambda: window.current_page() is window.results)
    found = len(window.session.report.exposures) if window.session.report else 0
    kept = False
    if reached:
        window.results.keep_button.click()
        app.processEvents()
        kept = window.vault_link.kept_id is not None
        boxes = window.results.findChildren(QAbstractButton, "markDone")
        if boxes:
            boxes[0].setChecked(True)
            app.processEvents()
    window.end_session()
    app.processEvents()
    window.close()
    return {"results": reached, "found": found, "kept": kept}


def step_reopen(_data: dict[str, Any]) -> dict[str, Any]:
    running = _window()
    app, window = running.app, running.window
    visible = window.welcome.open_saved_button.isVisible()
    window.welcome.open_saved_button.click()
    app.processEvents()
    count = window.saved.list.count()
    window.saved.open_button.click()
    reopened = _wait(app, lambda: window.current_page() is window.results)
    done = len(window.session.done_items)
    window.end_session()
    window.close()
    return {"button": visible, "count": count, "reopened": reopened, "done": done}


def step_wipe(_data: dict[str, Any]) -> dict[str, Any]:
    from exposurecheck.core.vault.store import vault_exists

    running = _window()
    app, window = running.app, running.window
    window.welcome.open_saved_button.click()
    app.processEvents()
    window.saved.wipe_button.click()
    window.vault_link.wipe_dialog.confirm_button.click()  # wipe asks first (issue 12.5)
    app.processEvents()
    return {"wiped": not vault_exists(), "on_welcome": window.current_page() is window.welcome}


STEPS = {"save": step_save, "reopen": step_reopen, "wipe": step_wipe}


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")  # as --verbose would
    data = json.loads(sys.stdin.read() or "{}")
    outcome = STEPS[sys.argv[1]](data)
    print(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main())
