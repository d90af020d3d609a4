"""Which sources a check uses, decided in one place for the window and `exposure-check check` alike.

The inputs, most binding first: training mode (the bundled demo pack, nothing else); offline only (from settings,
the window's switch, `--offline-only`, or a confirmed NGO profile that says so: every source that may touch the
network is removed before the check starts, and the kinds only those sources check are remembered as held back,
so the report can say "you chose offline only" instead of "not found"); the specs named on the command line
(`--source`); else the specs in settings (`"sources": [...]`); else a confirmed NGO profile's defaults; else Pwned
Passwords plus every pack found next to the app or on a stick. Packs the person opened by hand are added on top
(not in training mode). An unconfirmed profile is never passed in: the callers ask `trust.profile.is_confirmed`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from exposurecheck.core.errors import UserError

if TYPE_CHECKING:  # the sources package pulls in the identifier normalizers: imported when a check starts
    from exposurecheck.core.identifiers import IdentifierType
    from exposurecheck.core.report import Reason
    from exposurecheck.core.sources.base import Source
    from exposurecheck.core.trust.profile import Profile

SourceFactory = Callable[[bool], Sequence["Source | UserError"]]
"""`factory(training) -> sources`; injected so tests can use a loopback server or a slow source. A spec that could
not be opened is returned as its `UserError`, so one damaged pack is reported without stopping the others."""


@dataclass(frozen=True)
class SourcePlan:
    sources: tuple[Source, ...]
    problems: tuple[UserError, ...]  # specs that could not be opened (a damaged pack on a stick, say)
    # Kinds a source left out by offline only would have checked: `check(..., held_back=...)` gives the reason.
    held_back: Mapping[IdentifierType, Reason] = field(default_factory=dict)

    @property
    def uses_network(self) -> bool:
        return any(s.uses_network for s in self.sources)


def chosen_specs(
    training: bool,
    *,
    override: Sequence[str] = (),
    settings_specs: Sequence[str] = (),
    profile: Profile | None = None,
) -> list[str]:
    """The source specs before anything is opened (see the module docstring for the order)."""
    from exposurecheck.core.sources.registry import default_specs

    if training:
        return ["demo"]
    if override:
        return list(override)
    if settings_specs:
        return list(settings_specs)
    if profile is not None and profile.default_sources:
        return list(profile.default_sources)
    return default_specs()


def default_factory(
    training: bool,
    profile: Profile | None = None,
    override: Sequence[str] = (),
    extra_keys: tuple[bytes, ...] = (),
) -> list[Source | UserError]:
    """The sources for the specs `chosen_specs` picks with today's settings. `profile` must be a confirmed one;
    its keys, and `extra_keys` (`--trust`), are trusted for packs and services besides the app's own."""
    from exposurecheck.core.settings import load_settings
    from exposurecheck.core.sources.registry import SourceContext, build_source

    settings_specs = () if training else load_settings().settings.sources
    specs = chosen_specs(training, override=override, settings_specs=settings_specs, profile=profile)
    keys = extra_keys + (profile.trusted_keys if profile is not None else ())
    context = SourceContext(trusted_keys=keys)
    found: list[Source | UserError] = []
    for spec in specs:
        try:
            found.append(build_source(spec, context))
        except UserError as exc:
            found.append(exc)
    return found


def factory_for(
    profile: Profile | None, override: Sequence[str] = (), extra_keys: tuple[bytes, ...] = ()
) -> SourceFactory:
    """`default_factory` bound to a confirmed profile and command-line choices."""
    return partial(default_factory, profile=profile, override=tuple(override), extra_keys=extra_keys)


def plan_sources(
    factory: SourceFactory,
    *,
    training: bool,
    offline_only: bool,
    pack_files: Sequence[str] = (),
    trusted_keys: tuple[bytes, ...] = (),
    profile: Profile | None = None,
) -> SourcePlan:
    """The sources for one check. `pack_files`: packs the person opened by hand this session (not in training),
    checked against the app's keys plus `trusted_keys` and a confirmed `profile`'s keys. A profile that says
    offline only makes the check offline only, whatever the switch says."""
    from exposurecheck.core.report import Reason

    keys = trusted_keys + (profile.trusted_keys if profile is not None else ())
    offline_only = offline_only or (profile is not None and profile.offline_only)
    problems: list[UserError] = []
    sources: list[Source] = []
    try:
        for item in [*factory(training), *([] if training else _packs(pack_files, keys))]:
            if isinstance(item, UserError):
                problems.append(item)
            else:
                sources.append(item)
    except UserError as exc:
        problems.append(exc)
    held_back: dict[IdentifierType, Reason] = {}
    if offline_only:
        # The guarantee behind the switch: a source that may touch the network is never even handed to check().
        held_back = {kind: Reason.OFFLINE_ONLY for s in sources if s.uses_network for kind in s.accepts}
        sources = [s for s in sources if not s.uses_network]
    return SourcePlan(tuple(sources), tuple(problems), held_back)


def _packs(paths: Sequence[str], trusted_keys: tuple[bytes, ...]) -> list[Source | UserError]:
    from exposurecheck.core.sources.registry import SourceContext, build_source

    found: list[Source | UserError] = []
    for path in paths:
        try:
            found.append(build_source(f"pack={path}", SourceContext(trusted_keys=trusted_keys)))
        except UserError as exc:
            found.append(exc)
    return found
