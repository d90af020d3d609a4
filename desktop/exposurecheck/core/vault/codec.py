"""Report <-> plain JSON values, used only inside the vault's encrypted blob.

`Report.sent` (what left the computer, which includes hash prefixes) is deliberately not kept: it is shown on
screen after a check and never stored. Decoding is strict: anything unexpected raises `ValueError`, which the vault
treats as a damaged vault.
"""

from __future__ import annotations

from typing import Any

from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.report import (
    Exposure,
    IdentifierStatus,
    Outcome,
    Reason,
    Report,
    SourceState,
    SourceStatus,
)


def report_to_json(report: Report) -> dict[str, Any]:
    return {
        "exposures": [
            {
                "type": e.type.value,
                "hint": e.hint,
                "source": e.source,
                "breaches": list(e.breaches),
                "count": e.count,
                "demo": e.demo,
            }
            for e in report.exposures
        ],
        "sources": [
            {
                "name": s.name,
                "state": s.state.value,
                "error_key": s.error_key,
                "error_params": [list(pair) for pair in s.error_params],
                "demo": s.demo,
            }
            for s in report.sources
        ],
        "checked_types": [t.value for t in report.checked_types],
        "identifiers": [
            {
                "type": i.type.value,
                "hint": i.hint,
                "outcome": i.outcome.value,
                "reason": i.reason.value if i.reason is not None else None,
            }
            for i in report.identifiers
        ],
    }


def report_from_json(data: Any) -> Report:
    obj = _dict(data)
    exposures = tuple(
        Exposure(
            type=IdentifierType(_str(e["type"])),
            hint=_str(e["hint"]),
            source=_str(e["source"]),
            breaches=tuple(_str(b) for b in _list(e["breaches"])),
            count=_int(e["count"]),
            demo=_bool(e["demo"]),
        )
        for e in map(_dict, _list(obj["exposures"]))
    )
    sources = tuple(
        SourceStatus(
            name=_str(s["name"]),
            state=SourceState(_str(s["state"])),
            error_key=None if s["error_key"] is None else _str(s["error_key"]),
            error_params=tuple(_pair(p) for p in _list(s["error_params"])),
            demo=_bool(s["demo"]),
        )
        for s in map(_dict, _list(obj["sources"]))
    )
    checked = tuple(IdentifierType(_str(t)) for t in _list(obj["checked_types"]))
    # Checks saved before each identifier had its own status have none (the plan then says only what was found).
    identifiers = tuple(
        IdentifierStatus(
            type=IdentifierType(_str(i["type"])),
            hint=_str(i["hint"]),
            outcome=Outcome(_str(i["outcome"])),
            reason=None if i["reason"] is None else Reason(_str(i["reason"])),
        )
        for i in map(_dict, _list(obj.get("identifiers", [])))
    )
    return Report(exposures=exposures, sources=sources, sent=(), checked_types=checked, identifiers=identifiers)


def identifiers_to_json(identifiers: tuple[Identifier, ...]) -> list[dict[str, str]]:
    return [{"type": i.type.value, "canonical": i.canonical} for i in identifiers]


def identifiers_from_json(data: Any) -> tuple[Identifier, ...]:
    return tuple(Identifier(IdentifierType(_str(i["type"])), _str(i["canonical"])) for i in map(_dict, _list(data)))


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("expected a count")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _pair(value: Any) -> tuple[str, str]:
    items = _list(value)
    if len(items) != 2:
        raise ValueError("expected a pair")
    return _str(items[0]), _str(items[1])
