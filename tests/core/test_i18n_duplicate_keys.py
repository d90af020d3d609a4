"""No message catalog holds a key twice: JSON keeps the last one silently, so a second, edited copy of a message
would hide the first (service.en.json held one key twice until this test)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO

CATALOGS = sorted((REPO / "resources" / "i18n").glob("*.json"))


@pytest.mark.parametrize("catalog", CATALOGS, ids=[path.name for path in CATALOGS])
def test_no_key_appears_twice(catalog: Path) -> None:
    keys: list[str] = []

    def collect(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys.extend(key for key, _ in pairs)
        return dict(pairs)

    json.loads(catalog.read_text(encoding="utf-8"), object_pairs_hook=collect)
    assert [key for key, count in Counter(keys).items() if count > 1] == []


def test_the_catalogs_were_found() -> None:
    assert len(CATALOGS) > 10
