"""Coverage as a figure: how much of what real breaches leak gets advice of its own, not only the generic basics.

Weighted by the real HIBP snapshot in ../shared/testdata/breaches/: every (breach, data class) pair counts once, so
a class that 869 breaches hold weighs 869 times as much as one that a single breach holds. A pair is covered when
its class triggers an entry other than B-01 (the everyday basics every plan shows anyway).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from exposurecheck.core.advice.content import ALWAYS, Entry, bundled_entries
from exposurecheck.core.catalog import known_classes
from tests.conftest import REPO

SNAPSHOT = (
    REPO.parent
    / "shared"
    / "testdata"
    / "breaches"
    / "breaches_v3_full_snapshot_2025-03-03_fugitivexyz-DataBreachAnalytics.json"
)
MIN_COVERAGE = 0.97
GENERIC = "B-01"

# The sensitive kinds of data issue 14 names, and the entry each must reach (not just any entry).
SENSITIVE = {
    "Religions": "H-01",
    "Ethnicities": "H-01",
    "Political views": "H-01",
    "Sexual orientations": "H-01",
    "Personal health data": "H-02",
    "HIV statuses": "H-02",
    "Private messages": "H-03",
    "Chat logs": "H-03",
    "Photos": "H-04",
    "Auth tokens": "A-06",
    "Mnemonic phrases": "M-03",
    "Passport numbers": "I-06",
    "Driver's licenses": "I-06",
    "IMEI numbers": "L-02",
    "IMSI numbers": "L-02",
    "Payment histories": "M-04",
    "Account balances": "M-04",
    "Income levels": "M-04",
    "Credit status information": "M-04",
}


def _specific_triggers(entries: tuple[Entry, ...]) -> dict[str, set[str]]:
    """Data class → codes of the entries it triggers, leaving out the generic basics."""
    triggers: dict[str, set[str]] = {}
    for entry in entries:
        if entry.code == GENERIC or ALWAYS in entry.data_classes:
            continue
        for data_class in entry.data_classes:
            triggers.setdefault(data_class, set()).add(entry.code)
    return triggers


def coverage(breaches: list[dict[str, object]], entries: tuple[Entry, ...]) -> tuple[float, Counter[str]]:
    """The covered share of (breach, data class) pairs, and how often each uncovered class occurs."""
    triggers = _specific_triggers(entries)
    pairs: Counter[str] = Counter()
    for breach in breaches:
        classes = breach.get("DataClasses")
        if isinstance(classes, list):
            pairs.update(c for c in set(classes) if isinstance(c, str))
    total = sum(pairs.values())
    uncovered = Counter({c: n for c, n in pairs.items() if c not in triggers})
    return (1 - sum(uncovered.values()) / total if total else 0.0), uncovered


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_hibp_weighted_coverage_is_at_least_97_percent(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    if not SNAPSHOT.exists():
        pytest.skip(f"HIBP snapshot not found at {SNAPSHOT}")
    breaches = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    share, uncovered = coverage(breaches, bundled_entries(lang))
    pairs = sum(len(set(b["DataClasses"])) for b in breaches)
    with capsys.disabled():
        print(
            f"\nadvice coverage ({lang}): {share:.1%} of {pairs} (breach, data class) pairs in {len(breaches)} HIBP "
            f"breaches trigger an entry other than {GENERIC}; uncovered: {dict(uncovered.most_common(10)) or 'none'}"
        )
    assert share >= MIN_COVERAGE, uncovered.most_common(20)


def test_coverage_figure_counts_pairs_and_can_fail() -> None:
    entries = bundled_entries("en")
    made_up = [
        {"DataClasses": ["Phone numbers", "Astral projections"]},
        {"DataClasses": ["Astral projections"]},
        {"DataClasses": ["Email addresses", "Email addresses"]},  # a repeated class counts once per breach
    ]
    share, uncovered = coverage(made_up, entries)
    assert share == pytest.approx(2 / 4)
    assert uncovered == Counter({"Astral projections": 2})
    assert coverage([], entries)[0] == 0.0


@pytest.mark.parametrize(("data_class", "code"), sorted(SENSITIVE.items()))
def test_every_sensitive_class_has_its_own_entry(data_class: str, code: str) -> None:
    for lang in ("en", "zh_CN"):
        assert code in _specific_triggers(bundled_entries(lang)).get(data_class, set()), (lang, data_class)
    assert data_class in known_classes()  # it has a label in both languages


def test_every_labelled_class_triggers_a_specific_entry() -> None:
    # The whole vocabulary the app can name (the 2025 HIBP classes, the 2018 extras and our cn_* classes).
    triggers = _specific_triggers(bundled_entries("en"))
    assert sorted(c for c in known_classes() if c not in triggers) == []
