"""Asked once per session, before the first network use: which sources would go online and what they would
see. The buttons name the action ("Go online and check" / "Check without the internet")."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from exposurecheck.core.sources.base import Source
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.pages.base import Page, button, label_button, primary
from exposurecheck.gui.pages.checking import source_label
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import Details, Heading, SecureLabel


class ConsentPage(Page):
    accepted = Signal()
    offline_chosen = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = Heading()
        self.intro = SecureLabel()
        self.sources_label = SecureLabel()
        self.sources_label.setObjectName("consentSources")
        self.promise = SecureLabel()
        self.details = Details("consentDetails")  # who gets what, by name, behind "Details"
        self.back_button = button("consentBackButton")
        self.offline_button = button("consentOfflineButton")
        self.accept_button = primary(button("consentAcceptButton"))
        for widget in (self.title, self.intro, self.sources_label, self.details, self.promise):
            self.body.addWidget(widget)
        row = FlowLayout()
        row.addWidget(self.back_button)
        row.addWidget(self.offline_button)
        row.addWidget(self.accept_button)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self.accept_button.clicked.connect(self.accepted)
        self.offline_button.clicked.connect(self.offline_chosen)
        self.back_button.clicked.connect(self.back_requested)
        self.network_sources: tuple[Source, ...] = ()

    def ask(self, network_sources: tuple[Source, ...]) -> None:
        self.network_sources = network_sources
        self.retranslate(self.lang)
        self.accept_button.setFocus()

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.title.setText(t("gui.consent.title", lang))
        self.intro.setText(t("gui.consent.intro", lang))
        lines = [t("gui.consent.source_line", lang, source=_named(s, lang),
                   sends=t(f"gui.consent.sends.{s.name}", lang)
                   if s.name in ("hibp-passwords", "service") else t("gui.consent.sends.other", lang))
                 for s in self.network_sources]
        self.sources_label.setText("\n".join(lines))
        self.promise.setText(t("gui.consent.promise", lang))
        self.details.set_texts(lang, "gui.consent.details_what", t("gui.consent.details", lang))
        label_button(self.back_button, t("gui.common.back", lang))
        label_button(self.offline_button, t("gui.consent.offline", lang))
        label_button(self.accept_button, t("gui.consent.accept", lang))


def _named(source: Source, lang: str) -> str:
    """The source's name, said to be unsafe when it goes over plain http to another computer (allowed only by
    the person's explicit `--allow-insecure-http`): they should know before they agree."""
    name = source_label(source.name, lang)
    return t("http.unsafe_source", lang, source=name) if source.insecure else name
