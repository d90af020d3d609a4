"""The window: a top bar over a stack of pages, one clear screen at a time, and the flow between them.

The window owns the session (what the person typed lives only in the details page's fields; the report and plan
only in memory) and the check's runner. The check itself, from "Check" to a report, is `gui/check_flow.py`;
lookups run in the injected thread pool and the flow only reacts to their signals, so the event loop never waits
on the network.

It is also where the parts meet (`build_pages`, `_connect`): features (the check flow, the vault, the profile, the
kit check, the help desk) use the pages' slots and signals and ask the window for things with their own signals
(docs/gui.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QThreadPool, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from exposurecheck.core.session import Session
from exposurecheck.core.sources.choice import SourceFactory, default_factory
from exposurecheck.gui import accessibility
from exposurecheck.gui.pages.base import Page
from exposurecheck.gui.pages.welcome import WelcomePage
from exposurecheck.gui.text import t
from exposurecheck.gui.topbar import TopBar
from exposurecheck.gui.widgets import scrollable
from exposurecheck.gui.workers import CheckRunner

# Everything below is imported when the rest of the pages are built, after the first window is on screen: the
# identifier normalizers (phonenumbers, email-validator), the advice engine and the vault are the slow imports.
if TYPE_CHECKING:
    from exposurecheck.core.advice import Plan
    from exposurecheck.core.catalog import Catalog
    from exposurecheck.core.report import Report
    from exposurecheck.core.trust.profile import Profile

MIN_WIDTH, MIN_HEIGHT = 800, 600  # fits 1024×768 with room for the desktop's panels
START_WIDTH, START_HEIGHT = 1024, 768  # the size the results page is designed to fit without scrolling
# The window manager's title bar and borders, not known before the window is shown: height, and width (two borders).
FRAME_ALLOWANCE, FRAME_SIDES = 48, 16


class MainWindow(QMainWindow):
    def __init__(
        self,
        lang: str,
        pool: QThreadPool,
        source_factory: SourceFactory = default_factory,
        parent: QWidget | None = None,
        *,
        defer_pages: bool = False,
        kit_executable: Path | None = None,
    ) -> None:
        """`defer_pages`: show the welcome page first and build the other pages at the first turn of the event
        loop (the app does this so the window appears sooner; tests build everything at once).
        `kit_executable`: where the app runs from, for the USB-kit check (default: the frozen app's own path)."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = Session(lang=lang)
        self.pool = pool
        self._source_factory = source_factory  # the check flow's, once it is built (`self.flow.source_factory`)
        self.runner = CheckRunner(pool, self)
        self.on_language_changed: Callable[[str], None] = lambda _lang: None  # the app hooks Qt's translator here
        self.on_pages_built: list[Callable[[], None]] = []
        self.pages_built = False
        self.profile: Profile | None = None  # an NGO's signed profile, found when the pages are built
        self.kit_executable = kit_executable

        self.top = TopBar()
        self.stack = QStackedWidget()
        self.welcome = WelcomePage()
        self.pages: list[Page] = []
        self._wrappers: dict[QWidget, QScrollArea] = {}
        self.add_page(self.welcome)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.top)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.setStyleSheet(accessibility.window_stylesheet())  # ours, or the palette's own with high contrast
        self._showing_page = False
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._keep_focus_in_view)
        self.top.language_requested.connect(self.set_language)
        self.top.end_session_requested.connect(self.end_session_and_say)
        self.welcome.offline_changed.connect(self._set_offline)
        self._retranslate_shell(lang)
        self.show_page(self.welcome)
        if defer_pages:
            QTimer.singleShot(0, self.build_pages)
        else:
            self.build_pages()

    def fit_to(self, available: QRect) -> None:
        """Open at the designed size, but never larger than the screen's free area (`QScreen.availableGeometry`,
        in logical pixels): at 200% scaling a 1920×1080 screen offers only 960×540, less its panels, so even the
        usual minimum size gives way. Centred in that area."""
        room_w = max(1, available.width() - FRAME_SIDES)
        room_h = max(1, available.height() - FRAME_ALLOWANCE)
        self.setMinimumSize(min(MIN_WIDTH, room_w), min(MIN_HEIGHT, room_h))
        self.resize(min(START_WIDTH, room_w), min(START_HEIGHT, room_h))
        x = available.x() + max(0, (available.width() - self.width() - FRAME_SIDES) // 2)
        y = available.y() + max(0, (available.height() - self.height() - FRAME_ALLOWANCE) // 2)
        self.move(x, y)  # the frame's top-left corner

    def build_pages(self) -> None:
        """Create every page but the welcome page, and wire the flow between them."""
        if self.pages_built:
            return
        from exposurecheck.gui.check_flow import CheckFlow
        from exposurecheck.gui.helpdesk_link import HelpDeskLink
        from exposurecheck.gui.kit_link import KitNotice
        from exposurecheck.gui.pages import checking, consent, details, guided, questionnaire, results, saved, sent
        from exposurecheck.gui.profile_link import ProfileBox, find_profile
        from exposurecheck.gui.vault_link import VaultLink

        self.details = details.DetailsPage()
        self.consent = consent.ConsentPage()
        self.checking = checking.CheckingPage()
        self.results = results.ResultsPage()
        self.sent = sent.SentPage()
        self.questions = questionnaire.QuestionnairePage()
        self.guided = guided.GuidedPage()  # guided mode (help desk)
        self.saved = saved.SavedChecksPage()
        for page in (self.details, self.consent, self.checking, self.results, self.sent, self.questions,
                     self.guided, self.saved):
            self.add_page(page)
        self.flow = CheckFlow(self.session, self.runner, self._source_factory, self, welcome=self.welcome,
                              details=self.details, consent=self.consent, checking=self.checking,
                              results=self.results)
        self.vault_link = VaultLink(self.session, self.pool, self.welcome, self.results, self.saved)
        self.help_desk = HelpDeskLink(self.session, self.results, self.guided)
        # The welcome page's notices, in screen order: the USB kit's check, then the NGO profile.
        self.kit_notice = KitNotice()
        self.profile_box = ProfileBox()
        self.welcome.add_notice(self.kit_notice)
        self.welcome.add_notice(self.profile_box)
        self.profile_box.in_use.connect(self._use_profile)
        self.profile_box.in_use.connect(self.flow.use_profile)
        self.profile_box.in_use.connect(self.help_desk.use_profile)
        self.profile_box.set_profile(*find_profile())
        self.kit_notice.check(self.pool, self.profile, self.kit_executable)
        self._connect()
        self.pages_built = True
        self.set_language(self.session.lang)
        for callback in self.on_pages_built:
            callback()

    # --- wiring ------------------------------------------------------------------------------------------------

    def _connect(self) -> None:
        self.welcome.start_requested.connect(lambda: self.show_page(self.details))
        self.welcome.questions_requested.connect(lambda: self.show_page(self.questions))
        self.welcome.demo_requested.connect(self._start_demo)
        self.welcome.training_changed.connect(self.set_training)
        self.details.back_requested.connect(lambda: self.show_page(self.welcome))
        # "Check", consent, Stop, try again, offline, a data file, a reset: the check flow (it connects them itself).
        self.flow.page_wanted.connect(self.show_page)
        self.flow.finished.connect(self._finished)
        self.consent.back_requested.connect(lambda: self.show_page(self.details))
        self.checking.results_requested.connect(self._show_results_after_problems)
        self.checking.questions_requested.connect(lambda: self.show_page(self.questions))
        self.checking.back_requested.connect(lambda: self.show_page(self.details))
        # The results page's guided mode and case sheet go to the help-desk link, "Keep this check" to the vault link.
        self.results.sent_requested.connect(self._show_sent)
        self.results.new_check_requested.connect(lambda: self.show_page(self.details))
        self.results.done_changed.connect(self._mark_done)
        self.guided.done_changed.connect(self._mark_done)
        self.sent.back_requested.connect(lambda: self.show_page(self.results))
        self.questions.back_requested.connect(lambda: self.show_page(self.welcome))
        self.questions.done.connect(self.show_presumed_plan)
        self.saved.back_requested.connect(lambda: self.show_page(self.welcome))
        self.help_desk.page_wanted.connect(self.show_page)
        self.vault_link.page_wanted.connect(self.show_page)
        self.vault_link.check_opened.connect(self.show_saved_report)
        self.vault_link.wiped.connect(self._wiped)

    def _use_profile(self, profile: Profile) -> None:
        """Put a confirmed NGO profile to use: its contacts on the results page, its advice and offline default (its
        sources and keys: `CheckFlow.use_profile`)."""
        self.profile = profile
        self.results.set_contact_lines(profile.contact_lines)
        if profile.offline_only:
            self.welcome.set_offline(True)

    def add_page(self, page: Page) -> None:
        if page not in self.pages:
            self.pages.append(page)
        wrapper = scrollable(page)
        self._wrappers[page] = wrapper
        self.stack.addWidget(wrapper)

    def show_page(self, page: QWidget) -> None:
        wrapper = self._wrappers[page]
        self.stack.setCurrentWidget(wrapper)
        wrapper.verticalScrollBar().setValue(0)
        self._showing_page = True  # the page starts at its top (see _keep_focus_in_view)
        try:
            # Focus on the page's first control (Tab-only use starts in the right place, nothing stays focused on
            # the page just hidden) and its heading said to a screen reader.
            accessibility.page_shown(page)
        finally:
            self._showing_page = False

    def _keep_focus_in_view(self, _old: QWidget | None, new: QWidget | None) -> None:
        """WCAG 2.4.11: a control that gets the focus is scrolled into view, however it got it. (A scroll area does
        this itself only for Tab pressed inside it, not for the focus arriving from the top bar.)"""
        wrapper = self.stack.currentWidget()
        if self._showing_page or new is None or not isinstance(wrapper, QScrollArea):
            return  # a page just shown starts at its top, where its first control is (its layout may not be final)
        if wrapper.isAncestorOf(new):
            wrapper.ensureWidgetVisible(new, 16, 16)

    def current_page(self) -> QWidget | None:
        wrapper = self.stack.currentWidget()
        return next((page for page, w in self._wrappers.items() if w is wrapper), None)

    # --- language, modes ---------------------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Re-label every screen in `lang` now, keeping what was typed; a plan on screen is rebuilt in `lang`."""
        self.session.lang = lang
        self.on_language_changed(lang)
        self._retranslate_shell(lang)
        if not self.pages_built:
            return
        for page in self.pages:
            page.retranslate(lang)
        self.vault_link.refresh_saved_button()
        if self.session.plan is not None:
            self.session.plan = self._make_plan()
            self.results.show_plan(self.session.plan, self.session.report, self.session.done_items)
            if self.guided.view is not None:  # rebuilt in the new language on the same step
                self.guided.show_plan(self.session.plan, self.session.done_items)
        self._update_demo()
        accessibility.page_renamed(self.current_page())

    def _retranslate_shell(self, lang: str) -> None:
        self.setWindowTitle(t("gui.app.title", lang))
        self.top.retranslate(lang)
        self.welcome.retranslate(lang)

    def _set_offline(self, offline: bool) -> None:
        self.session.offline_only = offline

    def set_training(self, on: bool) -> None:
        """Training mode: the demo pack only, demo identities offered, DEMO shown on every screen."""
        from exposurecheck.core.training import available_identities

        self.session.training = on
        self.welcome.set_training(on)
        self.details.set_demo_identities(available_identities() if on else ())
        self._update_demo()

    def _start_demo(self) -> None:
        self.set_training(True)
        self.show_page(self.details)

    def _update_demo(self) -> None:
        demo = self.session.demo  # training mode, or demo data behind what is shown
        self.top.demo.setVisible(demo)
        # The title bar too: it is what shows in the task bar and in a screen-sharing session's window list.
        title = t("gui.app.title", self.session.lang)
        self.setWindowTitle(t("gui.app.title_demo", self.session.lang, title=title) if demo else title)

    # --- the check (gui/check_flow.py) -------------------------------------------------------------------------

    def start_check(self) -> None:
        """As "Check" on the details page does."""
        self.flow.start()

    def use_pack_file(self, path: str) -> None:
        """Check again with a data file the person picked by hand."""
        self.flow.use_pack_file(path)

    def cancel_check(self, *, show_details: bool = True) -> None:
        self.flow.cancel(show_details=show_details)

    def _finished(self, report: Report, catalog: Catalog | None = None) -> None:
        from exposurecheck.core.report import SourceState

        self.session.report = report
        self.session.catalog = catalog
        self.session.presumed_answers = None
        self.session.done_items.clear()
        self.session.plan = self._make_plan()
        self.vault_link.new_result()
        self.checking.finish(report)
        if not any(s.state is SourceState.ERROR for s in report.sources):
            self._show_results()

    @property
    def busy(self) -> bool:
        return self.runner.busy

    # --- results -----------------------------------------------------------------------------------------------

    def _make_plan(self) -> Plan:
        from exposurecheck.core.errors import UserError
        from exposurecheck.core.session import make_plan

        plan, advice_left_out = make_plan(self.session, self.profile.advice if self.profile is not None else ())
        if advice_left_out:
            self.profile_box.show_problem(UserError("gui.profile.advice_unusable"))
        return plan

    def show_presumed_plan(self, answers: dict[str, bool]) -> None:
        self.session.report = None
        self.session.catalog = None
        self.session.presumed_answers = dict(answers)
        self.session.done_items.clear()
        self.session.plan = self._make_plan()
        self.vault_link.new_result()
        self._show_results()

    def show_saved_report(self, report: Report, done: set[str]) -> None:
        """A check re-opened from the vault: its plan is recomputed from today's advice, in today's language."""
        self.session.report = report
        self.session.catalog = None  # the packs it was checked against may be gone: the app's own catalog
        self.session.presumed_answers = None
        self.session.done_items = set(done)
        self.session.plan = self._make_plan()
        self._show_results(sent_known=False)

    def _show_results_after_problems(self) -> None:
        if self.session.plan is not None:
            self._show_results()

    def _show_results(self, *, sent_known: bool | None = None) -> None:
        assert self.session.plan is not None  # noqa: S101 - every caller sets the plan first
        self.results.show_plan(self.session.plan, self.session.report, self.session.done_items, sent_known=sent_known)
        self._update_demo()
        self.show_page(self.results)

    def _mark_done(self, item_id: str, done: bool) -> None:
        if done:
            self.session.done_items.add(item_id)
        else:
            self.session.done_items.discard(item_id)
        self.vault_link.item_done(item_id, done)

    def _show_sent(self) -> None:
        self.sent.show_report(self.session.report)
        self.show_page(self.sent)

    def _wiped(self, removed: str) -> None:
        """After "Wipe everything": a fresh session, and on the welcome page what was removed."""
        self.end_session()
        self.welcome.show_status(removed)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt's name
        # Closing the window ends the session: stop a running check and take the app's clipboard text away.
        self.end_session()
        super().closeEvent(event)

    # --- end of session ----------------------------------------------------------------------------------------

    def remember_clipboard(self, text: str) -> None:
        """Put `text` on the clipboard and remember it, so "End session" can take it off again."""
        self.session.clipboard_texts.append(text)
        QGuiApplication.clipboard().setText(text)

    def end_session_and_say(self) -> None:
        """The top bar's "End session": end it, and say on the welcome page what was cleared."""
        cleared = self.end_session()
        lang = self.session.lang
        if cleared:
            from exposurecheck.core.advice.plan import join_words

            self.welcome.show_status(t("gui.session.ended", lang, things=join_words(cleared, lang)))
        else:
            self.welcome.show_status(t("gui.session.ended_nothing", lang))

    def _what_is_held(self) -> list[str]:
        """What the session holds about the person, in words, for "End session" to say what it cleared."""
        lang, session = self.session.lang, self.session
        held = []
        if any(f.edit.text() for f in self.details.fields.values()):
            held.append(t("gui.session.cleared.details", lang))
        if any(row.yes.isChecked() or row.no.isChecked() for row in self.questions.rows):
            held.append(t("gui.session.cleared.answers", lang))
        if session.plan is not None or session.report is not None:
            held.append(t("gui.session.cleared.results", lang))
        if session.done_items:
            held.append(t("gui.session.cleared.done", lang, count=len(session.done_items)))
        if session.pack_files:
            held.append(t("gui.session.cleared.files", lang, count=len(session.pack_files)))
        if self.vault_link.vault is not None:
            held.append(t("gui.session.cleared.vault", lang))
        if session.training:
            held.append(t("gui.session.cleared.training", lang))
        return held

    def end_session(self) -> list[str]:
        """Forget everything about the person and go back to the welcome page, ready for the next one. Returns
        what was cleared, in words (empty when there was nothing)."""
        if not self.pages_built:
            return []
        cleared = self._what_is_held()
        self.flow.end_session()
        clipboard = QGuiApplication.clipboard()
        typed = {f.edit.text() for f in self.details.fields.values() if f.edit.text()}
        current = clipboard.text()
        if current and (current in self.session.clipboard_texts or current in typed):
            clipboard.clear()
            cleared.append(t("gui.session.cleared.clipboard", self.session.lang))
        self.details.clear()
        self.questions.clear()
        self.results.clear()
        self.sent.show_report(None)
        self.checking.reset()
        self.guided.clear()
        self.vault_link.end_session()
        self.session.forget()
        self.set_training(False)
        self.welcome.set_offline(self.session.offline_only)
        self.welcome.show_status("")
        self._update_demo()
        self.show_page(self.welcome)
        return cleared
