"""The front door: sources run concurrently, failures stay contained, progress and cancel are plain callables."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from exposurecheck.core.check import check
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import Identifier, IdentifierType, mask
from exposurecheck.core.report import Exposure, SourceResult, SourceState
from exposurecheck.core.sources.base import CancelToken, ProgressCallback, Source

PHONE = Identifier(IdentifierType.PHONE, "+8613800138000")
EMAIL = Identifier(IdentifierType.EMAIL, "someone@example.com")


class ListSource(Source):
    """A real in-memory source: it finds exactly the identifiers it holds."""

    def __init__(self, name: str, known: set[Identifier], accepts=None, barrier: threading.Barrier | None = None):
        self.name = name
        self.known = known
        self.accepts = frozenset(accepts or {IdentifierType.PHONE, IdentifierType.EMAIL})
        self.barrier = barrier
        self.seen: list[Identifier] = []

    def lookup(self, identifiers: Sequence[Identifier], progress: ProgressCallback, cancel: CancelToken):
        if self.barrier is not None:
            self.barrier.wait(timeout=10)  # only passes if the other source runs at the same time
        self.seen.extend(identifiers)
        found = [i for i in identifiers if i in self.known]
        progress(self.name, 0.5)
        return SourceResult(tuple(Exposure(i.type, mask(i), self.name, ("demo_breach",)) for i in found))


class BrokenSource(Source):
    name = "broken"
    accepts = frozenset({IdentifierType.PHONE})

    def __init__(self, error: Exception):
        self.error = error

    def lookup(self, identifiers, progress, cancel):
        raise self.error


def test_every_source_gets_only_the_types_it_accepts_and_results_are_merged() -> None:
    phones = ListSource("phones", {PHONE}, accepts={IdentifierType.PHONE})
    both = ListSource("both", {EMAIL})
    report = check([PHONE, EMAIL], [phones, both])
    assert phones.seen == [PHONE]
    assert both.seen == [PHONE, EMAIL]
    found = {(e.source, e.type) for e in report.exposures}
    assert found == {("phones", IdentifierType.PHONE), ("both", IdentifierType.EMAIL)}
    assert [s.state for s in report.sources] == [SourceState.OK, SourceState.OK]
    assert report.breach_ids == ("demo_breach",)


def test_sources_run_concurrently() -> None:
    barrier = threading.Barrier(2)
    report = check([PHONE], [ListSource("a", {PHONE}, barrier=barrier), ListSource("b", set(), barrier=barrier)])
    assert [s.state for s in report.sources] == [SourceState.OK, SourceState.OK]


def test_one_failing_source_does_not_spoil_the_others() -> None:
    report = check([PHONE], [BrokenSource(UserError("http.unreachable")), ListSource("ok", {PHONE})])
    broken, ok = report.sources
    assert broken.state is SourceState.ERROR and broken.error_key == "http.unreachable"
    assert "data file" in broken.error_message("en")
    assert ok.state is SourceState.OK
    assert len(report.exposures) == 1
    assert not report.all_failed


def test_an_unexpected_crash_is_contained_without_its_text() -> None:
    report = check([PHONE], [BrokenSource(ValueError("+8613800138000 broke me"))])
    (status,) = report.sources
    assert status.state is SourceState.ERROR
    assert "+8613800138000" not in status.error_message("en")
    assert report.all_failed


def test_a_source_that_takes_none_of_the_types_is_skipped_not_failed() -> None:
    report = check([EMAIL], [ListSource("phones", {PHONE}, accepts={IdentifierType.PHONE})])
    assert report.sources[0].state is SourceState.SKIPPED
    assert not report.all_failed


def test_progress_is_reported_per_source_and_ends_at_one() -> None:
    events: list[tuple[str, float]] = []
    lock = threading.Lock()

    def progress(name: str, fraction: float) -> None:
        with lock:
            events.append((name, fraction))

    check([PHONE], [ListSource("a", set()), ListSource("b", set())], progress=progress)
    assert ("a", 1.0) in events and ("b", 1.0) in events
    assert ("a", 0.5) in events


def test_cancel_marks_sources_cancelled_and_runs_nothing() -> None:
    source = ListSource("a", {PHONE})
    report = check([PHONE], [source], cancel=CancelToken(lambda: True))
    assert report.sources[0].state is SourceState.CANCELLED
    assert source.seen == []
    assert report.exposures == ()


class CatalogSource(ListSource):
    def __init__(self, catalog_json: bytes):
        super().__init__("pack", set())
        self._catalog_json = catalog_json

    def catalog(self):
        from exposurecheck.core.catalog import catalog_from_json

        return catalog_from_json(self._catalog_json)


def test_catalog_for_adds_what_sources_carry_but_keeps_the_bundled_text() -> None:
    import json

    from exposurecheck.core.check import catalog_for

    carried = json.dumps(
        [
            {"Name": "ngo_only_leak", "Title": "NGO leak", "BreachDate": "2021-01-01", "DataClasses": ["Names"]},
            {"Name": "shanghai_police_2022", "Title": "Overridden <b>title</b>", "BreachDate": "2022-06-30"},
        ]
    ).encode()
    combined = catalog_for([CatalogSource(carried), ListSource("plain", set())])
    assert combined["ngo_only_leak"].title("en") == "NGO leak"
    assert "Overridden" not in combined["shanghai_police_2022"].title("en")
    assert "weibo_2020" in combined
