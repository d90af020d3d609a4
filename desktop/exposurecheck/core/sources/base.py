"""The one interface every data source implements.

A source gets normalized identifiers and returns exposures. It reports progress and honours cancellation through
plain callables, so the core stays free of Qt (the GUI turns these into signals).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from exposurecheck.core.catalog import Catalog
from exposurecheck.core.errors import Cancelled as Cancelled  # sources and their callers name it from here
from exposurecheck.core.identifiers import Identifier, IdentifierType
from exposurecheck.core.report import SourceResult

ProgressCallback = Callable[[str, float], None]
"""Called as `progress(source_name, fraction_done)` with 0.0 <= fraction <= 1.0."""


@dataclass(frozen=True)
class CancelToken:
    """Checked by sources between network calls; `is_cancelled` is any zero-argument callable."""

    is_cancelled: Callable[[], bool] = lambda: False

    def raise_if_cancelled(self) -> None:
        if self.is_cancelled():
            raise Cancelled()


class Source(abc.ABC):
    """A place to look identifiers up.

    Subclasses set `name` (stable, shown in reports), `accepts` (identifier types they can check),
    `uses_network` (the offline-only switch filters on it) and `demo` (results must be labelled DEMO).
    `lookup` raises `exposurecheck.core.errors.UserError` for any failure a person should read about, and sets
    each exposure's `subject` to the position of its identifier in the list it was given.
    """

    name: str = "source"
    accepts: frozenset[IdentifierType] = frozenset()
    uses_network: bool = False
    demo: bool = False
    # Plain http to another computer, allowed only by the person's explicit choice: the window names it unsafe.
    insecure: bool = False

    @abc.abstractmethod
    def lookup(
        self,
        identifiers: Sequence[Identifier],
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> SourceResult:
        """Look up the identifiers this source accepts (the caller has already filtered them)."""

    def covered_types(self) -> frozenset[IdentifierType]:
        """The kinds this source really checked in its last lookup, asked right after it. Only these may be called
        "not found": a pack holds the kinds its file lists, which can be fewer than `accepts`."""
        return self.accepts

    def catalog(self) -> Catalog | None:
        """The breach catalog this source carries (a pack's or a manifest's), if any; untrusted text, made plain."""
        return None
