"""What a check found: frozen dataclasses the CLI prints, the GUI shows and the vault may keep (encrypted)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from exposurecheck.core.i18n import Approx
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
    # Which identifier this is: its position in the list the source's `lookup()` was given. Two identifiers can
    # share a hint ("a***" for two usernames), so the check matches findings by position, not by hint. Only
    # meaningful inside one check: not compared, printed or stored.
    subject: int = field(default=-1, compare=False, repr=False)


@dataclass(frozen=True)
class SentLine:
    """One line of "What left this computer": a message key and its parameters, translated when shown, so the
    page follows a language switch after the check. Parameters are text, except an `Approx` figure, which stays a
    number so that it is written the way the language shown writes round figures ("13,000,000" / "1300万")."""

    key: str
    params: tuple[tuple[str, str | Approx], ...] = ()

    def text(self, lang: str = "en") -> str:
        from exposurecheck.core.i18n import tr

        params: dict[str, object] = dict(self.params)
        count = params.get("count")
        if isinstance(count, str) and count.isdigit():
            params["count"] = int(count)  # kept as text in the record; a number again picks "1 day" or "2 days"
        return tr(self.key, lang, **params)


def sent_line(key: str, **params: object) -> SentLine:
    kept = tuple((name, value if isinstance(value, Approx) else str(value)) for name, value in params.items())
    return SentLine(key, kept)


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
    notices: tuple[SentLine, ...] = ()  # from SourceResult.notices; shown, not stored with a saved check
    # Used over plain http to another computer (the person's explicit --allow-insecure-http): "What left this
    # computer" names it unsafe, as the consent page and the checking rows do. Not stored with a saved check.
    insecure: bool = False

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
    # Things the person should know although the source worked, e.g. "the service's signed data runs out in 3 days".
    notices: tuple[SentLine, ...] = ()


class Outcome(enum.Enum):
    """What a check can honestly say about one typed identifier."""

    FOUND = "found"
    NOT_FOUND = "not_found"  # at least one source that holds data of its kind looked and did not find it
    NOT_CHECKED = "not_checked"  # no source could look: never to be shown as "not found"


class Reason(enum.Enum):
    """Why an identifier was not checked, most specific first (see `core.outcomes`)."""

    # a data file that checks it is signed by a publisher this app does not know yet (or one the person turned
    # down): the person holds the file, so the way forward is confirming its publisher, not getting a file
    UNKNOWN_PUBLISHER = "unknown_publisher"
    UNREACHABLE = "unreachable"  # the network source that checks it could not be reached
    SOURCE_FAILED = "source_failed"  # the source that checks it failed otherwise (a damaged pack, a bad answer)
    CANCELLED = "cancelled"  # the person stopped the check first
    OFFLINE_ONLY = "offline_only"  # only a network source checks it, and the person chose offline only
    NO_DATA = "no_data"  # no source here holds data of its kind (no pack with phone numbers, say)


@dataclass(frozen=True)
class IdentifierStatus:
    """The one answer for one typed identifier: `hint` is its masked form, never the value; `reason` is set
    exactly when `outcome` is NOT_CHECKED."""

    type: IdentifierType
    hint: str
    outcome: Outcome
    reason: Reason | None = None

    def line(self, lang: str = "en") -> str:
        """The status as one line: "Phone number +86 138 **** 8000: not checked. <reason>"."""
        from exposurecheck.core.i18n import tr

        kind = tr(f"identifier.type.{self.type.value}", lang)
        key = f"outcome.line.{self.outcome.value}"
        return tr(key, lang, type=kind, hint=self.hint, reason=self.reason_text(lang))

    def reason_text(self, lang: str = "en") -> str:
        """The reason in plain words ("This copy of the app has no leak data for phone numbers."), or ""."""
        if self.reason is None:
            return ""
        from exposurecheck.core.i18n import tr

        if self.reason is Reason.NO_DATA:
            return tr(f"outcome.reason.no_data.{self.type.value}", lang)
        return tr(f"outcome.reason.{self.reason.value}", lang)


@dataclass(frozen=True)
class Report:
    exposures: tuple[Exposure, ...] = ()
    sources: tuple[SourceStatus, ...] = ()
    sent: tuple[SentRecord, ...] = ()
    checked_types: tuple[IdentifierType, ...] = field(default=())
    # One status per typed identifier, in the order typed. Empty only for checks saved before statuses existed.
    identifiers: tuple[IdentifierStatus, ...] = ()

    @property
    def unchecked_types(self) -> tuple[IdentifierType, ...]:
        """Kinds with an identifier no source could check, in the order typed (they get the presumed steps)."""
        kinds = (s.type for s in self.identifiers if s.outcome is Outcome.NOT_CHECKED)
        return tuple(dict.fromkeys(kinds))

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
