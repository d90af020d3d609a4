"""The summary both builders end with: one table for people, `--json` for scripts, counts only.

Rows read, accepted and rejected (by reason), values accepted per type and rejected by reason, empty values, what
was written, and the time. Nothing in it comes from the input except counts: no value, no header cell, no row
text (tests/server/ingest/test_cli.py plants identifiers and checks they never appear).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from exposurecheck.core.i18n import tr
from exposurecheck_server.ingest.stats import IngestStats


@dataclass(frozen=True)
class BuildOutput:
    """What a builder wrote, for the summary's last lines."""

    builder: str  # "pack" or "service"
    entries: int  # distinct entries written (pack entries, service records)
    output_line: str  # one translated sentence: where it went and how big it is
    details: Mapping[str, object] = field(default_factory=dict)  # builder-specific figures for --json


def summary_json(stats: IngestStats, output: BuildOutput, seconds: float) -> str:
    data: dict[str, object] = {"builder": output.builder, **stats.as_dict(), "entries": output.entries}
    data.update(output.details)
    data["seconds"] = round(seconds, 2)
    data["values_per_second"] = round(stats.values_read / seconds) if seconds > 0 else None
    return json.dumps(data, ensure_ascii=False) + "\n"


def summary_table(stats: IngestStats, output: BuildOutput, seconds: float, lang: str = "en") -> str:
    def t(key: str, **params: object) -> str:
        return tr(f"ingest.summary.{key}", lang, **params)

    def reasons(counts: Mapping[str, int]) -> str:
        parts = [f"{tr(f'ingest.reason.{reason}', lang)} {count:,}" for reason, count in sorted(counts.items())]
        return ", ".join(parts)

    rows_rejected = sum(stats.rows_rejected.values())
    without = stats.rows_read - stats.rows_accepted - rows_rejected
    values_rejected = sum(stats.values_rejected.values())
    accepted_values = sum(stats.identifiers.values())
    kinds = ", ".join(
        f"{tr(f'ingest.type.{kind}', lang)} {count:,}" for kind, count in sorted(stats.identifiers.items())
    )
    rate = f"{stats.values_read / seconds:,.0f}" if seconds > 0 else "-"
    encoding_key = "encoding_detected" if stats.encoding_detected else "encoding_given"
    lines = [
        (t("input"), t(encoding_key, size=_size(stats.bytes_total), encoding=stats.encoding)),
        (t("rows_read"), f"{stats.rows_read:,}"),
        (t("rows_accepted"), f"{stats.rows_accepted:,} ({stats.accepted_share:.1%})"),
        (t("rows_rejected"), f"{rows_rejected:,}" + (f": {reasons(stats.rows_rejected)}" if rows_rejected else "")),
        (t("rows_without"), f"{max(0, without):,}"),
        (t("values_accepted"), f"{accepted_values:,}" + (f": {kinds}" if kinds else "")),
        (t("values_rejected"),
         f"{values_rejected:,}" + (f": {reasons(stats.values_rejected)}" if values_rejected else "")),
        (t("empty_values"), f"{stats.empty_values:,}"),
        (t(f"entries_{output.builder}"), f"{output.entries:,}"),
        (t("output"), output.output_line),
        (t("time"), t("time_value", seconds=f"{seconds:,.1f}", rate=rate)),
    ]  # fmt: skip
    width = max(display_width(label) for label, _ in lines) + 2
    text = "".join(label + " " * (width - display_width(label)) + value + "\n" for label, value in lines)
    if any(reason.startswith("undecodable") for reason in stats.values_rejected):
        text += t("undecodable_hint", encoding=stats.encoding) + "\n"
    return text


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1000
    return f"{count} bytes"  # pragma: no cover - the loop always returns


def display_width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)
