"""The presumed-exposure questionnaire: questions as data, answers → data classes and breaches."""

from __future__ import annotations

import pytest

from exposurecheck.core.advice.readability import ASCII_PUNCT_AFTER_CJK, chinese_wording_problems
from exposurecheck.core.catalog import known_classes, load_bundled_catalog
from exposurecheck.core.errors import UserError
from exposurecheck.core.presumed import (
    load_questions,
    parse_answer,
    presumed_breaches,
    presumed_classes,
    questions_from_json,
)


def test_bundled_questions_are_complete_in_both_languages() -> None:
    questions = load_questions()
    ids = {q.id for q in questions}
    # These ids are the answer keys other code and scripts use (--answer police_record=no): they stay stable.
    assert {"shanghai_before_2022", "courier_parcels", "police_record", "police_named", "suishenma_2020_2022"} <= ids
    catalog = load_bundled_catalog()
    for question in questions:
        assert question.text("en").endswith("?")
        assert question.text("zh_CN").endswith("？")
        zh = question.text("zh_CN")
        assert chinese_wording_problems(zh) == [] and not ASCII_PUNCT_AFTER_CJK.search(zh), question.id
        assert question.text("zh_CN") != question.text("en")
        assert set(question.data_classes) <= known_classes()
        assert question.breach is None or question.breach in catalog


def test_answers_give_classes_and_breaches() -> None:
    answers = {"courier_parcels": True, "suishenma_2020_2022": True, "police_record": False}
    classes = presumed_classes(answers)
    assert "cn_express_delivery_records" in classes
    assert "cn_health_code_status" in classes
    assert "cn_police_case_records" not in classes
    assert presumed_breaches(answers) == ("shanghai_police_2022", "suishenma_2022")
    assert presumed_classes({}) == frozenset()


def test_being_named_by_police_is_its_own_question() -> None:
    named = presumed_classes({"police_named": True})
    assert "cn_police_subject_records" in named
    assert "cn_police_case_records" not in named
    assert "cn_police_subject_records" not in presumed_classes({"police_record": True})
    assert presumed_breaches({"police_named": True}) == ("shanghai_police_2022",)


def test_unknown_question_is_a_user_error() -> None:
    with pytest.raises(UserError) as info:
        presumed_classes({"no_such_question": True})
    assert "no_such_question" in info.value.message("en")


@pytest.mark.parametrize("typed", ["13800138000", "+8613800138000", "someone@example.com", "id11010519491231002x"])
def test_an_identifier_typed_as_question_id_is_not_echoed(typed: str) -> None:
    with pytest.raises(UserError) as info:
        presumed_classes({typed: True})
    for lang in ("en", "zh_CN"):
        assert typed not in info.value.message(lang)
        assert "1380013" not in info.value.message(lang)
    assert info.value.params == {}


@pytest.mark.parametrize(("text", "value"), [("yes", True), ("Y", True), ("是", True), (" no ", False), ("否", False)])
def test_parse_answer(text: str, value: bool) -> None:
    assert parse_answer(text) is value


def test_parse_answer_rejects_anything_else() -> None:
    with pytest.raises(UserError):
        parse_answer("maybe")


def test_ngo_can_add_a_question() -> None:
    extra = {
        "questions": [
            {
                "id": "henan_police_2022",
                "text": {"en": "Did you live in Henan before 2022?", "zh_CN": "2022年以前你在河南住过吗？"},
                "data_classes": ["Names", "Phone numbers"],
                "breach": None,
            }
        ]
    }
    questions = load_questions([extra])
    assert questions[-1].id == "henan_police_2022"
    assert presumed_classes({"henan_police_2022": True}, questions) == {"Names", "Phone numbers"}
    assert presumed_breaches({"henan_police_2022": True}, questions) == ()


@pytest.mark.parametrize(
    "bad",
    [
        {"questions": "x"},
        {"questions": [{"id": "Bad Id", "text": {"en": "?"}, "data_classes": ["Names"]}]},
        {"questions": [{"id": "ok", "text": {"en": "?"}, "data_classes": []}]},
        {"questions": [{"id": "ok", "text": "not a mapping", "data_classes": ["Names"]}]},
        {"questions": [{"id": "ok", "text": {"zh_CN": "只有中文？"}, "data_classes": ["Names"]}]},
        [{"id": "a", "text": {"en": "A?"}, "data_classes": ["Names"]}] * 2,
    ],
)
def test_bad_question_documents_are_refused(bad: object) -> None:
    with pytest.raises(UserError):
        questions_from_json(bad)
