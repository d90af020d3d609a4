"""Printing helpers shared by the commands: JSON lines, errors on stderr, control characters stripped."""

from __future__ import annotations

import json
import sys
import unicodedata
from typing import Any


def safe_text(untrusted: str) -> str:
    """Drop control characters so that text from a server or a file cannot move the cursor or recolour a terminal."""
    return "".join(ch for ch in untrusted if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")


def print_error(message: str) -> None:
    sys.stderr.write(safe_text(message) + "\n")
