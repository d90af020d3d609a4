"""The progress line (terminals only, rate-limited, every stage shown) and the summary (counts only, translated)."""

from __future__ import annotations

import io
import json
from collections import Counter

from exposurecheck_server.ingest.progress import TerminalProgress
from exposurecheck_server.ingest.stats import IngestStats
from exposurecheck_server.ingest.summary import BuildOutput, summary_json, summary_table


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _stats(**counts: object) -> IngestStats:
    stats = IngestStats(rows_read=1000, rows_accepted=900, bytes_total=2_000_000, encoding="gb18030",
                        encoding_detected=True)  # fmt: skip
    stats.rows_rejected = Counter({"broken_quoting": 40, "wrong_column_count": 10})
    stats.identifiers = Counter({"phone": 880, "email": 700})
    stats.values_rejected = Counter({"invalid_phone": 60, "undecodable_email": 5})
    stats.empty_values = 300
    for name, value in counts.items():
        setattr(stats, name, value)
    return stats


def test_progress_is_rate_limited_shows_every_stage_and_ends_its_line() -> None:
    stream, clock = _Terminal(), _Clock()
    progress = TerminalProgress(stream=stream, clock=clock)
    stats = _stats(bytes_read=500_000)
    clock.now += 1
    progress.reading(stats)
    first = stream.getvalue()
    assert first.startswith("\rreading 25%  1,645 values  1,645 values/s  00:03 left")
    clock.now += 0.1
    progress.reading(stats)
    assert stream.getvalue() == first  # within half a second: not redrawn
    progress.stage("sorting", 12345)  # a new stage is always shown
    shown = "sorting  12,345 entries"
    assert stream.getvalue().endswith("\r" + shown + " " * (len(first) - 1 - len(shown)))
    progress.stage("buckets", 0, 256)
    assert stream.getvalue().endswith("--:-- left")  # nothing to go by yet
    clock.now += 3
    progress.stage("buckets", 64, 256)
    assert "writing buckets 25%  64 of 256 buckets  00:09 left" in stream.getvalue()
    progress.finish()
    assert stream.getvalue().endswith("\n")


def test_progress_stays_quiet_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream=stream)
    progress.reading(_stats())
    progress.stage("writing", 5)
    progress.finish()
    assert stream.getvalue() == ""


def test_progress_speaks_chinese() -> None:
    stream = _Terminal()
    TerminalProgress("zh_CN", stream=stream).stage("sorting", 3)
    assert "排序" in stream.getvalue()


def test_summary_table_counts_and_reasons() -> None:
    output = BuildOutput("pack", 1234, "out.ecpack (5,000 bytes)", {"files": ["out.ecpack"]})
    text = summary_table(_stats(), output, 2.0)
    assert "Input                       2.0 MB, encoding gb18030 (detected)\n" in text
    assert "Rows rejected               50: broken quoting 40, wrong number of columns 10\n" in text
    assert "Rows without an identifier  50\n" in text
    assert "Values accepted             1,580: email 700, phone 880\n" in text
    assert "Values rejected             65: invalid phone 60, undecodable email 5\n" in text
    assert "Entries written             1,234\n" in text
    assert "Time                        2.0 s (822 values/s)\n" in text
    assert text.endswith("If the file is in another encoding, give it with --encoding.\n")
    chinese = summary_table(_stats(), output, 2.0, "zh_CN")
    assert "拒绝的行" in chinese and "引号错误 40" in chinese


def test_summary_json_is_one_object_with_the_builders_details() -> None:
    output = BuildOutput("service", 7, "site", {"epoch": 3})
    data = json.loads(summary_json(_stats(), output, 4.0))
    assert data["builder"] == "service" and data["entries"] == 7 and data["epoch"] == 3
    assert data["rows_rejected"] == {"broken_quoting": 40, "wrong_column_count": 10}
    assert data["values_per_second"] == 411
    assert data["encoding"] == "gb18030" and data["encoding_detected"] is True


def test_the_line_left_on_screen_is_the_last_state_not_a_throttled_one() -> None:
    stream, clock = _Terminal(), _Clock()
    progress = TerminalProgress(stream=stream, clock=clock)
    progress.stage("evaluating", 10, 4000)  # a new stage: drawn
    clock.now += 0.1
    progress.stage("evaluating", 3999, 4000)  # within half a second: skipped for now
    assert "3,999" not in stream.getvalue()
    progress.stage("buckets", 0, 8)
    clock.now += 0.1
    progress.stage("buckets", 5, 8)  # skipped, and never followed by a later update
    progress.finish()
    last = stream.getvalue().rsplit("\r", 1)[1]
    assert last.startswith("writing buckets 62%  5 of 8 buckets") and last.endswith("\n")


def test_a_stage_that_reaches_its_total_is_always_drawn_with_its_unit() -> None:
    stream, clock = _Terminal(), _Clock()
    progress = TerminalProgress(stream=stream, clock=clock)
    progress.stage("buckets", 0, 1)
    progress.stage("buckets", 1, 1)  # at once, yet the end of a stage is never throttled
    assert stream.getvalue().rsplit("\r", 1)[1].startswith("writing buckets 100%  1 of 1 bucket  ")


def test_chinese_progress_has_units_and_clears_a_longer_line_by_its_width() -> None:
    stream, clock = _Terminal(), _Clock()
    progress = TerminalProgress("zh_CN", stream=stream, clock=clock)
    progress.stage("evaluating", 4000, 4000)
    long = stream.getvalue()[1:]
    assert long.startswith("计算 100%  4,000/4,000 条记录")
    progress.stage("sorting", 7)
    short = "排序  7 个条目"
    def columns(text: str) -> int:
        return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)

    assert stream.getvalue().endswith("\r" + short + " " * (columns(long) - columns(short)))
