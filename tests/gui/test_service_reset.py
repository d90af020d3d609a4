"""A way out of a refused lookup service inside the window (the window's `exposure-check service forget URL`).

A real lookup service on 127.0.0.1 (the project's server, behind a recording proxy so the address stays the same)
is pinned by a first check; then it shows keys that changed without an announcement (or a history that does not
continue), and the check is refused before anything about the person is sent. The checking page offers "Reset the
service's keys…"; the app's confirm dialog explains the risk in plain words, "Don't reset" (focused) keeps the pin,
and "Reset and check again" forgets it and checks again, which then trusts the new keys (signed by the publisher the
app trusts) and finds the planted number. In both languages.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_state import FILE_NAME, PinStore
from exposurecheck.gui.dialogs import ConfirmDialog
from exposurecheck.gui.main_window import MainWindow
from exposurecheck_server.keys import load_signing_key
from exposurecheck_server.service import site as sites
from exposurecheck_server.service.server import ServiceServer, make_config
from tests.server.service.site_helpers import Keys, build, make_keys
from tests.server.service.test_attacks import forge
from tests.server.service.test_recording_proxy import recording_proxy

PLANTED_PHONE = "+86 138 0013 8000"  # planted in the test sites (site_helpers.PLANTED)
REFUSALS = {"key_change": {"en": "changed its keys without announcing", "zh_CN": "没有事先公告"},
            "forked": {"en": "history does not continue", "zh_CN": "不连贯"}}
RISK = {"en": "trusts whatever keys the service shows next", "zh_CN": "会信任这个服务接下来给出的任何密钥"}


@contextmanager
def serving(site: Path, keys: Keys) -> Iterator[str]:
    server = ServiceServer(make_config(site, keys.oprf(), keys.bucketing()))
    server.start_in_thread()
    try:
        yield server.url
    finally:
        server.close()


def _check(qtbot, window: MainWindow) -> None:
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PLANTED_PHONE)
    window.details.check_button.click()
    if window.current_page() is window.consent:
        window.consent.accept_button.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=60_000)
    QApplication.processEvents()


def _sites(tmp_path: Path, refusal: str) -> tuple[Keys, Keys, Path, Path]:
    """The service's keys and first site, and the site it shows later with a new matching key it never announced
    (the same publisher key, which the app trusts, and the same bucketing key): signed as the next manifest after
    the one this computer pinned ("key_change"), or as a fresh start whose history does not reach it ("forked")."""
    keys = make_keys(tmp_path / "keys")
    first = build(keys, tmp_path / "site-1", sequence=10, filler=20)
    new_keys = dataclasses.replace(keys, oprf_key=make_keys(tmp_path / "new", keys.bucketing_key).oprf_key)
    second = build(new_keys, tmp_path / "site-2", sequence=20, filler=20)
    if refusal == "key_change":
        pinned = sites.read_site_manifest(first)
        forge(second, load_signing_key(keys.signing_key), previous=pinned.digest.hex())
    return keys, new_keys, first, second


@pytest.mark.parametrize(("lang", "refusal"), [("en", "key_change"), ("zh_CN", "forked")])
def test_a_refused_service_can_be_reset_from_the_window_after_a_plain_warning(qtbot, make_window, tmp_path, lang,
                                                                             refusal):
    keys, new_keys, first, second = _sites(tmp_path, refusal)
    with serving(first, keys) as first_url, recording_proxy(first_url) as (url, recording):
        window = make_window(lambda _t: [ServiceSource(url, [keys.publisher_raw], include_pinned=False)], lang=lang)
        _check(qtbot, window)
        assert window.current_page() is window.results and window.session.report.exposures  # pinned, found
        base = url.rstrip("/") + "/"
        pinned = PinStore().get(base)
        assert pinned is not None

        with serving(second, new_keys) as second_url:
            recording.upstream = second_url  # the same address now shows the new keys
            recording.requests.clear()
            _check(qtbot, window)
            checking = window.checking
            assert window.current_page() is checking
            assert REFUSALS[refusal][lang] in checking.problem.text()
            assert all(method == "GET" and "manifest" in path for method, path, *_ in recording.requests), \
                "refused before anything about the person was sent"
            assert checking.reset_service_button.isVisible()
            assert checking.reset_service_button.text() in {"Reset the service's keys…", "重置这个服务的密钥…"}
            assert checking.reset_service_button.text() in checking.way_forward.text()

            # The question first: what the refusal protects against, what a reset means; "Don't reset" focused.
            checking.reset_service_button.click()
            dialog = window.flow.service_pins.dialog
            assert isinstance(dialog, ConfirmDialog) and dialog.isVisible()
            assert dialog.windowModality() is Qt.WindowModality.WindowModal and dialog.parent() is window
            text = dialog.text.text()
            assert base in text and RISK[lang] in text
            assert dialog.cancel_button.isDefault() and dialog.focusWidget() is dialog.cancel_button
            assert dialog.cancel_button.text() in {"Don't reset", "不要重置"}
            assert dialog.confirm_button.property("destructive") is True
            dialog.activateWindow()  # as the window system does with a new dialog (offscreen needs asking)
            qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.cancel_button, timeout=5_000)
            QTest.keyClick(dialog, Qt.Key.Key_Escape)  # the safe answer, "Don't reset": nothing changes or is sent
            qtbot.waitUntil(lambda: window.flow.service_pins.dialog is None, timeout=5_000)
            assert PinStore().get(base) == pinned and window.current_page() is checking
            assert all("manifest" in path for _method, path, *_ in recording.requests)

            # "Reset and check again": the pin is forgotten and the check runs at once, trusting the new keys.
            checking.reset_service_button.click()
            dialog = window.flow.service_pins.dialog
            assert dialog is not None and dialog.isVisible()
            dialog.confirm_button.click()
            qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=60_000)
            assert [e.type for e in window.session.report.exposures] == [IdentifierType.PHONE]
            repinned = PinStore().get(base)
            assert repinned is not None and repinned != pinned
            assert new_keys.oprf().public in repinned.oprf_keys and keys.oprf().public not in repinned.oprf_keys
            assert any(method == "POST" for method, *_ in recording.requests), "the check ran against the new keys"


def test_only_the_refused_service_is_reset(qtbot, make_window, tmp_path):
    """Two services checked at once; only the one refused for its keys is named in the question and forgotten."""
    keys, new_keys, first, second = _sites(tmp_path, "key_change")
    steady = build(keys, tmp_path / "steady", sequence=10, filler=20)
    with serving(first, keys) as first_url, recording_proxy(first_url) as (url, recording), \
            serving(steady, keys) as steady_url:
        window = make_window(lambda _t: [ServiceSource(url, [keys.publisher_raw], include_pinned=False),
                                         ServiceSource(steady_url, [keys.publisher_raw], include_pinned=False)])
        _check(qtbot, window)
        assert window.current_page() is window.results
        with serving(second, new_keys) as second_url:
            recording.upstream = second_url
            _check(qtbot, window)
            window.checking.reset_service_button.click()
            dialog = window.flow.service_pins.dialog
            assert url.rstrip("/") + "/" in dialog.text.text() and steady_url not in dialog.text.text()
            steady_pin = PinStore().get(steady_url.rstrip("/") + "/")
            dialog.confirm_button.click()
            qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=60_000)
    assert steady_pin is not None and PinStore().get(steady_url.rstrip("/") + "/") == steady_pin


def test_a_reset_that_cannot_be_written_says_so_and_changes_nothing(qtbot, make_window, tmp_path, app_dirs):
    """The state folder refuses the write (an immutable file, which even root cannot replace): the page says the
    keys could not be reset, in plain words, and no check is started that would only be refused again."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr not installed")
    keys, new_keys, first, second = _sites(tmp_path, "key_change")
    pins = app_dirs["state"] / FILE_NAME
    with serving(first, keys) as first_url, recording_proxy(first_url) as (url, recording):
        window = make_window(lambda _t: [ServiceSource(url, [keys.publisher_raw], include_pinned=False)])
        _check(qtbot, window)
        with serving(second, new_keys) as second_url:
            recording.upstream = second_url
            _check(qtbot, window)
            if subprocess.run(["chattr", "+i", str(pins)], capture_output=True, check=False).returncode != 0:
                pytest.skip("this file system does not let the test make a file immutable")
            try:
                window.checking.reset_service_button.click()
                recording.requests.clear()
                window.flow.service_pins.dialog.confirm_button.click()
                QApplication.processEvents()
                assert window.current_page() is window.checking
                assert window.checking.status.isVisible()
                assert "could not be reset" in window.checking.status.text()
                assert recording.requests == [], "no check started"
                assert PinStore().get(url.rstrip("/") + "/") is not None
            finally:
                subprocess.run(["chattr", "-i", str(pins)], check=False)

