"""Checking: one row per source with its own progress bar, a cancel button, and, when a source fails, its plain
message plus the ways forward (try again, the questionnaire, an offline pack; network tips only when a source that
uses the network failed). With nothing that can check what was typed, the window skips this page (see _run)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QProgressBar, QWidget

from exposurecheck.core.i18n import plain_source_label
from exposurecheck.core.report import Report, SourceState, SourceStatus
from exposurecheck.core.sources.base import Source
from exposurecheck.core.sources.lookup_service_reset import refused_for_pins
from exposurecheck.gui import accessibility
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.pages.base import Page, button, label_button
from exposurecheck.gui.text import pseudo_enabled, stretch, t
from exposurecheck.gui.widgets import ErrorLabel, Heading, SecureLabel


def source_label(name: str, lang: str) -> str:
    """A source's name in plain words ("Online password check"), for the main text: the core's plain labels
    (`source.plain.*`, the words the command line uses too), which name no service brands. The "What left this
    computer" page, which is the details, uses the core's technical names (`source.*`). Unknown names show as they
    are."""
    text = plain_source_label(name, lang)
    return stretch(text) if pseudo_enabled() and text != name else text


# Sources' messages that tell a command-line user what to type; the window says them its own way (issue 12.4: a
# person who has never opened a terminal is never shown a command), with the way forward in the message itself.
WINDOW_WORDS = frozenset({"service.error.no_trusted_keys"})


def message_key(status: SourceStatus) -> str:
    """The message for a failed source in the window."""
    if status.error_key == "service.error.no_trusted_keys":
        return "gui.checking.service_no_trusted_keys"
    return status.error_key or "check.source_crashed"


@dataclass
class _Row:
    name: str
    label: SecureLabel
    bar: QProgressBar
    state: SecureLabel
    status: SourceStatus | None = None


class CheckingPage(Page):
    cancel_requested = Signal()
    results_requested = Signal()
    retry_requested = Signal()
    questions_requested = Signal()
    back_requested = Signal()
    offline_requested = Signal()
    pack_requested = Signal()
    reset_service_requested = Signal()  # a lookup service refused for its pinned keys: the window asks first

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = Heading()
        self.note = SecureLabel()
        self.grid = QGridLayout()
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(1, 1)
        self.rows: dict[str, _Row] = {}
        self.problem = ErrorLabel()
        self.problem.setObjectName("sourceProblem")
        self.way_forward = SecureLabel()
        self.way_forward.setObjectName("wayForward")
        self.way_forward.hide()
        self.cancel_button = button("cancelButton")
        # Escape stops a running check. A separate QShortcut, because a button's own shortcut is reset whenever
        # its text is set (every language switch).
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._escape)
        self.results_button = button("resultsButton")
        self.retry_button = button("retryButton")
        self.questions_button = button("questionsInsteadButton")
        self.back_button = button("backToDetailsButton")
        self.offline_button = button("offlineRetryButton")  # shown when a source that needs the internet failed
        self.network_names: set[str] = set()
        self.pack_button = button("openPackButton")  # a pack on a stick the app did not find by itself
        # Shown when a lookup service was refused for its pinned keys (an unannounced key change, a history that
        # does not continue): the way out, for a help-desk worker who heard from the organisation that runs it.
        self.reset_service_button = button("resetServiceButton")
        self.status = SecureLabel()  # what came of that (a reset that could not be written)
        self.status.setObjectName("status")
        self.status.hide()
        self.body.addWidget(self.title)
        self.body.addWidget(self.note)
        self.body.addLayout(self.grid)
        self.body.addWidget(self.problem)
        self.body.addWidget(self.way_forward)
        row = FlowLayout()
        for widget in (self.back_button, self.retry_button, self.offline_button, self.pack_button,
                       self.questions_button, self.reset_service_button):
            row.addWidget(widget)
        row.addWidget(self.cancel_button)
        row.addWidget(self.results_button)
        self.body.addLayout(row)
        self.body.addWidget(self.status)
        self.body.addStretch(1)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.results_button.clicked.connect(self.results_requested)
        self.retry_button.clicked.connect(self.retry_requested)
        self.questions_button.clicked.connect(self.questions_requested)
        self.back_button.clicked.connect(self.back_requested)
        self.offline_button.clicked.connect(self.offline_requested)
        self.pack_button.clicked.connect(self.pack_requested)
        self.reset_service_button.clicked.connect(self.reset_service_requested)
        self.report: Report | None = None
        self.said_problems = False
        self._set_running(False)

    def _escape(self) -> None:
        if self.cancel_button.isVisible():
            self.cancel_requested.emit()

    def reset(self) -> None:
        """No check on screen (End session)."""
        self.start(())
        self._set_running(False)
        self.report = None

    def start(self, sources: tuple[Source, ...]) -> None:
        """Show one row per source, all at 0%."""
        for row in self.rows.values():
            for widget in (row.label, row.bar, row.state):
                self.grid.removeWidget(widget)
                widget.setParent(None)  # gone now, not at the next event loop turn (it would overlap the new rows)
                widget.deleteLater()
        self.rows.clear()
        self.report = None
        self.network_names = {s.name for s in sources if s.uses_network}
        self.insecure_names = {s.name for s in sources if s.insecure}  # plain http the person allowed: said unsafe
        for index, source in enumerate(sources):
            label = SecureLabel()
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setObjectName("sourceProgress")
            state = SecureLabel()
            self.grid.addWidget(label, index, 0)
            self.grid.addWidget(bar, index, 1)
            self.grid.addWidget(state, index, 2)
            self.rows[source.name] = _Row(source.name, label, bar, state)
        self.problem.show_message("")
        self.said_problems = False
        self.way_forward.hide()
        self._set_running(True)
        self.retranslate(self.lang)
        self._title()
        self.cancel_button.setFocus()

    def set_progress(self, name: str, fraction: float) -> None:
        row = self.rows.get(name)
        if row is not None and row.status is None:
            row.bar.setValue(round(max(0.0, min(1.0, fraction)) * 100))

    def source_done(self, status: SourceStatus) -> None:
        row = self.rows.get(status.name)
        if row is None:
            return
        first_answer = row.status is None
        row.status = status
        if status.state is SourceState.OK:
            row.bar.setValue(100)
        self._label_row(row)
        if first_answer and status.state is not SourceState.ERROR:
            # Said where the focus is (on Stop): "Online password check: done". A failure is said with its reason
            # once the check is over (_show_problems).
            accessibility.announce(self, f"{row.label.text()}: {row.state.text()}")

    def finish(self, report: Report) -> None:
        """The check is over: go on by itself when every source answered, otherwise explain and offer ways on."""
        self.report = report
        for status in report.sources:
            self.source_done(status)
        self._set_running(False)
        errors = [s for s in report.sources if s.state is SourceState.ERROR]
        self._show_problems(errors)
        if errors:
            (self.retry_button if report.all_failed else self.results_button).setFocus()

    def failed(self) -> None:
        """The check itself broke (not one source): say so calmly and offer the same ways on."""
        self._set_running(False)
        self.results_button.hide()
        self.problem.show_message(t("gui.checking.internal_error", self.lang))
        self._title()
        self.way_forward.setText(t("gui.checking.way_forward", self.lang))
        self.way_forward.show()
        accessibility.announce(self, f"{self.title.text()}\n{self.problem.text()}", assertive=True)
        self.retry_button.setFocus()

    def show_status(self, text: str) -> None:
        """A line under the buttons ("" hides it): what came of an action started here, said to a screen reader
        too."""
        self.status.setText(text)
        self.status.setVisible(bool(text))
        if text:
            accessibility.announce(self, text, assertive=True)

    def _show_problems(self, errors: list[SourceStatus]) -> None:
        if not errors:
            self.problem.show_message("")
            self.way_forward.hide()
            self._title()
            return
        lines = [
            t("gui.checking.source_problem", self.lang, source=source_label(s.name, self.lang),
              message=t(message_key(s), self.lang, **dict(s.error_params)))
            for s in errors
        ]
        self.problem.show_message("\n".join(lines))
        if not self.said_problems:  # once per check, not again when the language changes
            self.said_problems = True
            accessibility.announce(self, "\n".join(lines), assertive=True)
        # Network tips only when a source that uses the network failed for want of the network: a refused data file
        # is not helped by another network, nor is a service this app does not trust yet (its message, in
        # WINDOW_WORDS, already says the way forward).
        network = any(s.name in self.network_names and s.error_key not in WINDOW_WORDS for s in errors)
        explained = all(s.error_key in WINDOW_WORDS for s in errors)
        ways = [] if explained else [t("gui.checking.way_forward" if network else "outcome.way_forward.local",
                                       self.lang)]
        pins = refused_for_pins(self.report)
        if pins:
            ways.append(t("gui.checking.way_forward_pin", self.lang))
        self.way_forward.setText("\n".join(ways))
        self.way_forward.setVisible(bool(ways))
        self.results_button.setVisible(self.report is not None and not self.report.all_failed)
        self._title()
        # An unreachable online source: offer the offline pack(s) instead (on a stick, say), with one press.
        self.offline_button.setVisible(network)
        # And a data file opened by hand: for an unreachable service, or the one the message asks the person to get.
        self.pack_button.setVisible(network or any(s.error_key in WINDOW_WORDS for s in errors))
        self.reset_service_button.setVisible(pins)

    def _title(self) -> None:
        """"Checking…" while running; once stopped, a title that says what happened."""
        running = self.cancel_button.isVisibleTo(self)
        problem = bool(self.problem.text())
        key = "title" if running or not problem else "title_problem"
        self.title.setText(t(f"gui.checking.{key}", self.lang))
        self.note.setText(t("gui.checking.note", self.lang) if running else "")
        self.note.setVisible(running)
        accessibility.page_renamed(self)  # the page's name for a screen reader is its title

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        for widget in (self.results_button, self.retry_button, self.questions_button, self.back_button):
            widget.setVisible(not running)
        self.offline_button.hide()
        self.pack_button.hide()
        self.reset_service_button.hide()
        self.show_status("")

    def _label_row(self, row: _Row) -> None:
        name = source_label(row.name, self.lang)
        if row.name in getattr(self, "insecure_names", ()):
            name = t("http.unsafe_source", self.lang, source=name)
        row.label.setText(name)
        row.bar.setAccessibleName(name)
        if row.status is None:
            row.state.setText(t("gui.checking.state.running", self.lang))
        else:
            row.state.setText(t(f"gui.checking.state.{row.status.state.value}", self.lang))

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self._title()
        for row in self.rows.values():
            self._label_row(row)
        label_button(self.cancel_button, t("gui.checking.cancel", lang))
        label_button(self.results_button, t("gui.checking.results", lang))
        label_button(self.retry_button, t("gui.checking.retry", lang))
        label_button(self.questions_button, t("gui.checking.questions", lang))
        label_button(self.back_button, t("gui.checking.back", lang))
        label_button(self.offline_button, t("gui.checking.offline", lang))
        label_button(self.pack_button, t("gui.checking.open_pack", lang))
        label_button(self.reset_service_button, t("gui.checking.reset_service", lang))
        if self.report is not None:
            self._show_problems([s for s in self.report.sources if s.state is SourceState.ERROR])
