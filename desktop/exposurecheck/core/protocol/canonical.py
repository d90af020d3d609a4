"""Canonical JSON: the exact bytes that are signed, so a signature never depends on a serializer's whims.

Rules (docs/protocol.md): UTF-8, object keys sorted by code point, no insignificant whitespace, no floats,
non-ASCII characters written as themselves. Integers only; binary values are lowercase hex strings.
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Serialize `value` canonically; floats are refused because their text form is not portable."""
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("canonical JSON has no floats")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("canonical JSON object keys are strings")
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def is_canonical(data: bytes) -> bool:
    """True when `data` is exactly the canonical form of what it parses to."""
    try:
        return canonical_json(json.loads(data)) == data
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
