"""A data file signed by a publisher this app does not know: the window asks with a dialog (who signed it, their
key's fingerprint to read aloud, what trusting means), never with a command line (issue 12.4).

Before a check runs, the window hands the sources it chose to `review`. A data file among them from an unknown
publisher that was not turned down in this session comes back to be asked about (`ask`); the window checks again
once `decided` fires. "Trust this publisher" stores the key as `exposure-check trust add` does
(`core.trust.publisher_keys`). "Don't use it" is remembered until the session ends: the file is left out of the
check, the results say in plain words which file and why, and each value only that file could have checked is
"not checked" because its publisher was not confirmed (`Review.held_back`), with the way to confirm it: the
results page's "Confirm the publisher and check again" (`reconsider`) asks once more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from exposurecheck.core.errors import UserError
from exposurecheck.core.report import Reason
from exposurecheck.gui.dialogs import PublisherDialog

if TYPE_CHECKING:
    from exposurecheck.core.identifiers import IdentifierType
    from exposurecheck.core.packs.publisher import PackPublisher
    from exposurecheck.core.sources.base import Source

UNKNOWN_PUBLISHER = "pack.error.unknown_publisher"


@dataclass(frozen=True)
class Review:
    """What to do with the chosen sources: ask about `ask` first (then review again), or run `sources`, with
    `problems` said on the results page. `held_back`: the kinds the files left out would have checked, for
    `core.check.check` to say why they went unchecked (Reason.UNKNOWN_PUBLISHER)."""

    ask: PackPublisher | None
    sources: tuple[Source, ...]
    problems: tuple[UserError, ...]
    held_back: Mapping[IdentifierType, Reason] = field(default_factory=dict)


class PublisherLink(QObject):
    decided = Signal()  # trusted or turned down: the check the person asked for can go ahead

    def __init__(self) -> None:
        super().__init__()
        self.declined: set[bytes] = set()  # keys turned down in this session
        self.failed: dict[bytes, UserError] = {}  # keys whose trust could not be stored, and why
        self.dialog: PublisherDialog | None = None

    def review(self, sources: Sequence[Source], problems: Sequence[UserError], lang: str,
               extra_keys: Sequence[bytes] = ()) -> Review:
        """Look at every data file among `sources` (its signed head only, not its data)."""
        from exposurecheck.core.packs.publisher import pack_publisher
        from exposurecheck.core.sources.pack import PackSource

        unknown: dict[Path, PackPublisher] = {}
        for source in sources:
            if not isinstance(source, PackSource):
                continue
            try:
                publisher = pack_publisher(source.path, extra_keys)
            except UserError:
                continue  # a damaged file: the check itself reports it, with its own message
            if publisher.trust is None:
                unknown[source.path] = publisher
        for publisher in unknown.values():
            if publisher.key not in self.declined:
                return Review(publisher, tuple(sources), tuple(problems))
        kept = tuple(s for s in sources if not (isinstance(s, PackSource) and s.path in unknown))
        said = [self._left_out(p, lang) for p in {p.key: p for p in unknown.values()}.values()]
        held_back = {kind: Reason.UNKNOWN_PUBLISHER for p in unknown.values() for kind in p.kinds & PackSource.accepts}
        return Review(None, kept, (*self.explain(problems, lang), *said), held_back)

    def ask(self, publisher: PackPublisher, lang: str, parent: QWidget | None) -> PublisherDialog:
        """Open the dialog for `publisher` (window-modal; the answer comes back through `decided`)."""
        if self.dialog is not None:
            self.dialog.close()
        dialog = PublisherDialog(lang, "data_file", publisher.title, publisher.fingerprint,
                                 file_name=publisher.file_name, parent=parent)
        dialog.accepted.connect(lambda: self._trust(publisher))
        dialog.rejected.connect(lambda: self._decline(publisher))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def explain(self, problems: Sequence[UserError], lang: str) -> tuple[UserError, ...]:
        """`problems` with a refused publisher said without a command line (a file that could not even be opened
        as a source, which the dialog cannot be offered for)."""
        return tuple(UserError("gui.publisher.unknown", file=p.params.get("file", "")) if p.key == UNKNOWN_PUBLISHER
                     else p for p in problems)

    def reconsider(self) -> None:
        """Forget this session's "Don't use it" answers (and failed attempts to trust), so the next review asks
        again: the person has compared the code with the organisation since and wants to decide anew."""
        self.declined.clear()
        self.failed.clear()

    def end_session(self) -> None:
        self.declined.clear()
        self.failed.clear()
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = None

    def _left_out(self, publisher: PackPublisher, lang: str) -> UserError:
        if publisher.key in self.failed:
            reason = self.failed[publisher.key].message(lang)
            return UserError("gui.publisher.trust_failed", file=publisher.file_name, reason=reason)
        return UserError("gui.publisher.declined", file=publisher.file_name)

    def _trust(self, publisher: PackPublisher) -> None:
        from exposurecheck.core.trust.publisher_keys import add_trusted_key

        self.dialog = None
        try:
            add_trusted_key(publisher.key)
        except UserError as exc:
            # Not trusted after all: do not ask again in a loop; the results say why the file was left out.
            self.declined.add(publisher.key)
            self.failed[publisher.key] = exc
        self.decided.emit()

    def _decline(self, publisher: PackPublisher) -> None:
        self.dialog = None
        self.declined.add(publisher.key)
        self.decided.emit()
