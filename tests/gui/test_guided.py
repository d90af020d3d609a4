"""Guided mode, driven by the keyboard only: next/back, done/skip, phone type and "go to code"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from exposurecheck.core.advice import HelpContact, Plan, PlanGroup, PlanItem, Step
from exposurecheck.gui.pages.guided_view import GuidedView, find_code, steps_for_phone


def item(code: str, title: str, *, steps: tuple[Step, ...] = (), when: str = "today") -> PlanItem:
    return PlanItem(
        id=f"id.{code.lower()}",
        code=code,
        severity="high",
        when=when,
        title=title,
        summary=f"Summary of {title}.",
        why=f"Why {title}.",
        steps=steps or (Step("Do the thing."),),
        time_needed_min=5,
        done_check="It worked.",
        help=(HelpContact("Carrier", phone="10086", official=True),),
        sources=("https://example.org",),
        last_reviewed="2026-11-01",
    )


SIM_STEPS = (
    Step("Call your carrier."),
    Step("Settings > Cellular > SIM PIN.", "ios"),
    Step("Settings > Security > SIM card lock.", "android"),
    Step("Open WeChat > Me > Settings.", "wechat"),
)


def make_plan(demo: bool = False) -> Plan:
    now = PlanGroup(
        "now", "Right now", (item("P-01", "Change your password"), item("P-03", "Set a SIM PIN", steps=SIM_STEPS))
    )
    today = PlanGroup(
        "today", "Today", (item("P-07", "Check accounts in your name"), item("F-02", "Watch for fake calls"))
    )
    return Plan(lang="en", summary="Found.", groups=(now, today), demo=demo)


@pytest.fixture
def view(qtbot) -> GuidedView:  # type: ignore[no-untyped-def]
    widget = GuidedView(make_plan(), "en")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def press(qtbot, widget: QWidget, key: Qt.Key = Qt.Key.Key_Space) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(widget, key)


def test_first_step_reads_like_staff_say_it(view: GuidedView) -> None:
    assert view.position_label.text() == "Step 1 of 4 · P-01 · Change your password"
    assert view.position_label.textFormat() == Qt.TextFormat.PlainText
    assert not view.back_button.isEnabled()
    assert view.next_button.isEnabled()
    assert view.when_label.text() == "Right now"


def test_next_and_back_by_keyboard(qtbot, view: GuidedView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.currentChanged) as changed:
        press(qtbot, view.next_button)
    assert changed.args == [1, "P-03"]
    assert view.position_label.text() == "Step 2 of 4 · P-03 · Set a SIM PIN"
    press(qtbot, view.next_button, Qt.Key.Key_Return)
    assert view.index == 2
    press(qtbot, view.back_button)
    assert view.index == 1
    # Alt+Right / Alt+Left work wherever the focus is inside the view.
    view.goto_field.setFocus()
    qtbot.keyClick(view.goto_field, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert view.index == 2
    qtbot.keyClick(view.goto_field, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.index == 1


def test_next_stops_at_the_last_step(qtbot, view: GuidedView) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        press(qtbot, view.next_button)
    assert view.index == 3
    assert not view.next_button.isEnabled()
    assert view.position_label.text().startswith("Step 4 of 4 · F-02")


def test_done_and_skip_emit_and_move_on(qtbot, view: GuidedView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.doneChanged) as done:
        press(qtbot, view.done_button)
    assert done.args == ["id.p-01", True]
    assert view.index == 1
    today = len(view.plan.today_items())  # the N of "Do these N things today" on the results page
    assert view.progress_label.text() == f"Today: 1 of {today} done · In all: 1 of 4 done"
    with qtbot.waitSignal(view.skipped) as skipped:
        press(qtbot, view.skip_button)
    assert skipped.args == ["id.p-03"]
    assert view.index == 2
    assert view.done_items() == frozenset({"id.p-01"})
    assert view.skipped_items() == frozenset({"id.p-03"})
    press(qtbot, view.back_button)
    assert "Skipped for now" in view.state_label.text()
    press(qtbot, view.back_button)
    assert view.state_label.text() == "✓ Done"
    assert view.done_button.text() == "Not done yet"
    with qtbot.waitSignal(view.doneChanged) as undone:
        press(qtbot, view.done_button)
    assert undone.args == ["id.p-01", False]
    assert view.index == 0
    assert view.done_items() == frozenset()


def test_open_code_by_keyboard_and_api(qtbot, view: GuidedView) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(view.back_button, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert view.goto_field.hasFocus()
    qtbot.keyClicks(view.goto_field, "p 7")
    with qtbot.waitSignal(view.currentChanged) as changed:
        qtbot.keyClick(view.goto_field, Qt.Key.Key_Return)
    assert changed.args == [2, "P-07"]
    assert view.goto_field.text() == ""
    assert view.open_code("P-03")
    assert view.position_label.text() == "Step 2 of 4 · P-03 · Set a SIM PIN"
    assert not view.open_code("Z-99")
    assert view.goto_error.isVisibleTo(view)
    assert "Z-99" in view.goto_error.text()
    assert view.index == 1
    assert view.open_code("f02")
    assert not view.goto_error.isVisibleTo(view)


def test_phone_type_filters_steps(qtbot, view: GuidedView) -> None:  # type: ignore[no-untyped-def]
    view.open_code("P-03")
    assert "SIM PIN" in view.steps_label.text() and "SIM card lock" in view.steps_label.text()
    view.phone_box.setFocus()
    qtbot.keyClick(view.phone_box, Qt.Key.Key_Down)  # any → iPhone
    assert view.phone_box.currentData() == "ios"
    text = view.steps_label.text()
    assert "SIM PIN" in text and "SIM card lock" not in text and "WeChat" in text and "Call your carrier" in text
    view.set_phone("android")
    text = view.steps_label.text()
    assert "SIM PIN." not in text and "SIM card lock" in text
    assert text.splitlines()[1].startswith("2. ")  # numbering follows what is shown


def test_every_control_has_an_accessible_name(view: GuidedView) -> None:
    for widget in (
        view.phone_box,
        view.goto_field,
        view.goto_button,
        view.back_button,
        view.skip_button,
        view.done_button,
        view.next_button,
    ):
        assert widget.accessibleName()
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_chinese_and_demo(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = GuidedView(make_plan(demo=True), "zh_CN", done_items={"P-07"})
    qtbot.addWidget(widget)
    assert widget.position_label.text() == "第 1 步，共 4 步 · P-01 · Change your password"
    # the top bar says DEMO above this page; the page does not say it a second time
    assert not [label for label in widget.findChildren(QLabel) if "演示" in label.text()]
    assert widget.done_items() == frozenset({"id.p-07"})
    assert widget.next_button.text() == "下一步"


def test_plan_text_is_plain(qtbot) -> None:  # type: ignore[no-untyped-def]
    hostile = Plan("en", "x", (PlanGroup("now", "Now", (item("P-01", "<b>bold</b><img src=x>"),)),))
    widget = GuidedView(hostile, "en")
    qtbot.addWidget(widget)
    assert "<b>bold</b>" in widget.position_label.text()
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in widget.findChildren(QLabel))


def test_empty_plan(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = GuidedView(Plan("en", "Nothing found.", ()), "en")
    qtbot.addWidget(widget)
    assert widget.position_label.text() == "There is nothing to do in this plan."
    assert not widget.next_button.isEnabled() and not widget.done_button.isEnabled()
    widget.mark_done()
    widget.skip()
    assert not widget.open_code("P-01")


def test_helpers() -> None:
    assert [s.platform for s in steps_for_phone(SIM_STEPS, "ios")] == [None, "ios", "wechat"]
    assert len(steps_for_phone(SIM_STEPS, "any")) == 4
    plan = make_plan()
    assert find_code(plan, "P－03").code == "P-03"  # full-width dash from a Chinese keyboard
    assert find_code(plan, "p3").code == "P-03"
    assert find_code(plan, "P-3x") is None


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_fits_a_small_screen_with_long_translations(qtbot, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EXPOSURECHECK_PSEUDO", "1")  # every string about twice as long
    widget = GuidedView(make_plan(), lang)
    qtbot.addWidget(widget)
    assert "⟦" in widget.next_button.text()
    assert widget.minimumSizeHint().width() <= 1024


def test_tab_walks_in_reading_order(qtbot, view: GuidedView) -> None:  # type: ignore[no-untyped-def]
    view.phone_box.setFocus()
    order = []
    for _ in range(6):
        qtbot.keyClick(view.focusWidget(), Qt.Key.Key_Tab)
        order.append(view.focusWidget().objectName())
    assert order == ["gotoCode", "gotoButton", "guidedDone", "guidedSkip", "guidedNext", "phoneType"]
