"""What left this computer: for each source that ran, exactly what was sent (from the report's SentRecords).

Shown on screen only. Sources that work offline are listed too, with "nothing left this computer", because
that is the reassurance the person is looking for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from exposurecheck.core.i18n import source_label  # the details page: services by their own names
from exposurecheck.core.report import Report, SourceState
from exposurecheck.gui.pages.base import Page, button, label_button
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import Heading, SecureLabel, Title, empty_layout


class SentPage(Page):
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = Heading()
        self.intro = SecureLabel()
        self.content = QWidget()
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(0, 0, 0, 0)
        self.back_button = button("sentBackButton")
        self.body.addWidget(self.title)
        self.body.addWidget(self.intro)
        self.body.addWidget(self.content)
        self.body.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addStretch(1)
        self.back_button.clicked.connect(self.back_requested)
        self.report: Report | None = None

    def show_report(self, report: Report | None) -> None:
        self.report = report
        self.retranslate(self.lang)

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.title.setText(t("gui.sent.title", lang))
        self.intro.setText(t("gui.sent.intro", lang))
        label_button(self.back_button, t("gui.sent.back", lang))
        empty_layout(self.content_layout)
        if self.report is None:
            return
        records = {record.source: record for record in self.report.sent}
        for status in self.report.sources:
            if status.state is SourceState.SKIPPED:
                continue
            name = source_label(status.name, lang)
            # Plain http the person allowed (--allow-insecure-http): named unsafe here too, as on the consent page
            # and in the checking rows, since this is where they look at what went over the network.
            self.content_layout.addWidget(Title(t("http.unsafe_source", lang, source=name) if status.insecure
                                                else name))
            record = records.get(status.name)
            lines = [item.text(lang) for item in record.items] if record else []
            if not lines:
                lines = [t("gui.sent.nothing", lang)]
            label = SecureLabel("\n".join(f"• {line}" for line in lines))
            label.setObjectName("sentItems")
            self.content_layout.addWidget(label)
        if not self.report.sources:
            self.content_layout.addWidget(SecureLabel(t("gui.sent.no_sources", lang)))
