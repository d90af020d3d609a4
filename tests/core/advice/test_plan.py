"""The risk model and plan: grouping, ordering, summaries, the done-when case, extra entries, JSON."""

from __future__ import annotations

import copy
import json

import pytest

from exposurecheck.core.advice import (
    Plan,
    advice_json,
    data_classes_for_report,
    plan_for_presumed,
    plan_for_report,
)
from exposurecheck.core.advice.model import SEVERITY_ORDER, WHEN_ORDER
from exposurecheck.core.catalog import Breach, Catalog, load_bundled_catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Exposure, Report, SourceState, SourceStatus
from exposurecheck.resources import resource_path

SHANGHAI = "shanghai_police_2022"


def _shanghai_report() -> Report:
    return Report(
        exposures=(
            Exposure(IdentifierType.PHONE, "+86 138 **** 8000", "pack", (SHANGHAI,)),
            Exposure(IdentifierType.CN_ID, "3101********1234", "pack", (SHANGHAI,)),
        ),
        sources=(SourceStatus("pack", SourceState.OK),),
    )


def _group(plan: Plan, when: str) -> tuple[str, ...]:
    for group in plan.groups:
        if group.when == when:
            return tuple(item.id for item in group.items)
    return ()


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_done_when_phone_and_id_in_shanghai_leak(lang: str) -> None:
    plan = plan_for_report(_shanghai_report(), lang)
    today = _group(plan, "today")
    # Issue 14: Today is the SIM PIN, the service password and the fake-police warning, in that order.
    assert today == ("phone.sim_pin", "phone.service_password", "scam.fake_police")
    sim = plan.find("P-01")
    assert sim is not None
    texts = [s.text for s in sim.steps]
    warning = next(i for i, t in enumerate(texts) if "PUK" in t)
    first_pin = next(i for i, t in enumerate(texts) if "1234" in t)
    assert warning == 0 < first_pin  # the lock-out warning comes before anyone types a PIN
    assert sim.steps[0].platform is None  # and it is not shown as a carrier-only step
    assert "once" in texts[first_pin] or "只试一次" in texts[first_pin]
    assert plan.find("P-01") is not None
    assert plan.find("p-02") is not None
    assert not plan.estimate
    assert [b.id for b in plan.breaches] == [SHANGHAI]
    assert plan.breaches[0].title == load_bundled_catalog()[SHANGHAI].title(lang)
    today_count = len(_group(plan, "now")) + len(today)
    if lang == "en":
        assert plan.summary.startswith("Your phone number and ID number were in 1 leak.")
        assert f"Do these {today_count} things today." in plan.summary
        assert [g.title for g in plan.groups][:2] == ["Act now", "Today"]
    else:
        assert plan.summary.startswith("你的手机号和身份证号出现在1起泄露事件中。")
        assert f"今天先做这{today_count}件事。" in plan.summary
        assert [g.title for g in plan.groups][:2] == ["立即行动", "今天"]
        assert "SIM" in plan.find("P-01").title  # type: ignore[union-attr]


def test_groups_are_in_time_order_deduplicated_and_sorted_by_severity() -> None:
    plan = plan_for_report(_shanghai_report(), "en")
    whens = [g.when for g in plan.groups]
    assert whens == [w for w in WHEN_ORDER if w in whens]
    ids = [i.id for i in plan.items()]
    assert len(ids) == len(set(ids))
    for group in plan.groups:
        ranks = [SEVERITY_ORDER.index(i.severity) for i in group.items]
        assert ranks == sorted(ranks), group.when
        assert all(i.when == group.when for i in group.items)
    sim = plan.find("P-01")
    assert sim is not None
    assert "Phone numbers" in sim.triggered_by


def test_empty_groups_are_left_out() -> None:
    report = Report(exposures=(Exposure(IdentifierType.USERNAME, "al***", "pack", ("tianya",)),))
    plan = plan_for_report(report, "en")
    assert all(g.items for g in plan.groups)
    assert "now" not in [g.when for g in plan.groups]


