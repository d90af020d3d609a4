"""Cleaning untrusted text is linear in its input, and the input is capped before it is read.

Timing is compared between inputs of size n and 4n of the same hostile shape (medians of a few runs), so the
tests check the growth rate, not the speed of this machine: linear work grows ~4×, quadratic work ~16×.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pytest

from exposurecheck.core.untrusted_text import plain_text, raw_cap, strip_markup

# Shapes that made html.parser (or a repeat-until-stable regex) quadratic.
HOSTILE = {
    "unclosed start tags": "<a ",
    "opening brackets then one close": "<",
    "tags without end": "<b",
    "comment openers": "<!--",
    "entities": "&amp;lt;",
    "nested script": "<script>",
}


def _median_seconds(work: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _growth(clean: Callable[[str], object], unit: str, size: int) -> float:
    small = unit * (size // len(unit)) + ">"
    large = unit * (4 * size // len(unit)) + ">"
    return _median_seconds(lambda: clean(large)) / max(_median_seconds(lambda: clean(small)), 1e-6)


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_markup_stripping_grows_linearly(shape: str) -> None:
    growth = _growth(strip_markup, HOSTILE[shape], 60_000)
    assert growth < 8, f"{shape}: 4× the input took {growth:.1f}× the time"


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_plain_text_grows_linearly_without_a_cap(shape: str) -> None:
    growth = _growth(lambda text: plain_text(text, 10**7), HOSTILE[shape], 40_000)
    assert growth < 8, f"{shape}: 4× the input took {growth:.1f}× the time"


def test_a_huge_field_costs_no_more_than_its_cap() -> None:
    huge = "<a " * 3_500_000  # 10 MB
    capped = huge[: raw_cap(200)]
    whole = _median_seconds(lambda: plain_text(huge, 200), 3)
    ratio = whole / max(_median_seconds(lambda: plain_text(capped, 200), 3), 1e-6)
    assert ratio < 3


def test_no_markup_survives_and_text_reads_the_same() -> None:
    assert plain_text('In 2013 <a href="x">Adobe</a> lost <em>data</em> &amp; hints.<script>x()</script>', 500) == (
        "In 2013 Adobe lost data & hints."
    )
    # Escaped markup stays visible as text, but in full-width brackets no renderer reads as a tag.
    assert plain_text("&lt;img src=x onerror=alert(1)&gt;ok", 500) == "＜img src=x onerror=alert(1)＞ok"
    assert plain_text("1 < 2 and <<b>bold", 500) == "1 ＜ 2 and ＜bold"
    assert plain_text("a <a <a b", 500) == "a ＜a ＜a b"
    assert plain_text("before<!-- hidden", 500) == "before"
    assert plain_text("<p>one</p><p>two</p>", 500) == "one two"
    assert plain_text("a\x00b\u202ec\r\nd", 500) == "a b c d"
    assert plain_text("x" * 600, 100) == "x" * 99 + "…"
