"""The presumed-exposure path: yes/no questions with no identifiers, for people who would rather not type
anything. The answers turn into an estimated plan (`plan_for_presumed`) shown on the results page."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QVBoxLayout, QWidget

from exposurecheck.core.presumed import Question, load_questions
from exposurecheck.gui.flow_layout import FlowLayout
from exposurecheck.gui.pages.base import Page, button, label_button, primary
from exposurecheck.gui.text import t
from exposurecheck.gui.widgets import Heading, SecureLabel


class _QuestionRow(QWidget):
    """One question with "Yes" and "No" radio buttons; unanswered counts as no."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        self.text = SecureLabel()
        self.yes = QRadioButton()
        self.no = QRadioButton()
        self.yes.setObjectName(f"yes_{question.id}")
        self.no.setObjectName(f"no_{question.id}")
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.text)
        answers = QHBoxLayout()
        answers.addWidget(self.yes)
        answers.addWidget(self.no)
        answers.addStretch(1)
        layout.addLayout(answers)

    def retranslate(self, lang: str) -> None:
        text = self.question.text(lang)
        self.text.setText(text)
        for widget, key in ((self.yes, "gui.questions.yes"), (self.no, "gui.questions.no")):
            widget.setText(t(key, lang))
            widget.setAccessibleName(t("gui.questions.answer_for", lang, answer=t(key, lang), question=text))

    def clear(self) -> None:
        # A QButtonGroup never lets the last checked button go; switching exclusivity off is the documented way.
        self.group.setExclusive(False)
        self.yes.setChecked(False)
        self.no.setChecked(False)
        self.group.setExclusive(True)


class QuestionnairePage(Page):
    done = Signal(dict)  # question id -> bool
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = Heading()
        self.intro = SecureLabel()
        self.body.addWidget(self.title)
        self.body.addWidget(self.intro)
        self.rows = [_QuestionRow(q) for q in load_questions()]
        for row in self.rows:
            self.body.addWidget(row)
        buttons = FlowLayout()
        self.back_button = button("questionsBackButton")
        self.show_button = primary(button("showPlanButton"))
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.show_button)
        self.body.addLayout(buttons)
        self.body.addStretch(1)
        self.back_button.clicked.connect(self.back_requested)
        self.show_button.clicked.connect(lambda: self.done.emit(self.answers()))

    def answers(self) -> dict[str, bool]:
        return {row.question.id: row.yes.isChecked() for row in self.rows}

    def clear(self) -> None:
        for row in self.rows:
            row.clear()

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.title.setText(t("gui.questions.title", lang))
        self.intro.setText(t("gui.questions.intro", lang))
        for row in self.rows:
            row.retranslate(lang)
        label_button(self.back_button, t("gui.common.back", lang))
        label_button(self.show_button, t("gui.questions.show_plan", lang))
