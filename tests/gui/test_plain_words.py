"""Issue 12.9: plain words. No "SHA-1", "hash", "fingerprint/指纹", "pack/数据包" or a service's brand name in the main
text of either language; a "Details" button may name them. One form of address in Chinese (你) everywhere. The
saved-checks list shows dates, marks practice checks, and says so when it is empty."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QListWidget, QWidget

from exposurecheck.core.i18n import catalog
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.vault.store import SavedCheckSummary
from exposurecheck.gui.widgets import Details
from tests.gui.conftest import PHONE_CANONICAL, PHONE_RAW, ListSource

JARGON = re.compile(
    r"SHA-?1|SHA-?256|\bhash|哈希|散列|fingerprint|指纹|\bpacks?\b|数据包|Pwned|HIBP|Have I Been|haveibeenpwned|"
    r"Ed25519|OPRF|k-anonym",
    re.IGNORECASE,
)
# Where the technical words may be: behind "Details", and the "What left this computer" page, which is the details.
DETAILS_KEYS = {"gui.details.password_details", "gui.consent.details", "gui.publisher.data_file.details",
                "gui.publisher.profile.details"}
# Messages the window shows in its main text: its own, the answers and the plan's summary, and the errors of data
# files, services, the network and the vault it passes on.
MAIN_TEXT = ("gui.", "outcome.", "helpdesk.guided.", "advice.summary.", "advice.group.",
             "advice.item.", "pack.error.", "http.", "service.error.", "vault.", "source.plain.")
NOT_IN_THE_WINDOW = ("outcome.cli.", "pack.error.unknown_publisher", "gui.sent.", "vault.wipe.confirm",
                     "vault.wipe.needs_yes", "vault.cli.")


def _main_text_keys(lang: str) -> dict[str, str]:
    return {k: v for k, v in catalog(lang).items()
            if k.startswith(MAIN_TEXT) and not k.startswith(NOT_IN_THE_WINDOW) and k not in DETAILS_KEYS}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_jargon_in_the_windows_messages(lang):
    messages = _main_text_keys(lang)
    assert len(messages) > 200
    found = {k: JARGON.search(v).group(0) for k, v in messages.items() if JARGON.search(v)}
    assert found == {}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_window_names_sources_with_the_command_lines_plain_words(lang):
    """One set of source labels: the window's are the core's plain ones, word for word."""
    from exposurecheck.core.i18n import plain_source_label
    from exposurecheck.gui.pages.checking import source_label

    names = ("hibp-passwords", "demo", "pack=/media/usb/shanghai.ecpack", "service=https://lookup.example.org")
    for name in names:
        assert source_label(name, lang) == plain_source_label(name, lang)
        assert not JARGON.search(source_label(name, lang))
    assert source_label("pack=/x", "en") == "Data file on this computer"
    assert source_label("hibp-passwords", "zh_CN") == "在线密码泄露查询"
    assert source_label("someone-elses-source", lang) == "someone-elses-source"


def test_the_details_still_name_things():
    """The words are not lost: "Details" names the service and the technique."""
    assert "Pwned Passwords" in catalog("en")["gui.consent.details"]
    assert "SHA-1" in catalog("en")["gui.details.password_details"]
    assert "指纹" in catalog("zh_CN")["gui.publisher.data_file.details"]


def _visible_texts(root: QWidget) -> list[str]:
    texts = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or any(isinstance(a, Details) for a in _ancestors(widget)):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QListWidget):
            texts += [widget.item(i).text() for i in range(widget.count())]
    return texts


def _ancestors(widget: QWidget):
    parent = widget.parentWidget()
    while parent is not None:
        yield parent
        parent = parent.parentWidget()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_jargon_on_any_screen(qtbot, make_window, lang, monkeypatch, tmp_path):
    monkeypatch.setenv("EXPOSURECHECK_PACK_DIRS", "")
    from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource

    window = make_window(lambda _t: [ListSource({PHONE_CANONICAL: ("shanghai_police_2022",)}),
                                     PwnedPasswordsSource("http://127.0.0.1:9")], lang=lang)
    seen: list[str] = []

    def look(page: QWidget) -> None:
        window.show_page(page)
        QApplication.processEvents()
        seen.extend(_visible_texts(window))

    look(window.welcome)
    window.show_page(window.details)
    window.details.fields[IdentifierType.PHONE].edit.setText(PHONE_RAW)
    window.details.fields[IdentifierType.PASSWORD].edit.setText("a practice password")
    look(window.details)
    window.details.check_button.click()
    assert window.current_page() is window.consent
    look(window.consent)
    window.consent.offline_button.click()  # offline: the password service is left out, and said so
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    look(window.results)
    window.results.guided_button.click()
    look(window.guided)
    window.show_presumed_plan({row.question.id: True for row in window.questions.rows})
    look(window.results)
    window.saved.show_checks([], "")
    look(window.saved)
    dialog = window.vault_link.confirm_wipe(None)
    seen.extend(_visible_texts(dialog))
    dialog.reject()
    found = sorted({m.group(0) for text in seen for m in [JARGON.search(text)] if m})
    assert len(seen) > 60 and found == []


def test_one_form_of_address_in_chinese_everywhere():
    """你, never 您: the window, the command line, the vault, data files, advice, everything."""
    polite = {k: v for k, v in catalog("zh_CN").items() if "您" in v}
    assert polite == {}


def test_one_name_for_the_app_in_chinese():
    """The app calls itself 本软件 / 这个软件 everywhere: the no-data page said "本软件帮你查看…" above "这个应用里
    没有手机号码的泄露数据" (应用 stays for other apps: 官方App, 应用商店)."""
    other_names = re.compile(r"这个应用|本应用|该应用|这款应用")
    assert {k: v for k, v in catalog("zh_CN").items() if other_names.search(v)} == {}
    # nor by its English name in the window's Chinese (its Chinese name is 信息泄露自查)
    assert {k: v for k, v in _main_text_keys("zh_CN").items() if "Exposure Check" in v} == {}