def test_nothing_found_is_reassuring_but_honest() -> None:
    report = Report(sources=(SourceStatus("pack", SourceState.OK),))
    for lang, phrase in (("en", "does not prove"), ("zh_CN", "不能证明")):
        plan = plan_for_report(report, lang)
        assert phrase in plan.summary
        assert [g.when for g in plan.groups] == ["ongoing"]
        assert plan.find("B-01") is not None
        assert plan.breaches == ()


def test_all_sources_failed_says_so() -> None:
    report = Report(sources=(SourceStatus("service", SourceState.ERROR, error_key="http.timeout"),))
    assert "could not be finished" in plan_for_report(report, "en").summary


def test_password_seen_by_count_only() -> None:
    report = Report(exposures=(Exposure(IdentifierType.PASSWORD, "", "hibp-passwords", (), count=52000),))
    plan = plan_for_report(report, "en")
    assert plan.summary.startswith("Your password was found in known leaks.")
    assert "account.change_password" in _group(plan, "today")
    padding = Report(exposures=(Exposure(IdentifierType.PASSWORD, "", "hibp-passwords", (), count=0),))
    assert data_classes_for_report(padding, load_bundled_catalog()) == set()


def test_data_classes_for_report_maps_types_and_breaches() -> None:
    catalog = load_bundled_catalog()
    classes = data_classes_for_report(_shanghai_report(), catalog)
    assert {"Phone numbers", "Government issued IDs", "cn_resident_id", "cn_police_case_records"} <= classes
    email_only = Report(exposures=(Exposure(IdentifierType.EMAIL, "a***@163.com", "pack", ("unknown_leak",)),))
    assert data_classes_for_report(email_only, catalog) == {"Email addresses"}
    user = Report(exposures=(Exposure(IdentifierType.USERNAME, "u***", "pack", ()),))
    assert data_classes_for_report(user, catalog) == {"Usernames"}


def test_unknown_breach_is_listed_plainly_and_custom_catalog_is_used() -> None:
    report = Report(exposures=(Exposure(IdentifierType.EMAIL, "a***@x.org", "pack", ("ngo_leak",)),))
    plan = plan_for_report(report, "en")
    assert plan.breaches[0].id == "ngo_leak"
    assert "ngo_leak" in plan.breaches[0].title
    custom = Catalog([Breach("ngo_leak", "NGO leak", "", "2024", 10, ("Credit cards",), "text", "")])
    plan = plan_for_report(report, "en", catalog=custom)
    assert plan.breaches[0].title == "NGO leak"
    assert plan.find("M-01") is not None  # credit cards → protect your bank card now
    assert _group(plan, "now")


def test_demo_results_are_marked() -> None:
    report = Report(
        exposures=(Exposure(IdentifierType.PHONE, "+86 1** **** 0000", "demo", ("demo_breach",), demo=True),)
    )
    plan = plan_for_report(report, "en")
    assert plan.demo
    assert plan.breaches[0].demo
    assert plan.find("S-01") is not None  # demo breach has parcel records → fake courier warning


def test_presumed_classes_join_a_report_plan_and_presumed_only_is_an_estimate() -> None:
    plan = plan_for_report(Report(), "en", presumed_classes={"cn_express_delivery_records"})
    assert plan.estimate
    assert "estimate" in plan.summary
    assert plan.find("S-01") is not None


