"""Pages own their parts: other features put widgets into a page only through its slots, which place them in a fixed
spot whatever the order features start in, and re-label them with the page."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from exposurecheck.gui.pages.base import Part
from exposurecheck.gui.pages.results import ResultsPage
from exposurecheck.gui.pages.saved import SavedChecksPage
from exposurecheck.gui.pages.welcome import WelcomePage
from exposurecheck.gui.widgets import SecureLabel


class Note(Part):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.label = SecureLabel()
        self.label.setParent(self)
        self.seen: list[str] = []

    def retranslate(self, lang: str) -> None:
        super().retranslate(lang)
        self.seen.append(lang)
        self.label.setText(f"note in {lang}")


def _top(widget: QWidget, page: QWidget) -> int:
    return widget.mapTo(page, widget.rect().topLeft()).y()


def _shown(qtbot, page: QWidget) -> None:
    qtbot.addWidget(page)
    page.resize(1024, 900)
    page.show()
    qtbot.waitExposed(page)


def test_welcome_notices_sit_under_the_introduction_in_the_order_added(qtbot):
    page = WelcomePage()
    page.retranslate("en")
    first, second = Note("first"), Note("second")
    page.add_notice(first)
    page.add_notice(second)
    _shown(qtbot, page)
    assert _top(page.intro, page) < _top(first, page) < _top(second, page) < _top(page.start_button, page)
    assert first.seen == ["en"], "a part is labelled in the page's language when it is added"
    page.retranslate("zh_CN")
    assert first.seen[-1] == second.seen[-1] == "zh_CN", "and re-labelled with the page"


def test_results_prompts_sit_right_under_the_status_line(qtbot):
    page = ResultsPage()
    page.retranslate("en")
    prompt = Note("prompt")
    page.add_prompt(prompt)
    page.show_status("Kept.")
    _shown(qtbot, page)
    assert _top(page.status, page) < _top(prompt, page) <= _top(page.content, page)
    assert _top(page.new_check_button, page) < _top(page.status, page)
    page.retranslate("zh_CN")
    assert prompt.seen[-1] == "zh_CN"


def test_saved_prompt_sits_under_the_status_line(qtbot):
    page = SavedChecksPage()
    page.retranslate("en")
    prompt = Note("prompt")
    page.add_prompt(prompt)
    page.show_status("The vault does not open.")
    _shown(qtbot, page)
    assert _top(page.status, page) < _top(prompt, page) < _top(page.open_button, page)


def test_the_window_puts_the_kit_notice_above_the_profile_box(qtbot, make_window):
    window = make_window(lambda _training: [])
    welcome = window.welcome
    assert window.kit_notice.parent() is welcome and window.profile_box.parent() is welcome
    notices = welcome.notices
    assert notices.indexOf(window.kit_notice) < notices.indexOf(window.profile_box)
    assert welcome.body.indexOf(window.kit_notice) == -1, "parts live in the slot, not in the page's own layout"
