"""Vault options shared by `check --save`, `history` and their passphrase fallback.

Messages about saving go to stderr, so `check --json` keeps stdout for the report alone. A passphrase is only read
from stdin (or a no-echo prompt on a terminal), never from an option, so it stays out of process lists.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from exposurecheck.cli.output import print_error
from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.identifiers import Identifier
from exposurecheck.core.report import Report

if TYPE_CHECKING:
    from exposurecheck.core.vault.store import Vault

# The vault and the keyring are imported only when a check is saved or the vault is opened: keyring alone costs
# ~50 ms at start-up, which every `check` would otherwise pay (bench/bench_cli_start.py).


def add_passphrase_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="protect saved checks with a passphrase instead of the system keyring; read from the next line of "
        "stdin (after the password, if --password-stdin is also given) or a no-echo prompt on a terminal",
    )


def add_save_arguments(parser: argparse.ArgumentParser) -> None:
    """`--save`, `--keep-identifiers`, `--note` and `--passphrase-stdin` for `check`."""
    parser.add_argument("--save", action="store_true", help="keep this check in the encrypted vault for follow-up")
    parser.add_argument(
        "--keep-identifiers",
        action="store_true",
        help="also keep the identifiers themselves (encrypted) for a later re-check; implies --save",
    )
    parser.add_argument(
        "--note",
        default="",
        metavar="TEXT",
        help="a short note saved with the check (do not put personal details here)",
    )
    add_passphrase_argument(parser)


def read_passphrase(lang: str, *, confirm: bool = False) -> str:
    """One passphrase from a no-echo prompt (asked twice when `confirm`) or the next line of stdin."""
    if sys.stdin.isatty():
        passphrase = getpass.getpass(tr("vault.passphrase_prompt", lang))
        if confirm and passphrase and getpass.getpass(tr("vault.passphrase_again", lang)) != passphrase:
            raise UserError("vault.passphrase_mismatch")
    else:
        passphrase = sys.stdin.readline().rstrip("\r\n")
    if not passphrase:
        raise UserError("vault.passphrase_empty")
    return passphrase


def open_vault(args: argparse.Namespace) -> Vault:
    """Open the vault the way the options say, and tell the person about any file that had to be set aside."""
    from exposurecheck.core.vault.store import Vault, vault_exists

    passphrase = None
    if getattr(args, "passphrase_stdin", False):
        passphrase = read_passphrase(args.lang, confirm=not vault_exists())
    vault = Vault.open(passphrase=passphrase)
    for moved in vault.set_aside:
        print_error(moved.message(args.lang))
    return vault


def save_after_check(report: Report, identifiers: Sequence[Identifier], args: argparse.Namespace) -> None:
    """Keep the check if `--save` (or `--keep-identifiers`) was given. Never raises: a check that ran is not
    undone by a failed save, and the exit code keeps reflecting the check."""
    if not (args.save or args.keep_identifiers):
        return
    from exposurecheck.core.vault.keystore import KeystoreUnavailable

    lang = args.lang
    try:
        vault = open_vault(args)
        check_id = vault.save_check(
            report, note=args.note, identifiers=tuple(identifiers) if args.keep_identifiers else None
        )
    except KeystoreUnavailable as exc:
        print_error(exc.message(lang))
        print_error(tr("vault.not_saved", lang))
        print_error(tr("vault.passphrase_hint", lang))
        return
    except UserError as exc:
        print_error(exc.message(lang))
        print_error(tr("vault.not_saved", lang))
        return
    key = "vault.saved_with_identifiers" if args.keep_identifiers else "vault.saved"
    print_error(tr(key, lang, id=check_id, path=str(vault.path)))
