"""An NGO's signed profile next to the app: its name and contacts on the welcome page, its advice in the plan, its
default sources and offline setting, and the fingerprint to confirm on first use."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import QThreadPool

from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.sources.choice import default_factory, plan_sources
from exposurecheck.core.trust import profile as prof
from exposurecheck.gui.dialogs import PublisherDialog
from exposurecheck.gui.main_window import MainWindow
from tests.gui.conftest import all_texts


def _advice(lang: str) -> dict:
    return {
        "lang": lang,
        "entries": [{
            "id": "ngo_call_us", "code": "N-01", "data_classes": ["*"], "severity": "medium", "when": "today",
            "region": "CN", "title": "Call our hotline" if lang == "en" else "打我们的热线",
            "summary": "We can walk you through every step.", "why": "Some steps are easier with help.",
            "steps": [{"text": "Call the number on this sheet."}], "time_needed_min": 10,
            "done_check": "You spoke to someone.",
            "help": [{"label": "Our hotline", "phone": "400 000 0000", "official": False}],
            "sources": ["https://example.org/help"], "last_reviewed": "2026-11-01",
        }],
    }


@pytest.fixture
def ngo_profile(tmp_path, monkeypatch):
    body = prof.ProfileBody(
        name_en="Safe Lines Network", name_zh="安全热线网络", hotline="400-000-0000",
        website="https://safelines.example.org", advice=(_advice("en"), _advice("zh_CN")),
        offline_only=True, default_sources=("demo", "hibp-passwords"),
    )
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    monkeypatch.setenv(prof.ENV_PROFILE, str(path))
    return path


def _window(qtbot, lang="en"):
    pool = QThreadPool()
    window = MainWindow(lang, pool, default_factory)
    qtbot.addWidget(window)
    window.resize(1024, 768)
    window.show()
    return window, pool


def test_a_new_key_is_used_only_after_its_fingerprint_is_confirmed(qtbot, ngo_profile):
    window, pool = _window(qtbot)
    box = window.profile_box
    assert box.isVisible() and "Safe Lines Network" in box.text.text()
    assert box.confirm_button.isVisible()
    # Not in use yet: its hotline, advice, sources and offline default could be anyone's.
    assert window.profile is None
    assert "400-000-0000" not in all_texts(window)
    assert not window.welcome.offline_box.isChecked()
    assert window.flow.source_factory is default_factory

    # "Check who made it…" opens the same dialog as a data file from a new publisher (issue 12.4).
    box.confirm_button.click()
    dialog = box.dialog
    assert isinstance(dialog, PublisherDialog) and dialog.isVisible()
    assert [g.text() for g in dialog.code.findChildren(type(dialog.claims), "publisherCodeGroup")] == (
        box.profile.fingerprint.split())
    assert "Safe Lines Network" in dialog.claims.text()
    assert window.profile is None, "nothing is used before the answer"
    dialog.trust_button.click()
    profile = window.profile
    assert profile is not None
    assert not box.confirm_button.isVisible()
    assert "Provided by Safe Lines Network" in box.text.text() and "400-000-0000" in box.text.text()
    assert window.welcome.offline_box.isChecked(), "the profile makes offline-only the default"
    # Its default sources, minus the network one (offline only), and its advice in the plan.
    chosen = plan_sources(window.flow.source_factory, training=False, offline_only=False, profile=window.profile)
    assert [s.name for s in chosen.sources] == ["demo"]
    assert IdentifierType.PASSWORD in chosen.held_back  # what only the left-out service checks says so
    window.show_presumed_plan({row.question.id: True for row in window.questions.rows})
    assert window.session.plan.find("N-01") is not None
    assert "Call our hotline" in all_texts(window)
    assert window.results.contact.isVisible() and "400-000-0000" in window.results.contact.text()
    window.set_language("zh_CN")
    assert "安全热线网络" in box.text.text()

    again, pool2 = _window(qtbot)
    assert again.profile is not None, "confirmed once on this computer: used at once"
    assert not again.profile_box.confirm_button.isVisible()
    pool.waitForDone(5000)
    pool2.waitForDone(5000)


def test_a_tampered_profile_is_not_used_and_says_why(qtbot, ngo_profile):
    data = bytearray(ngo_profile.read_bytes())
    data[data.index(b"Safe Lines")] = ord("X")
    ngo_profile.write_bytes(bytes(data))
    window, pool = _window(qtbot)
    assert window.profile is None
    assert window.profile_box.isVisible() and window.profile_box.error.isVisible()
    assert "Safe Lines" not in window.profile_box.text.text()
    pool.waitForDone(5000)


def test_no_profile_no_box(qtbot, monkeypatch):
    monkeypatch.delenv(prof.ENV_PROFILE, raising=False)
    window, pool = _window(qtbot)
    assert window.profile is None
    assert not window.profile_box.isVisible()
    pool.waitForDone(5000)


def test_a_named_profile_that_is_missing_is_reported(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv(prof.ENV_PROFILE, str(tmp_path / "absent.ecprofile"))
    window, pool = _window(qtbot)
    assert window.profile is None and window.profile_box.error.isVisible()
    pool.waitForDone(5000)


def test_a_profile_with_broken_advice_is_refused_and_the_apps_plan_still_works(qtbot, tmp_path, monkeypatch):
    broken = {"lang": "en", "entries": [{"id": "x", "code": "not a code"}]}
    body = prof.ProfileBody(name_en="Safe Lines Network", advice=(broken,))
    path = tmp_path / prof.FILE_NAME
    path.write_bytes(prof.sign_profile(body, Ed25519PrivateKey.generate()))
    monkeypatch.setenv(prof.ENV_PROFILE, str(path))
    window, pool = _window(qtbot)
    assert window.profile is None and window.profile_box.error.isVisible()
    window.show_presumed_plan({row.question.id: True for row in window.questions.rows})
    assert window.current_page() is window.results and window.results.item_cards
    pool.waitForDone(5000)


def test_make_plan_leaves_out_unreadable_extra_advice():
    from exposurecheck.core.session import Session, make_plan

    session = Session(lang="zh_CN", presumed_answers={})
    plan, left_out = make_plan(session, ({"lang": "zh_CN", "entries": [{"id": "x"}]},))
    assert left_out and plan.lang == "zh_CN" and plan.groups
    plan, left_out = make_plan(session, ())
    assert not left_out
