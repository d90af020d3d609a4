"""Tests that CI must really run: where a piece they need is missing they skip on a developer's machine and fail
under CI (the CI environment variable, which .ci/run sets and every CI service sets too), so a missing package or
a bundle that was not built can never turn a required check into a quiet skip."""

from __future__ import annotations

import os

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def required(reason: str) -> None:
    """Skip saying why, or under CI fail saying why: call it where a required test finds a piece missing."""
    if under_ci():
        pytest.fail(f"CI must run this test, but: {reason}", pytrace=False)
    pytest.skip(reason)
