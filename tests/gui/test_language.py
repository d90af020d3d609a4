"""The language can change at any moment: every screen is re-labelled, nothing typed is lost, a plan on screen
is rebuilt in the new language, and Qt's own dialogs follow."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QTranslator
from PySide6.QtWidgets import QAbstractButton, QLabel

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.gui.translation import QtTranslations
from tests.gui.conftest import ListSource, all_texts


def test_switch_on_the_welcome_page(qtbot, make_window):
    window = make_window()
    window.top.zh_button.click()
    assert window.session.lang == "zh_CN"
    assert window.welcome.start_button.text() == "开始查询"
    assert window.windowTitle() == "信息泄露自查"
    assert not window.top.zh_button.isEnabled() and window.top.en_button.isEnabled()
    window.top.en_button.click()
    assert window.welcome.start_button.text() == "Start a check"


def test_typed_values_and_messages_survive_a_switch(qtbot, make_window):
    window = make_window()
    window.show_page(window.details)
    field = window.details.fields[IdentifierType.PHONE]
    field.edit.setText("12345")
    field.edit.editingFinished.emit()
    english = field.error.text()
    assert english
    window.set_language("zh_CN")
    assert field.edit.text() == "12345"
    assert field.error.text() != english and field.error.isVisible()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in field.error.text()), "the core's message, in Chinese"


def test_results_are_rebuilt_in_the_new_language(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({"+8613800138000": ("shanghai_police_2022",)})])
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText("13800138000")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    window.results.item_cards[0].findChild(QAbstractButton, "markDone").setChecked(True)
    done = set(window.session.done_items)
    english_summary = window.results.summary.text()
    window.set_language("zh_CN")
    assert window.session.plan.lang == "zh_CN"
    assert window.results.summary.text() != english_summary
    assert "上海" in all_texts(window)
    assert window.current_page() is window.results
    assert window.session.done_items == done
    assert window.results.item_cards[0].findChild(QAbstractButton, "markDone").isChecked()


def test_every_label_is_translated(qtbot, make_window):
    """No visible label or button in Chinese mode shows a raw key (a missing translation shows its key)."""
    window = make_window(lang="zh_CN")
    for page in window.pages:
        window.show_page(page)
        for widget in page.findChildren(QLabel) + page.findChildren(QAbstractButton):
            assert not widget.text().startswith("gui."), widget.objectName()


def test_qt_standard_dialogs_follow_the_language(qtbot, make_window):
    window = make_window()
    translations = QtTranslations(QCoreApplication.instance())
    window.on_language_changed = translations.apply
    window.set_language("zh_CN")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    window.set_language("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_switching_back_and_forth_does_not_pile_up_qt_catalogs(qtbot):
    """Each switch to Chinese loads Qt's catalog and our supplement; the ones it replaces are freed, not kept as
    children of the application for as long as the help desk leaves the app open."""
    app = QCoreApplication.instance()
    translations = QtTranslations(app)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what earlier tests' switches let go
    before = len(app.findChildren(QTranslator))
    for _ in range(5):
        translations.apply("zh_CN")
        translations.apply("en")
    translations.apply("zh_CN")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(app.findChildren(QTranslator)) - before == len(translations._translators) == 2
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    translations.apply("en")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(app.findChildren(QTranslator)) == before
