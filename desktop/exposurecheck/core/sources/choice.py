"""Which sources a check uses, decided in one place so the offline-only switch cannot be bypassed.

`SourcePlan` is computed before anything runs: the GUI shows the consent page when `needs_consent` is true, and
the offline-only switch removes every source with `uses_network` before the check starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exposurecheck.core.errors import UserError

if TYPE_CHECKING:  # the sources package pulls in the identifier normalizers: imported when a check starts
    from exposurecheck.core.sources.base import Source
    from exposurecheck.core.trust.profile import Profile

SourceFactory = Callable[[bool], Sequence["Source | UserError"]]
"""`factory(training) -> sources`; injected so tests can use a loopback server or a slow source. A spec that could
not be opened is returned as its `UserError`, so one damaged pack is reported without stopping the others."""


@dataclass(frozen=True)
class SourcePlan:
    sources: tuple[Source, ...]
    problems: tuple[UserError, ...]  # specs that could not be opened (a damaged pack on a stick, say)

    @property
    def uses_network(self) -> bool:
        return any(s.uses_network for s in self.sources)


def default_factory(training: bool, profile: Profile | None = None) -> list[Source | UserError]:
    """Training mode: only the bundled demo pack. Otherwise: the sources chosen in settings, else an NGO
    profile's defaults, else Pwned Passwords plus every pack found next to the app or on a stick."""
    from exposurecheck.core.settings import load_settings
    from exposurecheck.core.sources.registry import SourceContext, build_source, default_specs

    if training:
        return [build_source("demo")]
    specs = list(load_settings().settings.sources)
    if not specs:
        specs = profile.source_specs(default_specs()) if profile is not None else default_specs()
    context = SourceContext(trusted_keys=profile.trusted_keys if profile is not None else ())
    found: list[Source | UserError] = []
    for spec in specs:
        try:
            found.append(build_source(spec, context))
        except UserError as exc:
            found.append(exc)
    return found


def plan_sources(
    factory: SourceFactory,
    *,
    training: bool,
    offline_only: bool,
    pack_files: Sequence[str] = (),
    trusted_keys: tuple[bytes, ...] = (),
) -> SourcePlan:
    """The sources for one check. `pack_files`: packs the person opened by hand this session (not in training),
    checked against the app's keys plus `trusted_keys` (an NGO profile's)."""
    problems: list[UserError] = []
    sources: list[Source] = []
    try:
        for item in [*factory(training), *([] if training else _packs(pack_files, trusted_keys))]:
            if isinstance(item, UserError):
                problems.append(item)
            else:
                sources.append(item)
    except UserError as exc:
        problems.append(exc)
    if offline_only:
        # The guarantee behind the switch: a source that may touch the network is never even handed to check().
        sources = [s for s in sources if not s.uses_network]
    return SourcePlan(tuple(sources), tuple(problems))


def _packs(paths: Sequence[str], trusted_keys: tuple[bytes, ...]) -> list[Source | UserError]:
    from exposurecheck.core.sources.registry import SourceContext, build_source

    found: list[Source | UserError] = []
    for path in paths:
        try:
            found.append(build_source(f"pack={path}", SourceContext(trusted_keys=trusted_keys)))
        except UserError as exc:
            found.append(exc)
    return found
