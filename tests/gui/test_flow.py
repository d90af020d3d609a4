"""The whole flow against a real Pwned Passwords-style server on 127.0.0.1."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import SourceState
from tests.gui.conftest import PASSWORD, PHONE_CANONICAL, PHONE_RAW, ListSource, all_texts, pwned_factory


def test_password_check_end_to_end(qtbot, make_window, pwned):
    window = make_window(pwned_factory(pwned))
    qtbot.mouseClick(window.welcome.start_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.details
    window.details.fields[IdentifierType.PASSWORD].edit.setText(PASSWORD)
    qtbot.mouseClick(window.details.check_button, Qt.MouseButton.LeftButton)

    # First network use: the consent page, and nothing has been sent yet.
    assert window.current_page() is window.consent
    # Plain words on the page; the service's own name only behind "Details" (issue 12.9).
    assert "Online password check" in window.consent.sources_label.text()
    assert "Pwned Passwords" not in window.consent.sources_label.text()
    assert "Pwned Passwords" in window.consent.details.text.text()
    assert pwned.requests == []
    qtbot.mouseClick(window.consent.accept_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)

    report = window.session.report
    assert [s.state for s in report.sources] == [SourceState.OK]
    assert report.exposures[0].count == 4321
    assert "seen 4321 times" in all_texts(window)
    assert window.results.item_cards  # a plan with items, grouped by when
    # The summary's verdict as the page's largest line, its "Do this 1 thing today." as the heading of the list.
    assert window.session.plan.summary.startswith(window.results.summary.text())
    assert window.results.today.heading.text() == "Do this 1 thing today"

    # Exactly one range request, carrying the 5-character prefix and the padding header.
    digest = hashlib.sha1(PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    [(method, path, headers, _body)] = pwned.requests
    assert (method, path) == ("GET", f"/range/{digest[:5]}")
    assert headers.get("Add-Padding") == "true"

    # "What left this computer" names that prefix and nothing more.
    qtbot.mouseClick(window.results.sent_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.sent
    shown = all_texts(window)
    assert digest[:5] in shown
    assert digest[5:] not in shown
    assert PASSWORD not in shown


def test_found_phone_is_masked_everywhere_but_the_field(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    qtbot.mouseClick(window.details.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    shown = all_texts(window)
    assert "+86 138 **** 8000" in shown
    assert PHONE_CANONICAL not in shown
    assert "13800138000" not in shown
    assert window.results.breach_cards, "the breach behind the finding is explained"
    assert "Shanghai" in shown


def test_nothing_found_is_said_plainly(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    assert "None of your details were found" in all_texts(window)


def test_invalid_input_gets_the_core_message_and_blocks_the_check(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({})])
    window.show_page(window.details)
    field = window.details.fields[IdentifierType.CN_ID]
    field.edit.setText("11010519491231002")  # 17 characters
    window.details.check_button.click()
    assert window.current_page() is window.details
    assert field.error.isVisible()
    assert "18 characters" in field.error.text()
    field.edit.setText("11010519491231002X")
    assert not field.error.isVisible(), "the message goes away as soon as the value is valid"


def test_empty_form_asks_for_something(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({})])
    window.show_page(window.details)
    window.details.check_button.click()
    assert window.current_page() is window.details
    assert "Nothing to check" in window.details.nothing_label.text()


def test_questionnaire_path_needs_no_typing(qtbot, make_window):
    window = make_window()
    qtbot.mouseClick(window.welcome.questions_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.questions
    for row in window.questions.rows:
        row.yes.setChecked(True)
    qtbot.mouseClick(window.questions.show_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.results
    assert window.session.plan.estimate
    assert window.results.item_cards
    assert "estimate" in window.results.notes.text()
    assert not window.results.keep_button.isVisible()


def test_offline_only_never_touches_the_network(qtbot, make_window, pwned):
    window = make_window(lambda _t: [*pwned_factory(pwned)(False), ListSource({})])
    window.welcome.offline_box.setChecked(True)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PASSWORD].edit.setText(PASSWORD)
    window.details.fields[IdentifierType.EMAIL].edit.setText("someone@example.org")
    window.details.check_button.click()
    # No consent page: nothing would go online.
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    assert [s.name for s in window.session.report.sources] == ["pack"]
    assert pwned.requests == []


def test_check_without_the_internet_from_the_consent_page(qtbot, make_window, pwned):
    window = make_window(lambda _t: [*pwned_factory(pwned)(False), ListSource({})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PASSWORD].edit.setText(PASSWORD)
    window.details.check_button.click()
    assert window.current_page() is window.consent
    window.consent.offline_button.click()
    assert window.session.offline_only and window.welcome.offline_box.isChecked()
    qtbot.waitUntil(lambda: not window.busy, timeout=15_000)
    assert pwned.requests == []
    # Only the password was typed and no offline source takes passwords: nothing ran, and the results say why
    # (offline only, chosen on the consent page) instead of "not found", with the password steps all the same.
    assert window.current_page() is window.results
    (status,) = window.session.report.identifiers
    assert status.outcome.value == "not_checked" and status.reason.value == "offline_only"
    assert "You chose offline only" in window.results.statuses.lines[0].text()
    assert window.session.plan.find("A-01") is not None


def test_no_consent_is_asked_for_a_service_that_would_get_nothing(qtbot, make_window, pwned):
    """Only a phone number typed: the password service takes none of it, so nothing goes online and no consent
    page is shown."""
    window = make_window(lambda _t: [*pwned_factory(pwned)(False), ListSource({})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    assert [s.name for s in window.session.report.sources] == ["pack"]
    assert pwned.requests == []


def test_a_packs_own_breach_is_described_as_plain_text(qtbot, make_window):
    """A pack carries its own catalog (untrusted text): its breach appears, markup shown as written, not rendered;
    where the app's own catalog knows the breach, the app's reviewed text wins."""
    from exposurecheck.core.catalog import catalog_from_json

    class PackWithCatalog(ListSource):
        def catalog(self):
            return catalog_from_json({"format": "exposurecheck.catalog", "version": 1, "breaches": [
                {"id": "ngo_local_2024", "title_en": "Local shop <b>loyalty</b> list", "title_zh": "",
                 "date": "2024-03", "pwn_count": 1000, "data_classes": ["Phone numbers"],
                 "description_en": "A list <script>x()</script>of members.", "description_zh": ""},
                {"id": "shanghai_police_2022", "title_en": "Forged title", "title_zh": "", "date": "2022",
                 "pwn_count": 1, "data_classes": ["Names"], "description_en": "forged", "description_zh": ""},
            ]})

    source = PackWithCatalog({PHONE_CANONICAL: ("ngo_local_2024", "shanghai_police_2022")})
    window = make_window(lambda _t: [source])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=15_000)
    shown = all_texts(window)
    assert "Local shop" in shown and "loyalty" in shown
    assert "<script>" not in shown and "x()" not in shown
    assert "Forged title" not in shown and "Shanghai" in shown
    assert len(window.results.breach_cards) == 2
