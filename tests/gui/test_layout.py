"""Readable and uncut: body text at least 14 pt, accessible names everywhere, nothing clipped at 1024×768 even
with every string stretched to twice its length, and the same at 200% scaling."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QListWidget

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource
from exposurecheck.gui.layout_check import clipped_widgets
from exposurecheck.gui.style import MIN_BODY_POINTS
from tests.conftest import REPO, cli_env
from tests.gui.conftest import ListSource


def _visit_every_page(qtbot, window):
    """Show every page with content on it; yield after each."""
    yield window.welcome
    window.set_training(True)
    window.show_page(window.details)
    for kind, field in window.details.fields.items():
        field.edit.setText("x" if kind is not IdentifierType.PASSWORD else "secret")
        field.edit.editingFinished.emit()  # shows every field's error message too
    yield window.details
    window.consent.ask(tuple(window.flow.source_factory(False)))
    window.show_page(window.consent)
    yield window.consent
    for field in window.details.fields.values():
        field.edit.clear()
    window.details.fields[IdentifierType.PHONE].edit.setText("13800138000")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=10_000)
    yield window.results
    window.checking.finish(window.session.report)
    window.show_page(window.checking)
    yield window.checking
    window.help_desk.open_guided()
    yield window.guided
    window.show_page(window.results)
    window.results.sent_button.click()
    yield window.sent
    window.show_page(window.questions)
    yield window.questions
    window.show_presumed_plan({row.question.id: True for row in window.questions.rows})
    yield window.results
    window.saved.show_checks([], "")
    window.show_page(window.saved)
    yield window.saved
    # The checking page after a real failure: message, ways forward and every button at once.
    factory = window.flow.source_factory
    window.flow.source_factory = lambda _t: [PwnedPasswordsSource(f"http://127.0.0.1:{_closed_port()}"), ListSource({})]
    window.session.online_consent = True
    window.show_page(window.details)
    window.details.fields[IdentifierType.PASSWORD].edit.setText("secret")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=30_000)
    assert window.checking.offline_button.isVisible()
    yield window.checking
    window.flow.source_factory = factory


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("stretched", [False, True])
def test_nothing_clipped_at_1024x768(qtbot, make_window, monkeypatch, lang, stretched):
    if stretched:
        monkeypatch.setenv("EXPOSURECHECK_PSEUDO", "1")
    window = make_window(lambda _t: [ListSource({"+8613800138000": ("shanghai_police_2022",)})], lang=lang)
    for page in _visit_every_page(qtbot, window):
        QApplication.processEvents()
        assert window.width() <= 1024 and window.height() <= 768
        if stretched:
            assert "⟦" in window.welcome.title.text()
        assert clipped_widgets(window) == [], type(page).__name__


def test_the_stretch_check_catches_a_clipped_button(qtbot, make_window):
    window = make_window()
    window.welcome.start_button.setMaximumWidth(40)
    QApplication.processEvents()
    assert "startButton" in clipped_widgets(window)


def test_body_text_is_at_least_14_points_and_follows_the_system(qtbot):
    from exposurecheck.gui.style import apply_base_font

    app = QApplication.instance()
    original = app.font()
    try:
        small = app.font()
        small.setPointSizeF(9)
        app.setFont(small)
        apply_base_font(app)
        assert app.font().pointSizeF() == MIN_BODY_POINTS
        large = app.font()
        large.setPointSizeF(20)
        app.setFont(large)
        apply_base_font(app)
        assert app.font().pointSizeF() == 20, "a larger system font is kept"
    finally:
        app.setFont(original)


def test_every_control_has_an_accessible_name(qtbot, make_window):
    window = make_window(lambda _t: [ListSource({"+8613800138000": ("shanghai_police_2022",)})])
    for page in _visit_every_page(qtbot, window):
        for widget in page.findChildren(QAbstractButton) + page.findChildren(QLineEdit) + page.findChildren(
            QComboBox
        ) + page.findChildren(QListWidget):
            if widget.isVisibleTo(page) and not isinstance(widget.parent(), QComboBox):
                assert widget.accessibleName(), f"{type(page).__name__}: {widget.objectName()}"


SCALED_SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    from exposurecheck.gui.app import create_window
    from exposurecheck.gui.layout_check import clipped_widgets
    running = create_window(sys.argv[1], offscreen=True, install_hook=False)
    w = running.window
    assert QApplication.instance().devicePixelRatio() == 2.0, QApplication.instance().devicePixelRatio()
    w.resize(1024, 768)
    w.show()
    bad = []
    w.show_presumed_plan({row.question.id: True for row in w.questions.rows})
    for page in (w.welcome, w.details, w.questions, w.results):
        w.show_page(page)
        QApplication.processEvents()
        bad += [f"{type(page).__name__}:{name}" for name in clipped_widgets(w)]
    print("clipped:", bad)
    sys.exit(1 if bad else 0)
    """
)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_usable_at_200_percent_scaling(lang, tmp_path):
    env = cli_env({"QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"})
    env.pop("EXPOSURECHECK_PSEUDO", None)
    result = subprocess.run([sys.executable, "-c", SCALED_SCRIPT, lang], env=env, capture_output=True, text=True,
                            timeout=120, check=False, cwd=str(REPO))
    assert result.returncode == 0, result.stdout + result.stderr
    assert os.environ.get("QT_SCALE_FACTOR") is None  # the suite itself stays at 100%
