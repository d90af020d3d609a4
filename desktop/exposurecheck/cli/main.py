"""Entry point: builds the argument parser from the command modules and turns failures into calm messages.

No traceback ever reaches the terminal: a `UserError` prints its translated message; anything else prints a
short error code (the exception's type name), never the exception's text, which might quote input.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from exposurecheck import __version__
from exposurecheck.cli.output import print_error
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import normalize_lang, tr

# Each module exposes `register(subparsers)`; the order is the order shown in --help.
COMMAND_MODULES = (
    "exposurecheck.cli.gui_cmd",
    "exposurecheck.cli.check_cmd",
    "exposurecheck.cli.normalize_cmd",
    "exposurecheck.cli.presumed_cmd",
    "exposurecheck.cli.pack_cmd",
    "exposurecheck.cli.trust_cmd",
    "exposurecheck.cli.service_cmd",  # lookup services pinned on first use: list, forget
    "exposurecheck.cli.profile_cmd",  # NGO profile: show, check, confirm its key
    "exposurecheck.cli.history_cmd",
    "exposurecheck.cli.wipe_cmd",
    "exposurecheck.cli.kit_cmd",
    "exposurecheck.cli.diagnostics_cmd",  # support info; tests/frozen checks the bundled libsodium with it
)

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_ALL_FAILED = 3
EXIT_INTERNAL = 70
INSECURE_HTTP_HELP = (
    "allow plain http:// service and range URLs to other computers (UNSAFE: anyone on the network can read and "
    "change the answers; the window names such sources as unsafe). Loopback addresses never need it."
)


def add_insecure_http_argument(parser: argparse.ArgumentParser) -> None:
    """`--allow-insecure-http`, for the commands that go online (`check`, `gui`)."""
    parser.add_argument("--allow-insecure-http", action="store_true", help=INSECURE_HTTP_HELP)


def default_lang() -> str:
    return normalize_lang(os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG"))


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with `only` a parser that knows just that command (see `parser_for`)."""
    parser = argparse.ArgumentParser(
        prog="exposure-check",
        description="Check whether your details were in a data breach, and what to do about it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--verbose", action="store_true", help="log progress to stderr (never identifiers, hashes or prefixes)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        if only is not None and name != f"exposurecheck.cli.{only}_cmd":
            continue
        importlib.import_module(name).register(subparsers)
    return parser


def parser_for(args_list: Sequence[str]) -> argparse.ArgumentParser:
    """A parser for this command line. When the first word names a command whose module is `<word>_cmd`, only
    that module is imported: starting the app (`gui`, the default) then does not first import every other
    command's libraries (keyring, phone and email parsing, HTTP), which costs a few hundred ms before the window
    shows (bench/bench_frozen_start.py). Anything else (options first, an unknown word) gets the full parser."""
    if args_list and not args_list[0].startswith("-"):
        parser = build_parser(only=args_list[0])
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) and args_list[0] in action.choices:
                return parser
    return build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        args_list = ["gui"]
    parser = parser_for(args_list)
    args = parser.parse_args(args_list)
    lang = getattr(args, "lang", None) or default_lang()
    args.lang = lang
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    if getattr(args, "allow_insecure_http", False):
        from exposurecheck.core.http import allow_insecure_http_for_this_run

        allow_insecure_http_for_this_run()
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args))
    except UserError as exc:
        print_error(exc.message(lang))
        return EXIT_USAGE
    except KeyboardInterrupt:
        print_error(tr("cli.interrupted", lang))
        return 130
    except Exception as exc:  # last line of defence: a calm message, no traceback, no exception text
        print_error(tr("cli.internal_error", lang, code=type(exc).__name__))
        return EXIT_INTERNAL
