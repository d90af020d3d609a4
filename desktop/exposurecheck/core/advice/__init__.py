"""Advice: from what leaked to a plain-language plan, in English or Simplified Chinese.

The front door for the GUI, the CLI and the case sheet:
- `plan_for_report(report, lang)`: the plan after a check;
- `plan_for_presumed(answers, lang)`: the plan from the questionnaire, worded as an estimate;
- `data_classes_for_report(report, catalog)`: which kinds of data a report shows as leaked;
- `advice_json(plan)`: the `advice[]` list of `check --json`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from exposurecheck.core.advice import unchecked
from exposurecheck.core.advice.content import load_entries
from exposurecheck.core.advice.model import (
    HelpContact,
    LeakedBreach,
    Plan,
    PlanGroup,
    PlanItem,
    Step,
)
from exposurecheck.core.advice.plan import (
    class_kinds,
    found_sentence,
    group_items,
    leaked_breaches,
    presumed_sentence,
    seen_sentence,
    select_items,
    todo_sentence,
)
from exposurecheck.core.catalog import Catalog, load_bundled_catalog
from exposurecheck.core.i18n import normalize_lang, tr
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import Report

__all__ = [
    "HelpContact",
    "LeakedBreach",
    "Plan",
    "PlanGroup",
    "PlanItem",
    "Step",
    "advice_json",
    "data_classes_for_report",
    "plan_for_presumed",
    "plan_for_report",
    "step_text",
]


def data_classes_for_report(report: Report, catalog: Catalog | None = None) -> set[str]:
    """The data classes a report shows as leaked: the found identifiers' own classes plus each breach's classes."""
    catalog = load_bundled_catalog() if catalog is None else catalog
    classes: set[str] = set()
    for exposure in report.exposures:
        # A password "found" with a count of 0 is a padding row, not a finding; every other type counts as found.
        if exposure.type is not IdentifierType.PASSWORD or exposure.count > 0 or exposure.breaches:
            classes.update(unchecked.KIND_CLASSES[exposure.type])
        for breach_id in exposure.breaches:
            breach = catalog.get(breach_id)
            if breach is not None:
                classes.update(breach.data_classes)
    return classes


def _sentences(parts: Iterable[str], lang: str) -> str:
    # Chinese sentences end with a full-width stop and are written without spaces between them.
    return ("" if lang == "zh_CN" else " ").join(p for p in parts if p)


def plan_for_report(
    report: Report,
    lang: str,
    *,
    catalog: Catalog | None = None,
    presumed_classes: Iterable[str] = (),
    extra_entries: Any = (),
) -> Plan:
    """The plan for a check's report in `lang` ("en" or "zh_CN"); `presumed_classes` add questionnaire answers.

    Kinds the report could not check get their steps too, marked `presumed` and said in the summary
    (`advice.unchecked`): "not checked" never leaves a person without a plan, nor reads as "nothing found".
    """
    lang = normalize_lang(lang)
    catalog = load_bundled_catalog() if catalog is None else catalog
    presumed = set(presumed_classes)
    found_classes = data_classes_for_report(report, catalog)
    unchecked_kinds = report.unchecked_types
    classes = found_classes | presumed | unchecked.presumed_classes(unchecked_kinds)
    items = select_items(load_entries(lang, extra_entries), classes)
    if unchecked_kinds:
        items = unchecked.mark_presumed(items, found_classes | presumed)
    groups = group_items(items, lang)
    breaches = leaked_breaches(report.breach_ids, catalog, lang)
    demo = any(e.demo for e in report.exposures) or any(b.demo for b in breaches)
    findings = [e for e in report.exposures if e.type is not IdentifierType.PASSWORD or e.count > 0 or e.breaches]
    estimate = False
    if findings:
        in_breaches = [e.type.value for e in findings if e.breaches]
        elsewhere = [e.type.value for e in findings if not e.breaches and e.type.value not in in_breaches]
        parts = []
        if in_breaches:
            parts.append(found_sentence(in_breaches, len(report.breach_ids), lang))
        if elsewhere:
            parts.append(seen_sentence(elsewhere, lang))
        if unchecked_kinds:
            parts.append(unchecked.unchecked_sentence(unchecked_kinds, lang))
        parts.append(todo_sentence(groups, lang))
        summary = _sentences(parts, lang)
    elif unchecked_kinds:
        parts = [unchecked.checked_sentence(report, lang), unchecked.unchecked_sentence(unchecked_kinds, lang)]
        summary = _sentences([*parts, todo_sentence(groups, lang)], lang)
    elif presumed:
        estimate = True
        summary = _presumed_summary(presumed, groups, lang)
    elif report.all_failed:
        summary = tr("advice.summary.failed", lang)
    else:
        summary = tr("advice.summary.nothing", lang)
    note = unchecked.real_check_note(report, lang) if unchecked_kinds else ""
    return Plan(
        lang=lang,
        summary=summary,
        groups=groups,
        breaches=breaches,
        estimate=estimate,
        demo=demo,
        unchecked=tuple(k.value for k in unchecked_kinds),
        unchecked_note=note,
    )


def _presumed_summary(classes: set[str], groups: tuple[PlanGroup, ...], lang: str) -> str:
    if not classes:
        return tr("advice.summary.presumed.none", lang)
    parts = [presumed_sentence(class_kinds(classes), lang), tr("advice.summary.estimate", lang)]
    parts.append(todo_sentence(groups, lang))
    return _sentences(parts, lang)


def plan_for_presumed(
    answers: Mapping[str, bool],
    lang: str,
    *,
    extra_entries: Any = (),
    questions: Any = None,
) -> Plan:
    """The plan from questionnaire answers (question id → yes/no), clearly marked as an estimate.

    `questions` may replace the bundled questionnaire (an NGO's own, from `exposurecheck.core.presumed.load_questions`).
    """
    # Imported here: presumed imports the catalog, and plans for checks should not pay for the questionnaire.
    from exposurecheck.core import presumed as questionnaire

    lang = normalize_lang(lang)
    asked = questionnaire.load_questions() if questions is None else questions
    classes = set(questionnaire.presumed_classes(answers, asked))
    breach_ids = questionnaire.presumed_breaches(answers, asked)
    items = select_items(load_entries(lang, extra_entries), classes)
    groups = group_items(items, lang)
    breaches = leaked_breaches(breach_ids, load_bundled_catalog(), lang)
    summary = _presumed_summary(classes, groups, lang)
    return Plan(lang=lang, summary=summary, groups=groups, breaches=breaches, estimate=True, demo=False)


def step_text(step: Step, lang: str) -> str:
    """A step as one line, naming its platform ("iPhone: ...") where it has one."""
    if step.platform is None:
        return step.text
    return tr("advice.step.platform", lang, platform=tr(f"advice.platform.{step.platform}", lang), text=step.text)


def advice_json(plan: Plan) -> list[dict[str, Any]]:
    """The `advice[]` array of `check --json`: stable keys for scripts."""
    return [
        {
            "id": item.id,
            "code": item.code,
            "severity": item.severity,
            "when": item.when,
            "title": item.title,
            "steps": [step_text(step, plan.lang) for step in item.steps],
            "review": item.review,
            "presumed": item.presumed,
        }
        for item in plan.items()
    ]
