"""Guided mode, the page: the plan one step at a time (`pages/guided_view.GuidedView`, help desk) with a way back to
the full results.

Signals: `back_requested`, and `done_changed(item_id, done)` when a step is marked done or not done in the view (the
same ids the results page keeps in `Session.done_items`). Slots: `show_plan`, `clear`.

Escape leaves guided mode (back to the full results), and every new step starts scrolled to its top, so its title
is what is seen first after "Next" or "Done".
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QWidget

from exposurecheck.core.advice import Plan
from exposurecheck.gui import accessibility
from exposurecheck.gui.pages.base import Page, button, label_button
from exposurecheck.gui.pages.guided_view import GuidedView
from exposurecheck.gui.text import t


class GuidedPage(Page):
    back_requested = Signal()
    done_changed = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: GuidedView | None = None
        self.back_button = button("guidedBackButton")
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.back_button.clicked.connect(self.back_requested)
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        leave.activated.connect(self.back_requested)

    def show_plan(self, plan: Plan, done_items: Iterable[str]) -> None:
        """Show `plan` in its own language. A view already open stays on its step: the same plan rebuilt in another
        language, or guided mode opened again after a look at the full results, carries on where the person was."""
        index = self.view.index if self.view is not None else 0
        view = GuidedView(plan, plan.lang, done_items=tuple(done_items))
        view.doneChanged.connect(self.done_changed)
        view.currentChanged.connect(lambda _index, _code, v=view: self._say_step(v))
        view.doneChanged.connect(self._say_done)
        view.currentChanged.connect(lambda _index, _code: self.scroll_to_top())
        if index:
            view.go_to(index)
        self._set_view(view)

    def clear(self) -> None:
        self._set_view(None)

    def scroll_to_top(self) -> None:
        """Show the top of the page (the step's title) in the scroll area the window put the page in."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            parent.verticalScrollBar().setValue(0)

    def _set_view(self, view: GuidedView | None) -> None:
        if self.view is not None:
            self.body.removeWidget(self.view)
            # Detached now, not only deleted later: until then its controls would still be on the page, and the
            # focus could land on one that is about to go.
            self.view.setParent(None)
            self.view.deleteLater()
        self.view = view
        if view is not None:
            self.body.insertWidget(0, view, 1)
            # Tab order as on screen: the view's controls, then "Back to all results" under them (the button was
            # made first, so Qt would put it first).
            QWidget.setTabOrder(view.next_button, self.back_button)

    def _say_step(self, view: GuidedView) -> None:
        """A new step is shown: a screen reader says "Step 2 of 7 · P-01 · …", whether it is done, and how far today's
        things have come, while the focus stays where it was (on Next, say)."""
        accessibility.page_renamed(self)
        lines = [view.position_label.text(), view.state_label.text(), view.progress_label.text()]
        accessibility.announce(self, "\n".join(line for line in lines if line))

    def _say_done(self, _item_id: str, done: bool) -> None:
        if done:
            accessibility.announce(self, t("helpdesk.guided.state.done", self.lang))

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        label_button(self.back_button, t("gui.guided.back", lang))
