"""Training mode: the demo identities file, and the practice paths (tests/support/practice.py) against the bundled
demo pack: nothing found, one leak, many leaks, source unreachable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exposurecheck.core import training
from exposurecheck.core.advice import plan_for_report
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType
from exposurecheck.core.report import SourceState
from exposurecheck.resources import resource_path
from tests.support import practice

pytestmark = pytest.mark.skipif(
    not resource_path("packs", "demo.ecpack").is_file(), reason="the demo pack is not built in this checkout"
)


@pytest.fixture(scope="module")
def paths() -> dict[str, practice.PracticePath]:
    return {path.id: path for path in practice.practice_paths()}


def test_every_path_is_described_in_both_languages(paths: dict[str, practice.PracticePath]) -> None:
    assert tuple(paths) == practice.PATH_IDS
    for path in paths.values():
        for lang in ("en", "zh_CN"):
            assert not path.title(lang).startswith("helpdesk.")
            assert len(path.description(lang)) > 40


def test_nothing_found(paths: dict[str, practice.PracticePath]) -> None:
    report = practice.run_practice(paths["nothing_found"])
    assert report.exposures == ()
    assert [s.state for s in report.sources] == [SourceState.OK]
    assert report.sources[0].demo


def test_one_leak(paths: dict[str, practice.PracticePath]) -> None:
    report = practice.run_practice(paths["one_leak"])
    assert len(report.exposures) == 1
    (exposure,) = report.exposures
    assert exposure.type is IdentifierType.EMAIL and exposure.demo and exposure.breaches
    assert plan_for_report(report, "en").demo


def test_many_leaks(paths: dict[str, practice.PracticePath]) -> None:
    report = practice.run_practice(paths["many_leaks"])
    assert len(report.exposures) >= 3
    assert {e.type for e in report.exposures} >= {IdentifierType.PHONE, IdentifierType.EMAIL, IdentifierType.CN_ID}
    assert all(e.demo for e in report.exposures)
    plan = plan_for_report(report, "zh_CN")
    assert plan.demo and len(plan.items()) > len(
        plan_for_report(practice.run_practice(paths["one_leak"]), "zh_CN").items()
    )


def test_source_unreachable_stays_on_loopback(paths: dict[str, practice.PracticePath]) -> None:
    path = paths["source_unreachable"]
    assert practice.UNREACHABLE_SOURCE in path.source_specs
    assert "127.0.0.1" in practice.UNREACHABLE_SOURCE
    report = practice.run_practice(path)
    states = {s.name: s for s in report.sources}
    assert states["hibp-passwords"].state is SourceState.ERROR
    assert states["hibp-passwords"].error_key == "http.unreachable"
    assert any(s.state is SourceState.OK and s.demo for s in report.sources)
    assert not report.all_failed


def test_damaged_identities_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "resources"
    (root / "training").mkdir(parents=True)
    (root / "i18n").symlink_to(resource_path("i18n"))
    monkeypatch.setenv("EXPOSURECHECK_RESOURCES", str(root))
    with pytest.raises(UserError) as caught:
        training.load_identities()
    assert caught.value.key == "helpdesk.training.missing"
    for content in (
        "not json",
        "[]",
        '[{"expect": "found", "phone": "12"}]',
        '[{"expect": "maybe", "email": "a@b.cn"}]',
    ):
        (root / "training" / "identities.json").write_text(content, encoding="utf-8")
        with pytest.raises(UserError) as caught:
            training.load_identities()
        assert caught.value.key == "helpdesk.training.invalid"
    (root / "training" / "identities.json").write_text(
        json.dumps([{"expect": "found", "email": "a@example.org"}]), encoding="utf-8"
    )
    with pytest.raises(UserError):
        practice.practice_paths()  # no "not_found" person to practise with


def test_available_identities_is_empty_rather_than_failing_when_the_file_is_damaged(tmp_path, monkeypatch) -> None:
    from exposurecheck.core import training

    (tmp_path / "training").mkdir()
    (tmp_path / "training" / "identities.json").write_text("[{broken", encoding="utf-8")
    monkeypatch.setattr(training, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert training.available_identities() == ()
    with pytest.raises(UserError):
        training.load_identities()
