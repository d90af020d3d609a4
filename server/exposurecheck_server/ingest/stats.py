"""What an ingest counted: counts only, never values, so every field is safe to print or log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class BlockCounts:
    """One block's counts, as a worker process sends them back (plain types pickle cheaply)."""

    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: Counter[str] = field(default_factory=Counter)
    identifiers: Counter[str] = field(default_factory=Counter)
    values_rejected: Counter[str] = field(default_factory=Counter)
    empty_values: int = 0
    exact_path: int = 0
    bytes: int = 0


@dataclass
class IngestStats:
    """Running totals for a whole ingest; the builders' summaries and progress lines are made from these."""

    rows_read: int = 0
    rows_accepted: int = 0  # rows that gave at least one valid identifier
    rows_rejected: Counter[str] = field(default_factory=Counter)  # whole rows, by reason
    identifiers: Counter[str] = field(default_factory=Counter)  # valid values per identifier type
    values_rejected: Counter[str] = field(default_factory=Counter)  # "invalid_<type>", "undecodable_<type>"
    empty_values: int = 0
    exact_path: int = 0  # values the fast paths left to the app's own normalizer
    bytes_read: int = 0
    bytes_total: int = 0
    encoding: str = ""
    encoding_detected: bool = False

    def add(self, counts: BlockCounts) -> None:
        self.rows_read += counts.rows_read
        self.rows_accepted += counts.rows_accepted
        self.rows_rejected.update(counts.rows_rejected)
        self.identifiers.update(counts.identifiers)
        self.values_rejected.update(counts.values_rejected)
        self.empty_values += counts.empty_values
        self.exact_path += counts.exact_path
        self.bytes_read += counts.bytes

    @property
    def values_read(self) -> int:
        """Non-empty values in mapped columns: accepted plus rejected."""
        return sum(self.identifiers.values()) + sum(self.values_rejected.values())

    @property
    def fraction(self) -> float:
        """How far through the input bytes the ingest is (0..1)."""
        return min(1.0, self.bytes_read / self.bytes_total) if self.bytes_total else 0.0

    @property
    def accepted_share(self) -> float:
        return self.rows_accepted / self.rows_read if self.rows_read else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "rows_read": self.rows_read,
            "rows_accepted": self.rows_accepted,
            "rows_rejected": dict(sorted(self.rows_rejected.items())),
            "identifiers": dict(sorted(self.identifiers.items())),
            "values_read": self.values_read,
            "values_rejected": dict(sorted(self.values_rejected.items())),
            "empty_values": self.empty_values,
            "exact_path_values": self.exact_path,
            "encoding": self.encoding,
            "encoding_detected": self.encoding_detected,
            "input_bytes": self.bytes_total,
        }
