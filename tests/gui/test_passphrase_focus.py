"""Issue 18.3, focus never lost: "Keep this check" without a keyring asks for a passphrase in a box on the results
page; the box is disabled while the key is derived and hidden once the check is kept. The focus, which was in the
box, goes back to the button that asked, never to a widget nobody can see (under AT-SPI no control had the focus
after "kept"). Real widgets offscreen, the real passphrase vault (no keyring)."""

from __future__ import annotations

import keyring.backends.fail
from PySide6.QtWidgets import QApplication

from exposurecheck.core.vault.keystore import KeyringKeyStore
from tests.gui.test_integrations import _results


def test_the_focus_goes_back_to_keep_this_check_when_the_passphrase_box_is_done(qtbot, make_window):
    window = _results(qtbot, make_window)
    window.activateWindow()
    window.vault_link.keystore = KeyringKeyStore(keyring.backends.fail.Keyring())
    keep = window.results.keep_button
    keep.setFocus()
    qtbot.waitUntil(keep.hasFocus)
    keep.click()
    box = window.vault_link.keep_passphrase
    qtbot.waitUntil(box.isVisible)
    assert box.first.hasFocus()
    box.first.setText("blue kettle 42")
    box.second.setText("blue kettle 42")
    box.second.setFocus()
    box.submit_button.click()
    # While the key is derived (in the pool: its answer cannot have come yet) the box is disabled: the focus waits on
    # the button, not in a dead field.
    assert not box.isEnabled()
    assert QApplication.focusWidget() is keep
    qtbot.waitUntil(lambda: window.vault_link.kept_id is not None, timeout=30_000)
    assert not box.isVisible()
    focus = QApplication.focusWidget()
    assert focus is keep and focus.isVisible(), focus
    window.end_session()
    window.pool.waitForDone(10_000)


def test_a_wrong_passphrase_keeps_the_focus_in_the_box(qtbot, make_window):
    window = _results(qtbot, make_window)
    window.activateWindow()
    window.vault_link.keystore = KeyringKeyStore(keyring.backends.fail.Keyring())
    window.results.keep_button.setFocus()
    window.results.keep_button.click()
    box = window.vault_link.keep_passphrase
    box.first.setText("blue kettle 42")
    box.second.setText("blue kettle 4")
    box.submit_button.click()
    assert box.error.isVisible() and box.isVisible()
    assert box.first.hasFocus() or box.second.hasFocus() or box.submit_button.hasFocus()
