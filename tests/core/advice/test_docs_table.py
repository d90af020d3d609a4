"""docs/advice.md's table of current entries (issue 14.5: the page keeps each entry's V/P/U mark and open items)
lists every bundled entry, and only those, with the timing and mark the entry files give it."""

from __future__ import annotations

import re

from exposurecheck.core.advice.content import Entry, bundled_entries
from tests.conftest import REPO

CODE = re.compile(r"[A-Z]-[0-9]{2}")


def table_rows(page: str) -> dict[str, tuple[str, str]]:
    """Code → (when, mark) for each row of the table; "A-01 … A-05" stands for every code in that range."""
    table = page.split("### Current entries and their review status", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not CODE.match(cells[0]):
            continue
        codes = CODE.findall(cells[0])
        if "…" in cells[0]:
            first, last = codes
            codes = [f"{first[:2]}{number:02d}" for number in range(int(first[2:]), int(last[2:]) + 1)]
        for code in codes:
            rows[code] = (cells[2], cells[3])
    return rows


def problems(rows: dict[str, tuple[str, str]], entries: tuple[Entry, ...]) -> list[str]:
    by_code = {entry.code: entry for entry in entries}
    found = [f"{code}: in the table, not in the entry files" for code in sorted(set(rows) - set(by_code))]
    found += [f"{code}: not in the table" for code in sorted(set(by_code) - set(rows))]
    for code, (when, mark) in sorted(rows.items()):
        entry = by_code.get(code)
        if entry is None:
            continue
        if mark != entry.review:
            found.append(f"{code}: the table says {mark}, the entry {entry.review}")
        # A row for several entries gives their timings as a range ("today … ongoing"); one entry, its own.
        if "…" not in when and "," not in when and when.replace(" ", "_") != entry.when:
            found.append(f"{code}: the table says {when}, the entry {entry.when}")
    return found


def test_the_docs_table_matches_the_entries() -> None:
    rows = table_rows((REPO / "docs" / "advice.md").read_text(encoding="utf-8"))
    assert len(rows) > 30
    assert problems(rows, bundled_entries("en")) == []


def test_a_stale_table_is_found() -> None:
    page = """### Current entries and their review status

| Code | Entry | When | Mark | What is soft |
| --- | --- | --- | --- | --- |
| P-01 | SIM PIN | this week | V | |
| A-01 … A-02 | Passwords | today … this week | V | |
| Z-99 | Gone | today | V | |

## Next
"""
    entries = tuple(e for e in bundled_entries("en") if e.code in ("P-01", "A-01", "A-02", "P-02"))
    assert problems(table_rows(page), entries) == [
        "Z-99: in the table, not in the entry files",
        "P-02: not in the table",
        "P-01: the table says V, the entry P",
        "P-01: the table says this week, the entry today",
    ]
