"""Training mode: the bundled demo pack and demo identities, DEMO on every screen."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.choice import default_factory
from exposurecheck.core.training import available_identities
from exposurecheck.gui.main_window import MainWindow


def test_demo_identities_are_loaded_in_both_languages():
    identities = available_identities()
    assert len(identities) >= 2
    assert all(i.label("en") and i.label("zh_CN") for i in identities)
    assert all(i.value(IdentifierType.PHONE) for i in identities)


def test_training_mode_checks_the_demo_pack_and_labels_every_screen(qtbot):
    pool = QThreadPool()
    window = MainWindow("en", pool, default_factory)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    try:
        window.welcome.demo_button.click()
        assert window.session.training and window.top.demo.isVisible()
        assert window.details.demo_box.isVisible()
        window.details.demo_box.setCurrentIndex(1)
        window.details.demo_box.activated.emit(1)
        assert window.details.fields[IdentifierType.EMAIL].edit.text()
        window.details.check_button.click()  # the demo pack is offline: no consent page
        qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=20_000)
        report = window.session.report
        assert [s.name for s in report.sources] and all(s.demo for s in report.sources)
        assert report.exposures and all(e.demo for e in report.exposures)
        assert window.session.plan.demo
        assert "practice results" in window.results.notes.text()
        for page in window.pages:
            window.show_page(page)
            assert window.top.demo.isVisible(), type(page).__name__
        window.show_page(window.results)
        window.results.guided_button.click()  # guided mode has no banner of its own: the top bar's must show
        assert window.current_page() not in (window.results, None) and window.top.demo.isVisible()
        window.set_language("zh_CN")
        assert "演示" in window.top.demo.text()
    finally:
        window.end_session()
        pool.waitForDone(10_000)
    assert not window.top.demo.isVisible()


def test_not_found_demo_person_gives_the_nothing_found_page(qtbot):
    pool = QThreadPool()
    window = MainWindow("en", pool, default_factory)
    qtbot.addWidget(window)
    window.show()
    window.set_training(True)
    window.show_page(window.details)
    identities = available_identities()
    index = next(n for n, i in enumerate(identities) if "not in" in i.label("en"))
    window.details.demo_box.setCurrentIndex(index + 1)
    window.details.demo_box.activated.emit(index + 1)
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=20_000)
    assert not window.session.report.exposures
    pool.waitForDone(10_000)


def test_demo_is_in_the_window_title_too(qtbot, make_window):
    window = make_window()
    window.set_training(True)
    assert "DEMO" in window.windowTitle()
    window.set_language("zh_CN")
    assert "演示" in window.windowTitle()
    window.end_session()
    assert "演示" not in window.windowTitle()


def test_demo_pack_finding_nothing_is_still_labelled_demo(qtbot, make_window):
    """The demo pack chosen as a source outside training mode, for a person it does not know: still practice."""
    from exposurecheck.core.sources.registry import build_source

    window = make_window(lambda _t: [build_source("demo")])
    window.show_page(window.details)
    window.details.fields[IdentifierType.EMAIL].edit.setText("nobody.here@example.org")
    window.details.check_button.click()
    qtbot.waitUntil(lambda: window.current_page() is window.results, timeout=20_000)
    assert not window.session.report.exposures and not window.session.training
    assert window.top.demo.isVisible() and "DEMO" in window.windowTitle()
    assert "practice results" in window.results.notes.text()