def test_plan_for_presumed() -> None:
    plan = plan_for_presumed({"courier_parcels": True, "police_record": False}, "en")
    assert plan.estimate
    assert "probably" in plan.summary
    assert "This is an estimate, not a check." in plan.summary
    assert [b.id for b in plan.breaches] == [SHANGHAI]
    assert plan.find("S-01") is not None
    assert plan.find("R-01") is None
    zh = plan_for_presumed({"courier_parcels": True}, "zh_CN")
    assert "估计" in zh.summary
    none = plan_for_presumed({"courier_parcels": False}, "en")
    assert none.estimate
    assert "probably do not include you" in none.summary
    assert [i.code for i in none.items()] == ["B-01"]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_police_records_entry_follows_the_questionnaire(lang: str) -> None:
    named = plan_for_presumed({"police_named": True}, lang)
    assert named.find("R-03") is not None
    assert named.find("S-02") is not None and "scam.fake_police" in _group(named, "today")
    assert named.find("R-01") is None  # being named is not the same as having reported something
    assert [b.id for b in named.breaches] == [SHANGHAI]
    reported = plan_for_presumed({"police_record": True}, lang)
    assert reported.find("R-01") is not None
    assert reported.find("R-03") is None
    assert plan_for_presumed({"police_named": False, "courier_parcels": True}, lang).find("R-03") is None
    # A check's plan gets it too when the person says so alongside the check.
    joined = plan_for_report(_shanghai_report(), lang, presumed_classes={"cn_police_subject_records"})
    assert joined.find("R-03") is not None
    assert plan_for_report(_shanghai_report(), lang).find("R-03") is None


def test_police_records_entry_is_honest_about_what_the_app_cannot_do() -> None:
    en = plan_for_presumed({"police_named": True}, "en").find("R-03")
    zh = plan_for_presumed({"police_named": True}, "zh_CN").find("R-03")
    assert en is not None and zh is not None
    en_text = " ".join(s.text for s in en.steps)
    zh_text = " ".join(s.text for s in zh.steps)
    assert "cannot protect you" in en_text and "没法保护你" in zh_text
    assert "消除案底" in en_text and "消除案底" in zh_text
    assert any(h.url and not h.official for h in en.help)  # a trusted helpline, not only official numbers
    assert all("公民社会" not in h.label for h in zh.help)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_money_lost_means_110_and_the_bank_at_the_same_time(lang: str) -> None:
    codes = plan_for_report(_shanghai_report(), lang).find("P-03")
    assert codes is not None
    text = " ".join(s.text for s in codes.steps)
    if lang == "en":
        assert "110 and your bank at the same time" in text
        assert "second scam" in text and "(CVV)" in text
    else:
        assert "同时打110和银行电话" in text
        assert "第二次诈骗" in text and "信用卡背面的3位安全码（CVV）" in text


def test_extra_entries_override_and_add() -> None:
    document = json.loads(resource_path("advice", "entries.en.json").read_text(encoding="utf-8"))
    override = copy.deepcopy(next(e for e in document["entries"] if e["id"] == "phone.sim_pin"))
    override["title"] = "Set a SIM PIN (our NGO's wording)"
    added = copy.deepcopy(override)
    added.update(id="ngo.hotline", code="N-01", title="Call our helpline", when="now", severity="urgent")
    extra = {"lang": "en", "entries": [override, added]}
    en = plan_for_report(_shanghai_report(), "en", extra_entries=extra)
    assert en.find("P-01").title == "Set a SIM PIN (our NGO's wording)"  # type: ignore[union-attr]
    assert en.find("N-01") is not None
    assert len([i for i in en.items() if i.id == "phone.sim_pin"]) == 1
    # English-only extra entries still reach a Chinese plan; bundled Chinese entries are not replaced.
    zh = plan_for_report(_shanghai_report(), "zh_CN", extra_entries=[extra])
    assert zh.find("N-01") is not None
    assert zh.find("P-01").title == "给SIM卡设置PIN码"  # type: ignore[union-attr]
    broken = copy.deepcopy(extra)
    broken["entries"][1]["severity"] = "extreme"
    with pytest.raises(UserError):
        plan_for_report(_shanghai_report(), "en", extra_entries=broken)


def test_advice_json_shape() -> None:
    plan = plan_for_report(_shanghai_report(), "zh_CN")
    rows = advice_json(plan)
    assert len(rows) == len(plan.items())
    for row in rows:
        assert {"id", "code", "severity", "when", "title", "steps", "review"} <= set(row)
        assert all(isinstance(s, str) and s for s in row["steps"])
        assert row["review"] in ("V", "P", "U")
    sim = next(r for r in rows if r["code"] == "P-01")
    assert sim["review"] == "P"
    assert sim["steps"][1].startswith("苹果手机：")
    json.dumps(rows, ensure_ascii=False)
