"""The check, from "Check" on the details page to a report: which sources, a question about a data file from an
unknown publisher, consent before the first network use, the run in the thread pool, Stop, and the ways forward the
checking page offers (try again, offline only, a data file picked by hand, a refused service's keys reset).

Like the features behind the pages (docs/gui.md), the flow talks to the pages through their slots and signals and
to the window through its own signals: `page_wanted(page)`, and `finished(report, catalog)` when a check has
ended (the window then makes the plan and shows the results). It never imports the window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from exposurecheck.core.session import Session
from exposurecheck.core.sources.choice import SourceFactory, default_factory, factory_for, plan_sources
from exposurecheck.gui.pages.checking import CheckingPage
from exposurecheck.gui.pages.consent import ConsentPage
from exposurecheck.gui.pages.details import DetailsPage
from exposurecheck.gui.pages.results import ResultsPage
from exposurecheck.gui.pages.welcome import WelcomePage
from exposurecheck.gui.publisher_link import PublisherLink
from exposurecheck.gui.service_pin_link import ServicePinLink
from exposurecheck.gui.text import t
from exposurecheck.gui.workers import CheckRunner

if TYPE_CHECKING:
    from exposurecheck.core.catalog import Catalog
    from exposurecheck.core.identifiers import Identifier, IdentifierType
    from exposurecheck.core.report import Reason, Report
    from exposurecheck.core.sources.base import Source
    from exposurecheck.core.trust.profile import Profile


class CheckFlow(QObject):
    page_wanted = Signal(QWidget)
    finished = Signal(object, object)  # the report, and the data files' own breach catalog (or None)

    def __init__(self, session: Session, runner: CheckRunner, source_factory: SourceFactory, window: QWidget, *,
                 welcome: WelcomePage, details: DetailsPage, consent: ConsentPage, checking: CheckingPage,
                 results: ResultsPage) -> None:
        """`window`: the parent of the dialogs the flow opens (a data file's publisher, a reset, a file to open)."""
        super().__init__(window)
        self.session, self.runner, self.window = session, runner, window
        self.welcome, self.details, self.consent, self.checking, self.results = (
            welcome, details, consent, checking, results)
        self.source_factory = source_factory
        self.profile: Profile | None = None  # a confirmed NGO profile: its sources and keys
        self.publishers = PublisherLink()  # asks before a data file from an unknown publisher is used
        self.service_pins = ServicePinLink()  # a lookup service refused for its pinned keys: reset, after asking
        self._pending: tuple[list[Identifier], tuple[Source, ...], dict[IdentifierType, Reason]] | None = None
        self._ran: tuple[Source, ...] = ()  # the sources of the last check that ran

        details.check_requested.connect(self.start)
        consent.accepted.connect(self._consent_given)
        consent.offline_chosen.connect(self._consent_refused)
        checking.cancel_requested.connect(self.cancel)
        checking.retry_requested.connect(self.start)
        checking.offline_requested.connect(self._retry_offline)
        checking.pack_requested.connect(self.ask_pack_file)
        checking.reset_service_requested.connect(self._ask_service_reset)
        results.open_pack_requested.connect(self.ask_pack_file)
        results.confirm_publisher_requested.connect(self.reconsider_publishers)
        self.service_pins.reset_done.connect(self.start)
        self.service_pins.reset_failed.connect(checking.show_status)
        self.publishers.decided.connect(self.start)
        runner.progress.connect(checking.set_progress)
        runner.source_done.connect(checking.source_done)
        runner.finished.connect(self._finished)
        runner.failed.connect(checking.failed)

    def use_profile(self, profile: Profile) -> None:
        """Check with a confirmed NGO profile's sources (unless the window was given its own) and trusted keys."""
        self.profile = profile
        if self.source_factory is default_factory:
            self.source_factory = factory_for(profile)

    def start(self) -> None:
        """Decide the sources, ask before the first network use, then run the check in the pool."""
        identifiers = self.details.identifiers()
        if not identifiers:
            self.page_wanted.emit(self.details)
            return
        # The same choice `exposure-check check` makes (core.sources.choice); `self.profile` is set only once the
        # profile's key was confirmed.
        chosen = plan_sources(self.source_factory, training=self.session.training,
                              offline_only=self.session.offline_only, pack_files=self.session.pack_files,
                              profile=self.profile)
        # A data file from a publisher this app does not know: ask (a dialog), then check again; one turned down
        # is left out, and the results say so.
        keys = self.profile.trusted_keys if self.profile is not None else ()
        review = self.publishers.review(chosen.sources, chosen.problems, self.session.lang, keys)
        if review.ask is not None:
            self.publishers.ask(review.ask, self.session.lang, self.window)
            return
        # Only sources that take one of the typed kinds run: a password service is not asked (nor consent sought
        # for it) when no password was typed.
        types = {i.type for i in identifiers}
        relevant = tuple(s for s in review.sources if s.accepts & types)
        # A kind that only a turned-down file would have checked is "not checked: its publisher was not
        # confirmed", which the person can mend, before "you chose offline only" (Reason's order: most specific).
        held_back = {**chosen.held_back, **review.held_back}
        self._pending = (identifiers, relevant, held_back)
        self.results.set_source_problems(review.problems)
        if any(s.uses_network for s in relevant) and not self.session.online_consent:
            self.consent.ask(tuple(s for s in relevant if s.uses_network))
            self.page_wanted.emit(self.consent)
            return
        self._run(identifiers, relevant, held_back)

    def _consent_given(self) -> None:
        self.session.online_consent = True
        if self._pending is not None:
            self._run(*self._pending)

    def _consent_refused(self) -> None:
        # "Check without the internet" turns the offline-only switch on for the rest of the session.
        self.welcome.set_offline(True)
        self.start()

    def use_pack_file(self, path: str) -> None:
        """Check again with a data pack the person picked by hand (a stick the app did not find by itself)."""
        if path not in self.session.pack_files:
            self.session.pack_files.append(path)
        self.start()

    def ask_pack_file(self) -> None:
        lang = self.session.lang
        path, _filter = QFileDialog.getOpenFileName(self.window, t("gui.checking.open_pack", lang), "",
                                                    t("gui.checking.pack_filter", lang))
        if path:
            self.use_pack_file(path)

    def reconsider_publishers(self) -> None:
        """ "Confirm the publisher and check again": ask again about the data files turned down, then check."""
        self.publishers.reconsider()
        self.start()

    def _ask_service_reset(self) -> None:
        """ "Reset the service's keys…": the lookup services the last check refused for their pinned keys."""
        from exposurecheck.core.sources.lookup_service_reset import refused_services

        self.service_pins.ask(refused_services(self._ran, self.session.report), self.session.lang, self.window)

    def _retry_offline(self) -> None:
        self.welcome.set_offline(True)
        self.start()

    def _run(self, identifiers: Sequence[Identifier], sources: tuple[Source, ...],
             held_back: Mapping[IdentifierType, Reason]) -> None:
        """Run the check. With no source that can look anything typed up, the results come at once: each
        identifier "not checked" and why, with the steps for its kind (no dead end, no "checking" of nothing)."""
        from exposurecheck.core.check import check

        self._pending = None
        self.cancel(show_details=False)
        self._ran = sources  # the report's statuses come in this order (a refused service is found by it)
        if not sources:
            self._finished(check(identifiers, (), held_back=held_back))
            return
        self.checking.start(sources)
        self.page_wanted.emit(self.checking)
        self.runner.start(identifiers, sources, held_back)

    def _finished(self, report: Report, catalog: Catalog | None = None) -> None:
        self.finished.emit(report, catalog)

    def cancel(self, *, show_details: bool = True) -> None:
        """Stop a running check (its late answer is ignored); back on the details page with a note, unless told."""
        if self.runner.cancel() and show_details:
            self.details.show_note(t("gui.checking.cancelled", self.session.lang))
            self.page_wanted.emit(self.details)

    def end_session(self) -> None:
        """Stop a running check and forget what this session decided (publishers turned down, an open question)."""
        self.cancel(show_details=False)
        self.publishers.end_session()
        self.service_pins.end_session()
        self._pending = None
        self._ran = ()
