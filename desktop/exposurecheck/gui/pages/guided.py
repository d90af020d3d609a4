"""Guided mode, the page: the plan one step at a time (`pages/guided_view.GuidedView`, help desk) with a way back to
the full results.

Signals: `back_requested`, and `done_changed(item_id, done)` when a step is marked done or not done in the view (the
same ids the results page keeps in `Session.done_items`). Slots: `show_plan`, `clear`.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from exposurecheck.core.advice import Plan
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

    def show_plan(self, plan: Plan, done_items: Iterable[str]) -> None:
        """Show `plan` in its own language. A view already open stays on its step: the same plan rebuilt in another
        language, or guided mode opened again after a look at the full results, carries on where the person was."""
        index = self.view.index if self.view is not None else 0
        view = GuidedView(plan, plan.lang, done_items=tuple(done_items))
        view.doneChanged.connect(self.done_changed)
        if index:
            view.go_to(index)
        self._set_view(view)

    def clear(self) -> None:
        self._set_view(None)

    def _set_view(self, view: GuidedView | None) -> None:
        if self.view is not None:
            self.body.removeWidget(self.view)
            self.view.deleteLater()
        self.view = view
        if view is not None:
            self.body.insertWidget(0, view, 1)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        label_button(self.back_button, t("gui.guided.back", lang))
