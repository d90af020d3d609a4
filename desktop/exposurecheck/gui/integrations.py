"""The results page's extra actions, each backed by another part of the app:

- Guided mode (`gui.guided.GuidedView`, help desk) and the PDF case sheet (`gui.case_sheet.write_case_sheet`).
- Keeping a check in the encrypted vault (`core.vault`), re-opening it, and "Wipe everything" (`core.wipe`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QWidget

from exposurecheck.core.errors import UserError
from exposurecheck.gui.pages.base import Page, button, label_button
from exposurecheck.gui.pages.saved import SavedChecksPage
from exposurecheck.gui.passphrase import PassphraseBox
from exposurecheck.gui.text import t

if TYPE_CHECKING:
    from exposurecheck.core.vault.store import Vault
    from exposurecheck.gui.main_window import MainWindow

# Vault errors after which a passphrase of the person's own is a way to keep (or open) saved checks.
PASSPHRASE_WAYS = frozenset({"vault.keyring.none", "vault.keyring.locked", "vault.keyring.refused",
                             "vault.needs_passphrase"})


class GuidedPage(Page):
    """Holds the help desk's GuidedView for the current plan, with a way back to the full results."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: QWidget | None = None
        self.back_button = button("guidedBackButton")
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.body.addLayout(row)

    def set_view(self, view: QWidget | None) -> None:
        if self.view is not None:
            self.body.removeWidget(self.view)
            self.view.deleteLater()
        self.view = view
        if view is not None:
            self.body.insertWidget(0, view, 1)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        label_button(self.back_button, t("gui.guided.back", lang))


