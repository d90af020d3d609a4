"""`exposure-check service list | forget URL`: the lookup services this app has pinned (docs/protocol.md 3.3).

The app pins a lookup service's keys the first time it uses it and refuses an unannounced key change afterwards.
When the organisation that runs a service tells the person, out of band, that it really had to start again with new
keys, `forget` drops the pin; the next check then trusts the service again only through a publisher key the person
trusts (shipped with the app, `--trust`, or a confirmed NGO profile), exactly as on first use.
"""

from __future__ import annotations

import argparse
import sys

from exposurecheck.cli.output import print_json, safe_text
from exposurecheck.core.i18n import tr
from exposurecheck.core.sources.lookup_service_state import PinStore
from exposurecheck.core.trust.publisher_keys import fingerprint

EXIT_OK, EXIT_NOT_FOUND = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("service", help="lookup services this app has pinned (list, forget)")
    actions = parser.add_subparsers(dest="service_command", metavar="ACTION")
    listing = actions.add_parser("list", help="show each pinned lookup service and the keys it is pinned to")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    listing.set_defaults(func=run_list)
    forget = actions.add_parser("forget", help="drop a service's pin (only when its organisation asked you to)")
    forget.add_argument("url", metavar="URL", help="the service address, as given to --source service=URL")
    forget.add_argument("--lang", choices=("en", "zh_CN"), default=None)
    forget.set_defaults(func=run_forget)
    parser.set_defaults(func=lambda _args: parser.print_help() or 2)


def _say(text: str) -> None:
    sys.stdout.write(safe_text(text) + "\n")


def base_url(url: str) -> str:
    """The form the source pins under (core/sources/lookup_service.py)."""
    return url.strip().rstrip("/") + "/"


def run_list(args: argparse.Namespace) -> int:
    pins = PinStore().all()
    if args.json:
        print_json(
            [
                {
                    "url": url,
                    "sequence": pin.sequence,
                    "publisher_keys": sorted(fingerprint(k) for k in pin.publisher_keys),
                }
                for url, pin in sorted(pins.items())
            ]
        )
        return EXIT_OK
    if not pins:
        _say(tr("service.cli.pins.none", args.lang))
    for url, pin in sorted(pins.items()):
        keys = ", ".join(sorted(fingerprint(k) for k in pin.publisher_keys))
        _say(tr("service.cli.pins.entry", args.lang, url=url, sequence=pin.sequence, keys=keys))
    return EXIT_OK


def run_forget(args: argparse.Namespace) -> int:
    url = base_url(args.url)
    if PinStore().forget(url):
        _say(tr("service.cli.forgot", args.lang, url=url))
        return EXIT_OK
    _say(tr("service.cli.not_pinned", args.lang, url=url))
    return EXIT_NOT_FOUND
