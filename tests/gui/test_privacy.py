"""A check through the window leaves no identifier in logs, in Qt messages or on disk."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from exposurecheck.core.identifiers import IdentifierType
from tests.gui.conftest import PASSWORD, PHONE_CANONICAL, ListSource, pwned_factory

EMAIL = "privacy.canary.5519@example.org"


def _forms() -> list[str]:
    forms = [PASSWORD, PHONE_CANONICAL, "13800138000", EMAIL]
    for value in list(forms):
        forms.append(hashlib.sha1(value.encode(), usedforsecurity=False).hexdigest())
        forms.append(hashlib.sha256(value.encode()).hexdigest())
    sha1 = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    forms.append(sha1[:5])  # not even the prefix that was sent may be logged
    return forms


def test_no_identifier_in_logs_or_files(qtbot, make_window, pwned, caplog, app_dirs, tmp_path):
    caplog.set_level(logging.DEBUG)
    window = make_window(lambda t: [*pwned_factory(pwned)(t), ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PASSWORD].edit.setText(PASSWORD)
    window.details.fields[IdentifierType.PHONE].edit.setText("138 0013 8000")
    window.details.fields[IdentifierType.EMAIL].edit.setText(EMAIL)
    window.details.check_button.click()
    window.consent.accept_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    window.set_language("zh_CN")
    window.results.sent_button.click()
    window.end_session()

    logged = "\n".join(r.getMessage() for r in caplog.records)
    for form in _forms():
        assert form.lower() not in logged.lower()
    for folder in app_dirs.values():
        for path in Path(folder).rglob("*") if Path(folder).exists() else []:
            if path.is_file():
                data = path.read_bytes().lower()
                for form in _forms():
                    assert form.lower().encode() not in data, path.name
    assert os.environ.get("EXPOSURECHECK_DATA_DIR")