def test_the_saved_checks_list_shows_dates_marks_practice_and_says_when_empty(qtbot, make_window):
    window = make_window()
    saved = window.saved
    saved.show_checks([], "")
    window.show_page(saved)
    assert saved.empty.isVisible() and not saved.list.isVisible()
    assert "No checks are saved" in saved.empty.text()
    checks = [SavedCheckSummary("3fa2c91b7e", "2026-12-03T09:12:00Z", "", 2, (), False, 3),
              SavedCheckSummary("b81d04e2aa", "2026-11-28T15:40:00Z", "", 3, (), False, 0, demo=True)]
    saved.show_checks(checks, "")
    assert saved.list.isVisible() and not saved.empty.isVisible()
    real, practice = (saved.list.item(i).text() for i in range(2))
    assert re.search(r"\b[0-9]{1,2} December 2026, [0-9]{2}:[0-9]{2}\b", real), real
    assert "T09" not in real and "Z" not in real.split("·")[0], "a date, not a time stamp"
    assert not real.startswith("Practice") and practice.startswith("Practice (demo data)")
    window.set_language("zh_CN")
    real_zh, practice_zh = (saved.list.item(i).text() for i in range(2))
    assert re.search(r"2026年12月[0-9]{1,2}日 [0-9]{2}:[0-9]{2}", real_zh)
    assert practice_zh.startswith("练习（演示数据）")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_found_line_never_nests_brackets(lang):
    """"found in 1 known leak (Practice data (demo))" read badly on the demo results (seen on the screenshot)."""
    from exposurecheck.core.i18n import plain_source_label, tr

    for source in ("demo", "pack=/x", "service=https://lookup.example.org", "hibp-passwords"):
        for count in (1, 2):
            line = tr("gui.results.found_in", lang, count=count, source=plain_source_label(source, lang))
            assert not re.search(r"[(（][^)）]*[(（]", line), line
