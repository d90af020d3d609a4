"""The way out of a lookup service refused for its pinned keys: which services a check refused, and forgetting
their pins (what `exposure-check service forget URL` does, for the window's "Reset the service's keys…").

A service is refused, before anything about the person is sent, when its keys changed without an announcement in
its own signed history, or when that history does not continue the one this computer pinned
(lookup_service_trust.py). Both are what an operator singling one person out would show, and both are also what an
organisation that really had to start again with new keys shows. Only a person who heard from that organisation
itself can tell the two apart, so forgetting a pin is always their explicit choice, never automatic. After it, the
next check trusts the service again only through a publisher key this app trusts, as on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from exposurecheck.core.report import Report, SourceState
from exposurecheck.core.sources.base import Source
from exposurecheck.core.sources.lookup_service_state import PinStore

# The refusals a reset can end: the key change nobody announced, and the history that does not continue.
PIN_REFUSALS = frozenset({"service.error.key_change", "service.error.forked"})


def refused_for_pins(report: Report | None) -> bool:
    """True when a source of `report` was refused for its pinned keys (the window then offers the reset)."""
    return report is not None and any(
        s.state is SourceState.ERROR and s.error_key in PIN_REFUSALS for s in report.sources
    )


def refused_services(sources: Sequence[Source], report: Report | None) -> tuple[str, ...]:
    """The addresses of the lookup services in `sources` that `report` says were refused for their pinned keys.

    `report` must be the check of exactly these sources: `core.check.check` gives one status per source, in the
    order given (two services share the name "service", so only the order tells them apart). Anything else, a
    report of other sources, gives nothing, so a reset can never forget a service that was not refused."""
    if report is None or len(sources) != len(report.sources):
        return ()
    urls: list[str] = []
    for source, status in zip(sources, report.sources, strict=True):
        if status.name != source.name:
            return ()
        url = getattr(source, "base_url", None)
        refused = status.state is SourceState.ERROR and status.error_key in PIN_REFUSALS
        if refused and isinstance(url, str) and url not in urls:
            urls.append(url)
    return tuple(urls)


def forget_pins(urls: Iterable[str], store: PinStore | None = None) -> bool:
    """Forget what is pinned for each of `urls`; True when none of them is pinned any more. False means the state
    folder could not be written (the store does not raise for that), so the refusal would simply come back."""
    store = store or PinStore()
    urls = tuple(urls)
    for url in urls:
        store.forget(url)
    return all(store.get(url) is None for url in urls)
