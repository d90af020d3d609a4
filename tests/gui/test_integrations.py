"""The results page's extra actions: guided mode and the case sheet (help desk), and the encrypted vault."""

from __future__ import annotations

import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QAbstractButton

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.vault.keystore import KeyringKeyStore
from exposurecheck.core.vault.store import vault_exists
from tests.gui.conftest import PHONE_CANONICAL, ListSource, all_texts
from tests.gui.test_case_sheet import pdf_text
from tests.support.secret_service import real_keystore


def _results(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText("13800138000")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    return window


def test_guided_mode_shows_the_plan_and_shares_done_marks(qtbot, make_window):
    window = _results(qtbot, make_window)
    assert window.results.guided_button.isVisible()
    window.results.guided_button.click()
    guided = window.guided
    assert window.current_page() is guided and guided.view is not None
    first = window.session.plan.items()[0]
    guided.view.mark_done()
    assert first.id in window.session.done_items
    window.set_language("zh_CN")  # the view is rebuilt in Chinese on the same step, from the plan in Chinese
    assert guided.view.lang == "zh_CN" and guided.view.index == 1
    assert guided.view.plan is window.session.plan and window.session.plan.lang == "zh_CN"
    window.set_language("en")
    guided.back_button.click()
    assert window.current_page() is window.results
    box = window.results.item_cards[0].findChild(QAbstractButton, "markDone")
    assert box.isChecked(), "a step done in guided mode is ticked on the results page"


def test_case_sheet_is_written_without_identifiers(qtbot, make_window, tmp_path):
    window = _results(qtbot, make_window)
    assert window.results.case_sheet_button.isVisible()
    path = tmp_path / "sheet.pdf"
    assert window.help_desk.save_case_sheet(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"13800138000" not in data
    # Not even the masked hint's last digits in the sheet's text (the raw bytes hold object offsets, which may
    # contain any digits).
    text = pdf_text(path) + pdf_text(path, layout=False)
    assert "8000" not in text.replace("80000", "")
    assert str(path) in window.results.status.text()


def test_case_sheet_error_is_shown_calmly(qtbot, make_window, tmp_path):
    window = _results(qtbot, make_window)
    target = tmp_path / "missing-folder" / "deeper" / "sheet.pdf"
    ok = window.help_desk.save_case_sheet(target)
    if ok:  # the writer may create folders itself; then the file must really be there
        assert target.is_file()
    else:
        assert window.results.status.text()


def test_keep_without_a_keyring_saves_nothing_and_says_so(qtbot, make_window):
    window = _results(qtbot, make_window)
    window.vault_link.keystore = KeyringKeyStore(keyring.backends.fail.Keyring())
    assert not window.vault_link.keep()
    assert "not kept" in window.results.status.text()
    assert "Nothing was saved" in window.results.status.text()
    assert not vault_exists()


def test_keep_reopen_and_wipe_with_the_real_keyring(qtbot, make_window):
    store = real_keystore()  # skips without an unlocked Secret Service
    window = _results(qtbot, make_window)
    window.vault_link.keystore = store
    try:
        first = window.session.plan.items()[0]
        assert not window.results.sent_button.isHidden()  # a check just run knows what left the computer
        assert window.vault_link.keep(), window.results.status.text()
        window.results.item_cards[0].findChild(QAbstractButton, "markDone").setChecked(True)
        window.end_session()
        assert window.welcome.open_saved_button.isVisible()
        assert PHONE_CANONICAL not in all_texts(window)

        window.welcome.open_saved_button.click()
        assert window.current_page() is window.saved
        assert window.saved.list.count() == 1
        window.saved.open_button.click()
        assert window.current_page() is window.results
        assert first.id in window.session.done_items
        assert "+86 138 **** 8000" in all_texts(window)
        # What was sent is not kept with a check: a re-opened one must not claim that nothing left the computer.
        assert window.results.sent_button.isHidden()
        window.set_language("zh_CN" if window.session.lang == "en" else "en")
        assert window.results.sent_button.isHidden()

        window.show_page(window.saved)
        window.saved.wipe_button.click()
        assert vault_exists(), "wipe must ask first"
        window.vault_link.wipe_dialog.confirm_button.click()
        assert window.current_page() is window.welcome
        assert not vault_exists()
        assert window.welcome.status.text()
        assert not window.welcome.open_saved_button.isVisible()
    finally:
        store.delete_key()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_saved_page_without_a_keyring_explains(qtbot, make_window, lang):
    window = make_window(lang=lang)
    window.vault_link.keystore = KeyringKeyStore(keyring.backends.fail.Keyring())
    window.vault_link.open_saved()
    assert window.current_page() is window.saved
    assert window.saved.status.isVisible() and window.saved.status.text()


def test_no_keyring_then_a_passphrase_keeps_and_reopens(qtbot, make_window):
    """No usable keyring: the person may protect the check with a passphrase of their own (typed twice), and
    open saved checks with it later; the keyring is never touched on that path."""
    no_keyring = KeyringKeyStore(keyring.backends.fail.Keyring())
    window = _results(qtbot, make_window)
    window.vault_link.keystore = no_keyring
    assert not window.vault_link.keep()
    box = window.vault_link.keep_passphrase
    assert box.isVisible() and box.second.isVisible(), "a new vault: the passphrase is typed twice"
    box.first.setText("blue kettle 42")
    box.second.setText("blue kettle 4")
    box.submit_button.click()
    assert "not the same" in box.error.text() and not vault_exists()
    box.first.setText("blue kettle 42")
    box.second.setText("blue kettle 42")
    box.submit_button.click()
    # The key is derived in the pool; the window stays responsive meanwhile.
    qtbot.waitUntil(lambda: window.vault_link.kept_id is not None, timeout=30_000)
    assert vault_exists(), window.results.status.text()
    assert "kept" in window.results.status.text() and not box.isVisible()
    assert not box.first.text() and not box.first.isUndoAvailable()
    kept = window.vault_link.kept_id
    window.end_session()
    assert window.vault_link.vault is None

    window.welcome.open_saved_button.click()
    ask = window.vault_link.open_passphrase
    assert ask.isVisible() and not ask.second.isVisible()
    ask.first.setText("wrong words")
    ask.submit_button.click()
    qtbot.waitUntil(lambda: "does not open" in window.saved.status.text(), timeout=30_000)
    qtbot.waitUntil(ask.isEnabled, timeout=30_000)
    ask.first.setText("blue kettle 42")
    ask.submit_button.click()
    qtbot.waitUntil(lambda: window.saved.list.count() == 1, timeout=30_000)
    assert not ask.isVisible()
    window.saved.open_button.click()
    assert window.current_page() is window.results and window.vault_link.kept_id == kept
    window.end_session()
    window.pool.waitForDone(10_000)


def test_a_passphrase_that_opens_after_end_session_is_not_handed_to_the_next_person(qtbot, make_window):
    from exposurecheck.core.report import Report
    from exposurecheck.core.vault.store import Vault

    no_keyring = KeyringKeyStore(keyring.backends.fail.Keyring())
    Vault.open("blue kettle 42", keystore=no_keyring).save_check(Report())
    window = make_window()
    window.vault_link.keystore = no_keyring
    window.welcome.open_saved_button.click()
    ask = window.vault_link.open_passphrase
    ask.first.setText("blue kettle 42")
    ask.submit_button.click()
    window.end_session()  # before the key derivation in the pool has finished
    qtbot.waitUntil(lambda: not window.vault_link.tasks, timeout=30_000)
    assert window.vault_link.vault is None, "the next person must type the passphrase again"
    assert window.saved.list.count() == 0