class Extras:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        # Plain imports (not importlib by name), so PyInstaller sees and bundles both help-desk modules.
        from exposurecheck.gui.case_sheet import write_case_sheet
        from exposurecheck.gui.guided import GuidedView

        self.guided_class: Any = GuidedView
        self.write_case_sheet: Any = write_case_sheet
        self.kept_id: str | None = None  # the vault id of the check on screen, once kept
        self.keystore: Any = None  # None: the OS keyring (tests inject a real or a refusing one)
        self.vault: Vault | None = None
        self.tasks: list[Any] = []  # passphrase derivations running in the pool
        self.generation = 0  # counts sessions, so a derivation that ends after "End session" is dropped
        self.guided = GuidedPage()
        self.saved = SavedChecksPage()
        window.add_page(self.guided)
        window.add_page(self.saved)
        # With no usable keyring the person may protect saved checks with a passphrase instead (core.vault).
        self.keep_passphrase = PassphraseBox(confirm=True)
        self.open_passphrase = PassphraseBox(confirm=False)
        results_body = window.results.body
        results_body.insertWidget(results_body.indexOf(window.results.status) + 1, self.keep_passphrase)
        self.saved.body.insertWidget(self.saved.body.indexOf(self.saved.status) + 1, self.open_passphrase)
        self.keep_passphrase.submitted.connect(self.keep_with_passphrase)
        self.open_passphrase.submitted.connect(self.open_with_passphrase)
        results = window.results
        results.guided_button.setVisible(self.guided_class is not None)
        results.case_sheet_button.setVisible(self.write_case_sheet is not None)
        results.guided_requested.connect(self.open_guided)
        results.case_sheet_requested.connect(self.ask_case_sheet_path)
        results.keep_requested.connect(self.keep)
        self.guided.back_button.clicked.connect(self._back_from_guided)
        window.welcome.open_saved_requested.connect(self.open_saved)
        self.saved.back_requested.connect(lambda: window.show_page(window.welcome))
        self.saved.open_requested.connect(self.load_saved)
        self.saved.wipe_requested.connect(self.wipe)

    def retranslate(self, lang: str) -> None:
        self.keep_passphrase.retranslate(lang)
        self.open_passphrase.retranslate(lang)
        self.guided.retranslate(lang)
        self.saved.retranslate(lang)
        if self.guided.view is not None and self.window.session.plan is not None:
            self._make_guided_view()
        self.refresh_saved_button()

    def refresh_saved_button(self) -> None:
        from exposurecheck.core.vault.store import vault_exists

        self.window.welcome.open_saved_button.setVisible(vault_exists())

    # --- guided mode ----------------------------------------------------------------------------------------

    def _make_guided_view(self) -> None:
        session = self.window.session
        # Rebuilt on a language switch: stay on the step the person was on.
        index = getattr(self.guided.view, "index", 0) if self.guided.view is not None else 0
        view = self.guided_class(session.plan, session.lang, done_items=tuple(session.done_items))
        view.doneChanged.connect(self.window._mark_done)
        if index:
            view.go_to(index)
        self.guided.set_view(view)

    def open_guided(self) -> None:
        if self.guided_class is None or self.window.session.plan is None:
            return
        self._make_guided_view()
        self.window.show_page(self.guided)

    def _back_from_guided(self) -> None:
        session = self.window.session
        if session.plan is not None:
            self.window.results.show_plan(session.plan, session.report, session.done_items)
        self.window.show_page(self.window.results)

    # --- case sheet -----------------------------------------------------------------------------------------

    def ask_case_sheet_path(self) -> None:
        lang = self.window.session.lang
        name, _filter = QFileDialog.getSaveFileName(
            self.window, t("gui.results.case_sheet", lang), str(Path.home() / t("gui.case_sheet.file_name", lang)),
            t("gui.case_sheet.filter", lang))
        if name:
            self.save_case_sheet(Path(name))

    def save_case_sheet(self, path: Path) -> bool:
        """Write the PDF (no identifiers on it) and say where it went, or why it could not be written."""
        session, results = self.window.session, self.window.results
        if self.write_case_sheet is None or session.plan is None:
            return False
        try:
            self.write_case_sheet(session.plan, path, session.lang, profile=self.window.profile,
                                  demo=self.window.is_demo)
        except UserError as exc:
            results.status.setText(t(exc.key, session.lang, **exc.params))
            return False
        except OSError as exc:
            results.status.setText(t("gui.case_sheet.failed", session.lang, reason=type(exc).__name__))
            return False
        results.status.setText(t("gui.case_sheet.saved", session.lang, path=str(path)))
        return True

    # --- the vault ------------------------------------------------------------------------------------------

    def _vault(self) -> Vault:
        """The vault for this session: opened once (keyring, or the passphrase the person typed) and kept open
        until the session ends, so ticking a step does not ask the keyring or derive the key again."""
        from exposurecheck.core.vault.store import Vault

        if self.vault is None:
            self.vault = Vault.open(keystore=self.keystore)
        return self.vault

    def keep(self) -> bool:
        """Keep the report (not the identifiers) in the encrypted vault."""
        return self._keep(self._vault)

    def keep_with_passphrase(self, passphrase: str) -> None:
        """Derive the key in the pool (scrypt takes most of a second), then keep the check with it."""
        self._with_passphrase(passphrase, self.keep_passphrase, lambda vault: self._keep(lambda: vault),
                              self._keep_failed)

    def _keep_failed(self, exc: UserError) -> None:
        def fail() -> Vault:
            raise exc

        self._keep(fail)

    def _with_passphrase(self, passphrase: str, box: PassphraseBox, done: Callable[[Vault], object],
                         failed: Callable[[UserError], object]) -> None:
        from exposurecheck.core.vault.store import Vault
        from exposurecheck.gui.workers import Task

        keystore = self.keystore
        task = Task(lambda: Vault.open(passphrase, keystore=keystore))
        self.tasks.append(task)
        box.setEnabled(False)
        generation = self.generation

        def finish(handler: Callable[[Any], object], value: object) -> None:
            self.tasks.remove(task)
            box.setEnabled(True)
            # A vault opened for a session that has since ended must not become the next person's.
            if generation == self.generation:
                handler(value)

        task.signals.done.connect(lambda vault: finish(done, vault))
        task.signals.failed.connect(lambda exc: finish(failed, exc))
        self.window.pool.start(task)

    def _keep(self, open_vault: Callable[[], Vault]) -> bool:
        from exposurecheck.core.vault.store import vault_exists

        session, results = self.window.session, self.window.results
        if session.report is None:
            return False
        try:
            vault = open_vault()
            self.kept_id = vault.save_check(session.report)
            for item_id in sorted(session.done_items):
                vault.set_done(self.kept_id, item_id, True)
        except UserError as exc:
            self.vault = None  # a vault that could not save (keyring refused, wrong passphrase) is not reused
            results.status.setText(t("gui.vault.not_kept", session.lang, reason=t(exc.key, session.lang,
                                                                                    **exc.params)))
            if exc.key in PASSPHRASE_WAYS:
                self.keep_passphrase.ask(confirm=not vault_exists())
            return False
        self.vault = vault
        self.keep_passphrase.hide()
        results.status.setText(t("gui.vault.kept", session.lang, id=self.kept_id))
        self.refresh_saved_button()
        return True

    def item_done(self, item_id: str, done: bool) -> None:
        if self.kept_id is None:
            return
        try:
            self._vault().set_done(self.kept_id, item_id, done)
        except UserError as exc:
            self.window.results.status.setText(t(exc.key, self.window.session.lang, **exc.params))

    def open_saved(self) -> None:
        self._list(self._vault)
        self.window.show_page(self.saved)

    def open_with_passphrase(self, passphrase: str) -> None:
        self._with_passphrase(passphrase, self.open_passphrase, lambda vault: self._list(lambda: vault),
                              self._list_failed)

    def _list_failed(self, exc: UserError) -> None:
        def fail() -> Vault:
            raise exc

        self._list(fail)

    def _list(self, open_vault: Callable[[], Vault]) -> None:
        try:
            vault = open_vault()
            checks = vault.list_checks()
        except UserError as exc:
            self.vault = None
            self.saved.show_checks([], t(exc.key, self.window.session.lang, **exc.params))
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
            self.saved.status.show_message(t(exc.key, self.window.session.lang, **exc.params))
            return
        self.kept_id = saved.id
        self.window.show_saved_report(saved.report, set(saved.done))

    def wipe(self) -> None:
        from exposurecheck.core.wipe import wipe_everything

        report = wipe_everything(self.keystore)
        self.vault = None
        self.kept_id = None
        self.window.end_session()
        self.window.welcome.status.setText("\n".join(report.lines(self.window.session.lang)))

    def end_session(self) -> None:
        self.generation += 1
        self.vault = None  # forget the opened vault (and a passphrase-derived key) with the person
        self.keep_passphrase.hide()
        self.open_passphrase.hide()
        self.kept_id = None
        self.guided.set_view(None)
        self.saved.show_checks([], "")
        self.window.results.source_problems = ()
        self.refresh_saved_button()
