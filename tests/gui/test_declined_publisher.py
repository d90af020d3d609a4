""""Don't use it" on a data file from an unknown publisher (issue 12.1/12.2): each value only that file could have
checked says "not checked: its publisher has not been confirmed", the note says to confirm who made the file (not
to ask for a data file the person already holds), and "Confirm who made the data file, and check again…" asks
once more. A real pack from the real builder, signed by a key this computer has never seen; real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Outcome, Reason
from exposurecheck.core.trust import publisher_keys
from exposurecheck.gui.dialogs import PublisherDialog
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW
from tests.gui.test_first_minute import _unknown_pack, folders  # noqa: F401  (folders is a fixture)

EMAIL = "someone@example.org"


def _answers(window) -> list[tuple[str, str, str | None]]:
    return [(s.type.value, s.outcome.value, s.reason.value if s.reason else None)
            for s in window.session.report.identifiers]  # fmt: skip


def _decline(qtbot, window) -> None:
    dialog = window.flow.publishers.dialog
    assert isinstance(dialog, PublisherDialog) and dialog.isVisible()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc is "Don't use it"
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_declined_file_leaves_its_kinds_not_checked_for_want_of_a_confirmed_publisher(
        qtbot, make_window, folders, lang):  # noqa: F811
    path, raw = _unknown_pack(folders / "stick")  # holds phone numbers only
    window = make_window(lang=lang)  # no other source: the file is the only one that could check the phone
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.fields[IdentifierType.EMAIL].edit.setText(EMAIL)
    window.use_pack_file(str(path))  # as "Open a data file…" does
    _decline(qtbot, window)

    # The phone is what the file would have checked: its publisher was not confirmed. Nothing here holds emails.
    assert _answers(window) == [("phone", "not_checked", "unknown_publisher"), ("email", "not_checked", "no_data")]
    lines = [label.text() for label in window.results.statuses.lines]
    assert tr("outcome.reason.unknown_publisher", lang) in lines[0]
    assert tr("outcome.reason.no_data.email", lang) in lines[1]
    # The way forward is confirming who made the file the person holds, not asking for a data file.
    notes = window.results.notes.text()
    assert tr("outcome.note.confirm_publisher", lang) in notes
    assert tr("outcome.note.real_check", lang) not in notes
    assert "ngo.ecpack" in window.results.problems.text()  # which file was left out, and why
    statuses = window.results.statuses
    assert statuses.confirm_publisher_button.isVisibleTo(window)
    assert statuses.confirm_publisher_button.text() == tr("gui.results.confirm_publisher", lang)

    # Checking again as before does not ask again ("Don't use it" holds for the session) ...
    window.start_check()
    assert window.flow.publishers.dialog is None
    # ... but the button does: trusted now, the file checks the phone and finds it.
    statuses.confirm_publisher_button.click()
    dialog = window.flow.publishers.dialog
    assert isinstance(dialog, PublisherDialog) and dialog.isVisible()
    dialog.trust_button.click()
    qtbot.waitUntil(
        lambda: window.current_page() is window.results and bool(window.session.report.exposures), timeout=15_000
    )
    assert publisher_keys.trusted_keys() == (raw,)
    assert _answers(window) == [("phone", "found", None), ("email", "not_checked", "no_data")]
    assert not statuses.confirm_publisher_button.isVisibleTo(window)
    assert tr("outcome.note.confirm_publisher", lang) not in window.results.notes.text()


def test_a_declined_file_outranks_offline_only_as_the_reason(qtbot, make_window, folders):  # noqa: F811
    """Offline only kept the online service away and the person turned the file down: the file is what they can
    mend on the spot, so that is the reason given (Reason's order, most specific first)."""
    from tests.gui.conftest import ListSource

    class OnlinePhones(ListSource):
        name = "service"
        uses_network = True
        accepts = frozenset({IdentifierType.PHONE})

    path, _raw = _unknown_pack(folders / "stick")
    window = make_window(lambda _t: [OnlinePhones({PHONE_CANONICAL: ("shanghai_police_2022",)})])
    window.welcome.set_offline(True)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.use_pack_file(str(path))
    _decline(qtbot, window)
    [status] = window.session.report.identifiers
    assert (status.outcome, status.reason) == (Outcome.NOT_CHECKED, Reason.UNKNOWN_PUBLISHER)
    assert window.session.report.sources == ()  # neither the service nor the file was used
