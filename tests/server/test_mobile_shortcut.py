"""The mobile-number shortcut gives exactly what the core's normalize gives, for every prefix and writing style."""

from __future__ import annotations

import random

from exposurecheck.core.identifiers import IdentifierType, InvalidIdentifier, normalize
from exposurecheck_server.mobile_shortcut import MobileShortcut


def _real(raw: str, region: str) -> str | None:
    try:
        return normalize(IdentifierType.PHONE, raw, region=region).canonical
    except InvalidIdentifier:
        return None


def _styles(national: str) -> list[str]:
    a, b, c = national[:3], national[3:7], national[7:]
    return [national, "+86" + national, "0086" + national, f"+86 {a} {b} {c}", f"{a}-{b}-{c}", f"+86-{a}{b}{c}",
            f" {national} ", f"{a} {b}-{c}", "１" + national[1:]]  # fmt: skip


def test_same_answers_as_normalize_for_every_prefix():
    rng = random.Random(2024)
    shortcut = MobileShortcut()
    checked = 0
    # Two numbers per 7-digit block for a spread of blocks under every 3-digit prefix 130-199: the second number of
    # a block is answered from the cache, so this compares cached answers too.
    for prefix in range(130, 200):
        for _ in range(5):
            block = f"{prefix}{rng.randrange(10_000):04d}"
            for _ in range(2):
                national = block + f"{rng.randrange(10_000):04d}"
                for raw in _styles(national):
                    for region in ("CN", "US"):
                        assert shortcut.normalize(raw, region) == _real(raw, region), (prefix, region)
                        checked += 1
    assert shortcut.hits > checked // 3  # the cache really answered most of them


def test_other_shapes_take_the_normal_path():
    shortcut = MobileShortcut()
    for raw in ("+8613800138000", "+85291234567", "010 6552 9988", "1380013800", "138001380001", "tel:+8613800138000"):
        assert shortcut.normalize(raw, "CN") == _real(raw, "CN")
