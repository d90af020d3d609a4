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
