"""Welcome: what the app does and does not do, the offline-only and training switches, and the three ways in.

Slots for other features: `add_notice(part)` (the notices area under the introduction: the USB kit's check, the
NGO profile's block), `set_saved_available`, `show_status`, and `set_offline` / `set_training` for the switches.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QWidget

from exposurecheck.gui import accessibility
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.pages.base import Page, Part, Slot, button, label_button, primary
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import Heading, SecureLabel


class WelcomePage(Page):
    start_requested = Signal()
    questions_requested = Signal()
    demo_requested = Signal()
    open_saved_requested = Signal()
    offline_changed = Signal(bool)
    training_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = Heading()
        self.intro = SecureLabel()
        self.intro.setObjectName("welcomeIntro")
        self.start_button = primary(button("startButton"))
        self.questions_button = button("questionsButton")
        self.questions_note = SecureLabel()
        self.demo_button = button("demoButton")
        self.open_saved_button = button("openSavedButton")
        self.open_saved_button.hide()  # shown once a vault is available (set_saved_available)
        self.offline_box = QCheckBox()
        self.offline_box.setObjectName("offlineOnly")
        self.offline_note = SecureLabel()
        self.training_box = QCheckBox()
        self.training_box.setObjectName("trainingMode")
        self.status = SecureLabel()  # what "End session" cleared, or what "Wipe everything" removed
        self.status.setObjectName("welcomeStatus")
        self.status.hide()

        self.body.addWidget(self.status)  # first, where the next person (or the same one) sees it
        self.body.addWidget(self.title)
        self.body.addWidget(self.intro)
        self.notices = Slot()
        self.body.addLayout(self.notices)
        self.body.addSpacing(8)
        self.body.addWidget(self.start_button)
        self.body.addWidget(self.questions_button)
        self.body.addWidget(self.questions_note)
        row = FlowLayout()
        row.addWidget(self.demo_button)
        row.addWidget(self.open_saved_button)
        self.body.addLayout(row)
        self.body.addSpacing(8)
        self.body.addWidget(self.offline_box)
        self.body.addWidget(self.offline_note)
        self.body.addWidget(self.training_box)
        self.body.addStretch(1)

        self.start_button.clicked.connect(self.start_requested)
        self.questions_button.clicked.connect(self.questions_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        self.open_saved_button.clicked.connect(self.open_saved_requested)
        self.offline_box.toggled.connect(self.offline_changed)
        self.training_box.toggled.connect(self.training_changed)
        # The note about the last session is for whoever ends it; the next person's first step clears it.
        for way_in in (self.start_requested, self.questions_requested, self.demo_requested, self.open_saved_requested):
            way_in.connect(lambda: self.show_status(""))

    # --- slots ------------------------------------------------------------------------------------------------

    def add_notice(self, part: Part) -> None:
        """Show `part` under the introduction, after the notices added before it; it is re-labelled with the page."""
        self.notices.add(part)
        part.retranslate(self.lang)

    def set_saved_available(self, available: bool) -> None:
        """Offer "Open a saved check" only when there is a vault to open."""
        self.open_saved_button.setVisible(available)

    def show_status(self, text: str) -> None:
        """A note at the top of the page: what "End session" cleared or "Wipe everything" removed ("" hides it)."""
        self.status.setText(text)
        self.status.setVisible(bool(text))
        accessibility.announce(self, text)

    def set_offline(self, on: bool) -> None:
        """Tick or untick "Offline only" as the person would (offline_changed follows when it changes)."""
        self.offline_box.setChecked(on)

    def set_training(self, on: bool) -> None:
        self.training_box.setChecked(on)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.title.setText(t("gui.welcome.title", lang))
        self.intro.setText(t("gui.welcome.intro", lang))
        label_button(self.start_button, t("gui.welcome.start", lang))
        label_button(self.questions_button, t("gui.welcome.questions", lang))
        self.questions_note.setText(t("gui.welcome.questions_note", lang))
        label_button(self.demo_button, t("gui.welcome.demo", lang))
        label_button(self.open_saved_button, t("gui.welcome.open_saved", lang))
        self.offline_box.setText(t("gui.welcome.offline_only", lang))
        self.offline_box.setAccessibleName(self.offline_box.text())
        self.offline_note.setText(t("gui.welcome.offline_note", lang))
        self.training_box.setText(t("gui.welcome.training", lang))
        self.training_box.setAccessibleName(self.training_box.text())
        self.notices.retranslate(lang)
