"""The strip above every page: the app's name, the DEMO label, the language switch and "End session"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from exposurecheck.gui.about import AboutButton
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import DemoBanner, Title


class TopBar(QWidget):
    language_requested = Signal(str)
    end_session_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        # A plain QWidget subclass ignores `background` in a stylesheet unless asked to paint it.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.title = Title()
        self.demo = DemoBanner()
        self.demo.hide()
        # Each language button is labelled in its own language, so a person who cannot read the current one can
        # still find theirs.
        self.zh_button = QPushButton("中文")
        self.zh_button.setObjectName("langZh")
        self.en_button = QPushButton("English")
        self.en_button.setObjectName("langEn")
        self.about_button = AboutButton()
        self.end_button = QPushButton()
        self.end_button.setObjectName("endSession")
        layout = QHBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.demo, 1)
        layout.addStretch(0)
        for widget in (self.zh_button, self.en_button, self.about_button, self.end_button):
            widget.setAutoDefault(True)
            layout.addWidget(widget)
        self.zh_button.clicked.connect(lambda: self.language_requested.emit("zh_CN"))
        self.en_button.clicked.connect(lambda: self.language_requested.emit("en"))
        self.end_button.clicked.connect(self.end_session_requested)

    def retranslate(self, lang: str) -> None:
        self.title.setText(t("gui.app.title", lang))
        self.demo.setText(t("gui.demo.banner", lang))
        self.zh_button.setAccessibleName(t("gui.top.lang_zh", lang))
        self.en_button.setAccessibleName(t("gui.top.lang_en", lang))
        self.zh_button.setEnabled(lang != "zh_CN")
        self.en_button.setEnabled(lang != "en")
        self.about_button.retranslate(lang)
        self.end_button.setText(t("gui.top.end_session", lang))
        self.end_button.setAccessibleName(self.end_button.text())
        self.end_button.setToolTip(t("gui.top.end_session_tip", lang))
