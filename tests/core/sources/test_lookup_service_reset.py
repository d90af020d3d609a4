"""Which lookup services a check refused for their pinned keys, and forgetting only theirs (the window's reset)."""

from __future__ import annotations

from pathlib import Path

from exposurecheck.core.protocol.chain import Pin
from exposurecheck.core.report import Report, SourceState, SourceStatus
from exposurecheck.core.sources.lookup_service import ServiceSource
from exposurecheck.core.sources.lookup_service_reset import forget_pins, refused_for_pins, refused_services
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck.core.sources.pwned_passwords import PwnedPasswordsSource

A, B = "https://a.example.org/", "https://b.example.org/"


def _status(key: str | None, name: str = "service") -> SourceStatus:
    return SourceStatus(name, SourceState.ERROR if key else SourceState.OK, key)


def _pin(n: int) -> Pin:
    raw = bytes([n]) * 32
    return Pin(raw, n, raw, frozenset({raw}), frozenset({raw}), 0)


def test_only_the_services_refused_for_their_keys_are_named_in_the_order_run():
    sources = [ServiceSource(A), PwnedPasswordsSource(), ServiceSource(B), ServiceSource(A + "other/")]
    report = Report(sources=(_status("service.error.key_change"), _status(None, "hibp-passwords"),
                             _status("service.error.forked"), _status("http.status")))
    assert refused_for_pins(report)
    assert refused_services(sources, report) == (A, B)


def test_a_report_of_other_sources_names_nothing():
    report = Report(sources=(_status("service.error.key_change"),))
    assert refused_services([ServiceSource(A), ServiceSource(B)], report) == ()  # not the same sources
    assert refused_services([PwnedPasswordsSource()], report) == ()  # not in the same order
    assert refused_services([ServiceSource(A)], None) == ()
    assert not refused_for_pins(Report(sources=(_status("service.error.rollback"),)))
    assert not refused_for_pins(None)


def test_forgetting_keeps_every_other_pin(tmp_path: Path):
    store = PinStore(tmp_path)
    store.put(A, _pin(1))
    store.put(B, _pin(2))
    assert forget_pins([A], store)
    assert store.get(A) is None and store.get(B) == _pin(2)
    assert forget_pins([A], store), "nothing pinned any more is as good as forgotten"
