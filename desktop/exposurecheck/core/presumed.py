"""Presumed exposure: a short questionnaire, with no identifiers, for leaks that cover most of a population.

For a leak like the 2022 Shanghai police database (reported to cover most adults in China) "am I in it?" says
little, so the app asks about circumstances instead ("Did you receive parcels by courier?") and turns yes answers
into the data classes that probably leaked. Questions are data (`resources/presumed/questions.json`), so an NGO
can add one for another mega-leak without touching code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from exposurecheck.core.catalog import plain_text
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang
from exposurecheck.resources import resource_path

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_YES = frozenset({"yes", "y", "true", "1", "是", "是的", "对"})
_NO = frozenset({"no", "n", "false", "0", "否", "不", "不是"})


@dataclass(frozen=True)
class Question:
    """One yes/no question; a yes means `data_classes` of breach `breach` (if any) probably leaked."""

    id: str
    text_en: str
    text_zh: str
    data_classes: tuple[str, ...]
    breach: str | None = None

    def text(self, lang: str) -> str:
        return self.text_zh if normalize_lang(lang) == "zh_CN" and self.text_zh else self.text_en


def _question(raw: object, position: int) -> Question:
    if not isinstance(raw, dict):
        raise UserError("advice.presumed.error.question", position=position)
    text = raw.get("text")
    classes = raw.get("data_classes")
    breach = raw.get("breach")
    question_id = raw.get("id")
    ok = (
        isinstance(text, dict)
        and isinstance(question_id, str)
        and bool(_ID_RE.match(question_id))
        and isinstance(text, dict)
        and isinstance(classes, list)
        and bool(classes)
        and all(isinstance(c, str) and c for c in classes)
        and (breach is None or isinstance(breach, str))
    )
    if not ok or not isinstance(text, dict):  # the second test repeats the first only to narrow the type
        raise UserError("advice.presumed.error.question", position=position)
    question = Question(
        id=str(question_id),
        text_en=plain_text(text.get("en"), 300),
        text_zh=plain_text(text.get("zh_CN"), 300),
        data_classes=tuple(str(c) for c in classes or ()),
        breach=breach if isinstance(breach, str) else None,
    )
    if not question.text_en:
        raise UserError("advice.presumed.error.question", position=position)
    return question


def questions_from_json(document: object) -> tuple[Question, ...]:
    """A `{"questions": [...]}` document (or a bare list) → questions, in order, ids unique."""
    raw: Any = document.get("questions") if isinstance(document, dict) else document
    if not isinstance(raw, list):
        raise UserError("advice.presumed.error.document")
    questions = tuple(_question(item, position) for position, item in enumerate(raw, start=1))
    if len({q.id for q in questions}) != len(questions):
        raise UserError("advice.presumed.error.document")
    return questions


def load_questions(extra: Iterable[object] = ()) -> tuple[Question, ...]:
    """The bundled questions, then any extra ones (parsed JSON documents); an extra question replaces one by id."""
    path = resource_path("presumed", "questions.json")
    merged = {q.id: q for q in questions_from_json(json.loads(path.read_text(encoding="utf-8")))}
    for document in extra:
        merged.update({q.id: q for q in questions_from_json(document)})
    return tuple(merged.values())


def parse_answer(text: str) -> bool:
    """ "yes"/"no" (also y/n, 是/否) → bool; anything else is a UserError naming what is accepted."""
    word = text.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise UserError("advice.presumed.error.answer")


def _check(answers: Mapping[str, bool], questions: Sequence[Question]) -> None:
    known = {q.id for q in questions}
    for question_id in answers:
        if question_id not in known:
            # Echo the unknown id only when it looks like a question id: someone may have typed a phone or ID
            # number there by mistake, and identifiers must never reach stderr or a log.
            if _ID_RE.match(question_id) and not re.search(r"[0-9]{4}", question_id):
                raise UserError("advice.presumed.error.unknown", question=question_id)
            raise UserError("advice.presumed.error.unknown_hidden")


def presumed_classes(answers: Mapping[str, bool], questions: Sequence[Question] | None = None) -> frozenset[str]:
    """The data classes that probably leaked, given yes/no answers keyed by question id."""
    questions = load_questions() if questions is None else questions
    _check(answers, questions)
    return frozenset(c for q in questions if answers.get(q.id) is True for c in q.data_classes)


def presumed_breaches(answers: Mapping[str, bool], questions: Sequence[Question] | None = None) -> tuple[str, ...]:
    """The catalog ids of the breaches the yes answers point to, in questionnaire order, without repeats."""
    questions = load_questions() if questions is None else questions
    _check(answers, questions)
    ids = (q.breach for q in questions if answers.get(q.id) is True and q.breach)
    return tuple(dict.fromkeys(i for i in ids if i))
