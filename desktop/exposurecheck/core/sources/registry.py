"""Turns a source spec (`hibp-passwords`, `hibp-passwords=URL`, `pack=PATH`, `service=URL`, `demo`) into a Source.

Source modules are imported lazily so that a missing optional part (e.g. libsodium for the lookup service) only
affects the source that needs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from exposurecheck.core.errors import UserError
from exposurecheck.core.sources.base import Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceContext:
    """Things sources need that are not part of a spec.

    `trusted_keys`: raw 32-byte Ed25519 publisher keys added by `--trust FILE.pub` or kept in settings, trusted in
    addition to the keys the app ships with.
    """

    trusted_keys: tuple[bytes, ...] = ()
    # `--allow-insecure-http`: plain http:// to another computer for service and range URLs (loopback never needs it).
    allow_insecure_http: bool = False


def parse_spec(spec: str) -> tuple[str, str | None]:
    name, sep, arg = spec.partition("=")
    name = name.strip().lower()
    return name, (arg.strip() if sep else None)


def build_source(spec: str, context: SourceContext | None = None) -> Source:
    """The Source for one spec; `UserError` (and nothing else) when it cannot be made, so the callers that collect
    one problem per spec (the window, the CLI) never see one bad spec stop the others."""
    try:
        return _build(spec, context or SourceContext())
    except UserError:
        raise
    except Exception as exc:  # a bug or a damaged file met while setting a source up: that source's plain error
        log.error("source could not be set up (%s)", type(exc).__name__)  # the type only: the text may quote input
        raise UserError("check.source_crashed") from None


def _build(spec: str, context: SourceContext) -> Source:
    name, arg = parse_spec(spec)
    if name == "hibp-passwords":
        from exposurecheck.core.sources.pwned_passwords import DEFAULT_BASE_URL, PwnedPasswordsSource

        return PwnedPasswordsSource(arg or DEFAULT_BASE_URL, allow_insecure_http=context.allow_insecure_http)
    if name == "pack":
        if not arg:
            raise UserError("source.needs_argument", name=name, example="pack=/media/usb/packs/ngo.ecpack")
        from exposurecheck.core.sources.pack import PackSource

        return PackSource(Path(arg), trusted_keys=context.trusted_keys)
    if name == "demo":
        from exposurecheck.core.sources.pack import demo_pack_source

        return demo_pack_source()
    if name == "service":
        if not arg:
            raise UserError("source.needs_argument", name=name, example="service=https://lookup.example.org")
        from exposurecheck.core.sources.lookup_service import ServiceSource

        return ServiceSource(arg, trusted_keys=context.trusted_keys, allow_insecure_http=context.allow_insecure_http)
    raise UserError("source.unknown", name=name)


def default_specs() -> list[str]:
    """Sources used when none are named: Pwned Passwords, plus every offline pack found next to the app or on a
    mounted stick."""
    from exposurecheck.core.packs.discovery import discover_packs

    return ["hibp-passwords", *(f"pack={path}" for path in discover_packs())]
