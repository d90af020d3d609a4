"""The options that choose sources, shared by `check` and `history recheck` so both read them the same way.

What they mean is decided in `core.sources.choice`, the one place the window uses too: `--source` replaces the
sources from settings or the NGO profile; `--trust` adds publisher keys; `--offline-only` leaves out every source
that uses the network (as the app's offline-only setting does, which applies to the command line as well).
"""

from __future__ import annotations

import argparse

SOURCE_HELP = "hibp-passwords[=BASE_URL], pack=PATH, service=URL or demo; repeatable"


def add_source_arguments(parser: argparse.ArgumentParser, source_help: str = SOURCE_HELP) -> None:
    parser.add_argument("--source", action="append", default=[], metavar="SPEC", help=source_help)
    parser.add_argument("--trust", action="append", default=[], metavar="FILE.pub", help="trust this publisher key")
    parser.add_argument(
        "--offline-only",
        action="store_true",
        help="use only sources on this computer (the app's offline-only setting applies too)",
    )
