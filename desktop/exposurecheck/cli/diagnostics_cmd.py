"""`exposure-check diagnostics`: where this copy of the app loads its parts from, for support and the frozen tests.

It prints nothing about the person (no identifiers, no history, no settings values): only paths inside the app,
the app's version and whether the native crypto library could be loaded. Help-desk staff can ask for its output,
and tests/frozen uses `--json` to check that the bundle uses its own libsodium rather than the host's.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path
from typing import Any

from exposurecheck import __version__
from exposurecheck.cli.output import print_json, safe_text
from exposurecheck.core.trust.kit import find_kit_root
from exposurecheck.resources import is_frozen, resource_path, resources_root


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("diagnostics", help="show where this copy of the app loads its parts from")
    parser.add_argument("--json", action="store_true", help="print as JSON")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    parser.set_defaults(func=run)


def collect() -> dict[str, Any]:
    """The diagnostics as plain data (no personal data in any field)."""
    bundle_root = getattr(sys, "_MEIPASS", None)
    info: dict[str, Any] = {
        "version": __version__,
        "frozen": is_frozen(),
        "python": platform.python_version(),
        "platform": sys.platform,
        "executable": sys.executable,
        "bundle_root": bundle_root,
        "resources_root": str(resources_root()),
        "i18n_languages": _languages(),
        "libsodium": _libsodium(bundle_root),
        "keyring_backend": _keyring_backend(),
        "kit_root": _kit_root(),
    }
    return info


def _keyring_backend() -> str:
    """The backend keyring chose (`keyring.backends.SecretService.Keyring` on a Linux desktop). Only a name: it
    reads nothing from the keyring. A frozen app that lost its backends shows `keyring.backends.fail.Keyring`."""
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _languages() -> list[str]:
    folder = resource_path("i18n")
    langs = {path.name.split(".")[-2] for path in folder.glob("*.*.json")} if folder.is_dir() else set()
    return sorted(langs)


def _libsodium(bundle_root: str | None) -> dict[str, Any]:
    # Imported here so that a missing libsodium shows as a field, not as a crash of the whole command.
    from exposurecheck.core.crypto import sodium

    try:
        path = sodium.library_path()
    except sodium.SodiumUnavailable:
        return {"path": None, "inside_bundle": False, "error": "unavailable"}
    inside = False
    if bundle_root:
        inside = Path(path).resolve().is_relative_to(Path(bundle_root).resolve())
    return {"path": path, "inside_bundle": inside, "error": None}


def _kit_root() -> str | None:
    if not is_frozen():
        return None
    root = find_kit_root(Path(sys.executable))
    return str(root) if root else None


def run(args: argparse.Namespace) -> int:
    info = collect()
    if args.json:
        print_json(info)
        return 0
    for key, value in info.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(value)
        sys.stdout.write(safe_text(f"{key}: {value}") + "\n")
    return 0
