"""`exposure-check-admin`: the operator command. Each module below adds its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from exposurecheck import __version__
from exposurecheck.core.errors import UserError
from exposurecheck_server.language import admin_lang

COMMAND_MODULES = (
    "exposurecheck_server.keys",  # keygen (publisher Ed25519 keys, --oprf keys)
    "exposurecheck_server.pack.commands",  # pack build
    "exposurecheck_server.service.commands",  # service build / serve
    "exposurecheck_server.profile.commands",  # profile build (NGO profiles)
    "exposurecheck_server.kit.commands",  # kit build (USB kits)
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="exposure-check-admin", description="Exposure Check operator tools.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except UserError as exc:
        sys.stderr.write(exc.message(admin_lang()) + "\n")  # the operator's locale: English unless Chinese
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # Operators feed breach dumps through this tool: an exception's text (or a traceback's locals) could quote
        # a row of someone's data, so only the exception's type is printed, as the desktop CLI does.
        sys.stderr.write(f"exposure-check-admin: internal error ({type(exc).__name__}); no output was finished.\n")
        return 70
