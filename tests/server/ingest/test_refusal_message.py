"""A build refused for too few usable rows names its reasons in the operator's language, not as internal keys."""

from __future__ import annotations

from collections import Counter

import pytest

from exposurecheck.core.errors import UserError
from exposurecheck_server.ingest.pipeline import check_accepted
from exposurecheck_server.ingest.stats import IngestStats


def _refusal(rows_accepted: int) -> UserError:
    stats = IngestStats(rows_read=11, rows_accepted=rows_accepted, values_rejected=Counter(invalid_phone=10))
    with pytest.raises(UserError) as caught:
        check_accepted(stats, 0.5)
    return caught.value


@pytest.mark.parametrize("rows_accepted", [0, 1])
def test_the_reasons_are_words_in_each_language(rows_accepted: int) -> None:
    error = _refusal(rows_accepted)
    english, chinese = error.message("en"), error.message("zh_CN")
    assert "invalid phone 10" in english
    assert "无效电话 10" in chinese
    assert "invalid_phone" not in english + chinese


@pytest.mark.parametrize(
    ("valid", "invalid", "undecodable", "refused"),
    [
        (100, 0, 0, None),
        (51, 49, 0, None),  # a column half bad still builds at the default: only "mostly" refuses
        (50, 50, 0, None),
        (49, 51, 0, "ingest.column_mostly_invalid"),
        (49, 30, 21, "ingest.column_mostly_invalid"),  # bad either way, but not mostly undecodable
        (40, 0, 60, "ingest.mostly_undecodable"),
    ],
)
def test_a_column_is_refused_only_when_most_of_its_values_are_rejected(
    valid: int, invalid: int, undecodable: int, refused: str | None
) -> None:
    # Every row accepted through its phone number; only the email column varies, and empty values never count.
    stats = IngestStats(
        rows_read=100,
        rows_accepted=100,
        identifiers=Counter(phone=100, email=valid),
        values_rejected=Counter(invalid_email=invalid, undecodable_email=undecodable),
        empty_values=500,
    )
    if refused is None:
        check_accepted(stats, 0.5)
        return
    with pytest.raises(UserError) as caught:
        check_accepted(stats, 0.5)
    assert caught.value.key == refused and "email" in caught.value.message("en")
    check_accepted(stats, 0.0)  # --min-accepted 0 builds anyway
