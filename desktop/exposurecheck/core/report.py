"""What a check found: frozen dataclasses the CLI prints, the GUI shows and the vault may keep (encrypted)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from exposurecheck.core.identifiers import IdentifierType


class SourceState(enum.Enum):
    OK = "ok"
    ERROR = "error"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # the source takes none of the identifier types given


@dataclass(frozen=True)
class Exposure:
    """One identifier found by one source.

    `hint` is a masked form (`+86 138 **** 8000`), never the full value. `breaches` are catalog ids; `count` is the
    number of times a password was seen (Pwned Passwords) and 0 where the source gives breach ids instead.
    """

    type: IdentifierType
    hint: str
    source: str
    breaches: tuple[str, ...] = ()
    count: int = 0
    demo: bool = False


@dataclass(frozen=True)
class SentLine:
    """One line of "What left this computer": a message key and its parameters, translated when shown, so the
    page follows a language switch after the check."""

    key: str
    params: tuple[tuple[str, str], ...] = ()

    def text(self, lang: str = "en") -> str:
        from exposurecheck.core.i18n import tr

        return tr(self.key, lang, **dict(self.params))


def sent_line(key: str, **params: object) -> SentLine:
    return SentLine(key, tuple((name, str(value)) for name, value in params.items()))


@dataclass(frozen=True)
class SentRecord:
    """What left the computer for one source (no identifier, no full hash), e.g. a 5-character SHA-1 prefix or
    "8 blinded values". Shown on screen only: it can hold hash prefixes, so it is never logged or stored.
    """

    source: str
    items: tuple[SentLine, ...] = ()


@dataclass(frozen=True)
class SourceStatus:
    name: str
    state: SourceState
    error_key: str | None = None
    error_params: tuple[tuple[str, str], ...] = ()
    demo: bool = False

    def error_message(self, lang: str = "en") -> str:
        if self.error_key is None:
            return ""
        from exposurecheck.core.i18n import tr

        return tr(self.error_key, lang, **dict(self.error_params))


@dataclass(frozen=True)
class SourceResult:
    """What one source returns from `lookup()`."""

    exposures: tuple[Exposure, ...] = ()
    sent: SentRecord | None = None


@dataclass(frozen=True)
class Report:
    exposures: tuple[Exposure, ...] = ()
    sources: tuple[SourceStatus, ...] = ()
    sent: tuple[SentRecord, ...] = ()
    checked_types: tuple[IdentifierType, ...] = field(default=())

    @property
    def all_failed(self) -> bool:
        ran = [s for s in self.sources if s.state is not SourceState.SKIPPED]
        return bool(ran) and all(s.state is SourceState.ERROR for s in ran)

    @property
    def breach_ids(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for exposure in self.exposures:
            for breach in exposure.breaches:
                seen.setdefault(breach, None)
        return tuple(seen)
