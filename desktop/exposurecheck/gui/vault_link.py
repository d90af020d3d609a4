"""Saved checks: "Keep this check" on the results page, the saved-checks page, and "Wipe everything", backed by the
encrypted vault (core.vault) and core.wipe.

The link talks to the pages through their slots and signals (it puts a passphrase prompt under the results page's
and the saved page's status lines) and to the window through its own signals: `page_wanted(page)` (show the saved-checks
page), `check_opened(report, done_ids)` (show a re-opened check), `wiped(text)` (end the session, then say what was
removed). "Keep this check" saves the report only, never the identifiers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from exposurecheck.core.errors import UserError
from exposurecheck.core.session import Session
from exposurecheck.gui.dialogs import ConfirmDialog
from exposurecheck.gui.pages.results import ResultsPage
from exposurecheck.gui.pages.saved import SavedChecksPage
from exposurecheck.gui.pages.welcome import WelcomePage
from exposurecheck.gui.passphrase import PassphraseBox
from exposurecheck.gui.text import t
from exposurecheck.gui.workers import Task

if TYPE_CHECKING:
    from exposurecheck.core.vault.keystore import KeyringKeyStore
    from exposurecheck.core.vault.store import Vault
    from exposurecheck.core.wipe import WipeReport

# Vault errors after which a passphrase of the person's own is a way to keep (or open) saved checks.
PASSPHRASE_WAYS = frozenset({"vault.keyring.none", "vault.keyring.locked", "vault.keyring.refused",
                             "vault.needs_passphrase"})


class VaultLink(QObject):
    page_wanted = Signal(QWidget)
    check_opened = Signal(object, object)  # the Report, and the set of item ids marked done
    wiped = Signal(str)  # what was removed, in the session's language

    def __init__(self, session: Session, pool: QThreadPool, welcome: WelcomePage, results: ResultsPage,
                 saved: SavedChecksPage) -> None:
        super().__init__()
        self.session, self.pool = session, pool
        self.welcome, self.results, self.saved = welcome, results, saved
        self.kept_id: str | None = None  # the vault id of the check on screen, once kept
        self.keystore: KeyringKeyStore | None = None  # None: the OS keyring (tests inject a real or a refusing one)
        self.vault: Vault | None = None
        self.tasks: list[Task] = []  # passphrase derivations running in the pool
        self.generation = 0  # counts sessions, so a derivation that ends after "End session" is dropped
        # With no usable keyring the person may protect saved checks with a passphrase instead (core.vault).
        self.keep_passphrase = PassphraseBox(confirm=True)
        self.open_passphrase = PassphraseBox(confirm=False)
        results.add_prompt(self.keep_passphrase)
        saved.add_prompt(self.open_passphrase)
        self.keep_passphrase.submitted.connect(self.keep_with_passphrase)
        self.open_passphrase.submitted.connect(self.open_with_passphrase)
        results.keep_requested.connect(self.keep)
        welcome.open_saved_requested.connect(self.open_saved)
        saved.open_requested.connect(self.load_saved)
        saved.wipe_requested.connect(self.ask_wipe)
        self.wipe_dialog: ConfirmDialog | None = None

    def refresh_saved_button(self) -> None:
        from exposurecheck.core.vault.store import vault_exists

        self.welcome.set_saved_available(vault_exists())

    def new_result(self) -> None:
        """A new result is on screen: it is not in the vault until the person keeps it."""
        self.kept_id = None

    # --- opening the vault ----------------------------------------------------------------------------------

    def _vault(self) -> Vault:
        """The vault for this session: opened once (keyring, or the passphrase the person typed) and kept open
        until the session ends, so ticking a step does not ask the keyring or derive the key again."""
        from exposurecheck.core.vault.store import Vault

        if self.vault is None:
            self.vault = Vault.open(keystore=self.keystore)
        return self.vault

    def _with_passphrase(self, passphrase: str, box: PassphraseBox, done: Callable[[Vault], object],
                         failed: Callable[[UserError], object]) -> None:
        """Derive the key in the pool (scrypt takes most of a second), then call `done` with the opened vault."""
        from exposurecheck.core.vault.store import Vault

        keystore = self.keystore
        task = Task(lambda: Vault.open(passphrase, keystore=keystore))
        self.tasks.append(task)
        box.setEnabled(False)
        generation = self.generation

        def settled() -> bool:
            """The task has reported: True while its session is still the current one."""
            self.tasks.remove(task)
            box.setEnabled(True)
            # A vault opened for a session that has since ended must not become the next person's.
            return generation == self.generation

        def opened(vault: Vault) -> None:
            if settled():
                done(vault)

        def refused(exc: UserError) -> None:
            if settled():
                failed(exc)

        task.signals.done.connect(opened)
        task.signals.failed.connect(refused)
        self.pool.start(task)

    @staticmethod
    def _raise(exc: UserError) -> Callable[[], Vault]:
        def fail() -> Vault:
            raise exc

        return fail

    # --- keeping a check ------------------------------------------------------------------------------------

    def keep(self) -> bool:
        """Keep the report (not the identifiers) in the encrypted vault."""
        return self._keep(self._vault)

    def keep_with_passphrase(self, passphrase: str) -> None:
        self._with_passphrase(passphrase, self.keep_passphrase, lambda vault: self._keep(lambda: vault),
                              lambda exc: self._keep(self._raise(exc)))

    def _keep(self, open_vault: Callable[[], Vault]) -> bool:
        from exposurecheck.core.vault.store import vault_exists

        session = self.session
        if session.report is None:
            return False
        try:
            vault = open_vault()
            kept_id = self.kept_id = vault.save_check(session.report)
            for item_id in sorted(session.done_items):
                vault.set_done(kept_id, item_id, True)
        except UserError as exc:
            self.vault = None  # a vault that could not save (keyring refused, wrong passphrase) is not reused
            reason = t(exc.key, session.lang, **exc.params)
            self.results.show_status(t("gui.vault.not_kept", session.lang, reason=reason))
            if exc.key in PASSPHRASE_WAYS:
                self.keep_passphrase.ask(confirm=not vault_exists())
            return False
        self.vault = vault
        self.keep_passphrase.hide()
        self.results.show_status(t("gui.vault.kept", session.lang, id=kept_id))
        self.refresh_saved_button()
        return True

    def item_done(self, item_id: str, done: bool) -> None:
        """A step ticked or unticked: the kept copy follows (nothing happens for a check that was not kept)."""
        if self.kept_id is None:
            return
        try:
            self._vault().set_done(self.kept_id, item_id, done)
        except UserError as exc:
            self.results.show_status(t(exc.key, self.session.lang, **exc.params))

    # --- saved checks ---------------------------------------------------------------------------------------

    def open_saved(self) -> None:
        self._list(self._vault)
        self.page_wanted.emit(self.saved)

    def open_with_passphrase(self, passphrase: str) -> None:
        self._with_passphrase(passphrase, self.open_passphrase, lambda vault: self._list(lambda: vault),
                              lambda exc: self._list(self._raise(exc)))

    def _list(self, open_vault: Callable[[], Vault]) -> None:
        try:
            vault = open_vault()
            checks = vault.list_checks()
        except UserError as exc:
            self.vault = None
            self.saved.show_checks([], t(exc.key, self.session.lang, **exc.params))
            if exc.key in PASSPHRASE_WAYS:
                self.open_passphrase.ask(confirm=False)
            return
        self.vault = vault
        self.open_passphrase.hide()
        self.saved.show_checks(checks, "")

    def load_saved(self, check_id: str) -> None:
        try:
            saved = self._vault().load_check(check_id)
        except UserError as exc:
            self.saved.show_status(t(exc.key, self.session.lang, **exc.params))
            return
        self.kept_id = saved.id
        self.check_opened.emit(saved.report, set(saved.done))

    def ask_wipe(self) -> ConfirmDialog:
        """Ask first, naming what will be lost: how many saved checks (known when the vault is open, as on the
        saved-checks page), their key, the settings, the trusted publishers. "Keep everything" has the focus."""
        return self.confirm_wipe(len(self.saved.checks) if self.vault is not None else None)

    def confirm_wipe(self, count: int | None) -> ConfirmDialog:
        """The question for `count` saved checks (None: there may be some, but they could not be counted)."""
        lang = self.session.lang
        if count is None:
            what = t("gui.wipe.confirm_text_unknown", lang)
        elif count == 0:
            what = t("gui.wipe.confirm_text_none", lang)
        else:
            what = t("gui.wipe.confirm_text", lang, count=count)
        dialog = ConfirmDialog(t("gui.wipe.confirm_title", lang), t("gui.wipe.confirm_heading", lang), what,
                               t("gui.wipe.confirm_button", lang), t("gui.wipe.cancel_button", lang),
                               parent=self.saved.window())
        dialog.accepted.connect(self.wipe)
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _result: setattr(self, "wipe_dialog", None))
        self.wipe_dialog = dialog
        dialog.open()
        return dialog

    def wipe(self) -> None:
        from exposurecheck.core.wipe import wipe_everything

        known = len(self.saved.checks) if self.vault is not None else None
        report = wipe_everything(self.keystore)
        self.vault = None
        self.kept_id = None
        self.wiped.emit("\n".join(wipe_lines(report, known, self.session.lang)))

    def end_session(self) -> None:
        self.generation += 1
        self.vault = None  # forget the opened vault (and a passphrase-derived key) with the person
        self.keep_passphrase.hide()
        self.open_passphrase.hide()
        self.kept_id = None
        self.saved.show_checks([], "")
        self.refresh_saved_button()


def wipe_lines(report: WipeReport, saved_checks: int | None, lang: str) -> list[str]:
    """What "Wipe everything" did, in plain words and without file paths (a path means nothing to most people and
    may name the person's account); `saved_checks` is how many were deleted, when that was known."""
    lines = []
    if report.removed and saved_checks:
        lines.append(t("gui.wipe.done_checks", lang, count=saved_checks))
    elif report.removed:
        lines.append(t("gui.wipe.done", lang))
    else:
        lines.append(t("gui.wipe.nothing", lang))
    if report.keyring == "removed":
        lines.append(t("gui.wipe.key_removed", lang))
    elif report.keyring not in ("absent", "none"):  # locked, refused, damaged: the message says what to do
        lines.append(t(f"vault.wipe.keyring.{report.keyring}", lang))
    left = len(report.failed) + len(report.skipped)
    if left:
        lines.append(t("gui.wipe.left_behind", lang, count=left))
    return lines
