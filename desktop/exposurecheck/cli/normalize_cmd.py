"""`exposure-check normalize`: canonical forms for scripts and help desks, one JSON object per input line."""

from __future__ import annotations

import argparse
import sys

from exposurecheck.cli.output import print_json
from exposurecheck.core.errors import UserError
from exposurecheck.core.identifiers import IdentifierType, InvalidIdentifier, normalize
from exposurecheck.core.identifiers.phone import DEFAULT_REGION, is_region

TYPES = ("phone", "email", "cn-id", "username")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "normalize", help="print the canonical form of identifiers (values as arguments or one per line on stdin)"
    )
    parser.add_argument("--type", required=True, choices=TYPES)
    parser.add_argument("--region", default=DEFAULT_REGION, help="default country for phone numbers (default CN)")
    parser.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    parser.add_argument("values", nargs="*", metavar="VALUE")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not is_region(args.region):
        raise UserError("identifier.phone.bad_region", region=args.region)  # translated, exit 2, by main
    kind = IdentifierType.parse(args.type)
    values = args.values if args.values else (line.rstrip("\r\n") for line in sys.stdin)
    all_valid = True
    for raw in values:
        try:
            identifier = normalize(kind, raw, region=args.region)
        except InvalidIdentifier as exc:
            all_valid = False
            print_json({"ok": False, "type": kind.value, "code": exc.key, "error": exc.message(args.lang)})
        else:
            print_json({"ok": True, "type": kind.value, "canonical": identifier.canonical})
    return 0 if all_valid else 1
