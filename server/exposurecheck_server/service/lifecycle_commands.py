"""`exposure-check-admin service renew|manifest|sign|publish`: running a service for years (docs/service-operations.md).

- `renew`: the next manifest (new validity, same buckets), signed and published in one step on a machine that holds
  the signing key;
- `manifest --unsigned` → `sign` → `publish`: the same in three steps, for operators who keep the signing key on an
  offline machine: only a small JSON file travels to it and back.
All of them can announce keys for a rotation, withdraw announcements, or drop an old epoch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck.core.protocol import manifest as manifests
from exposurecheck.core.protocol.manifest import Manifest
from exposurecheck.core.trust.publisher_keys import fingerprint, read_public_key
from exposurecheck_server.language import admin_lang

if TYPE_CHECKING:
    from exposurecheck_server.service.renew import Renewal


def register(actions: argparse._SubParsersAction) -> None:
    renew = actions.add_parser("renew", help="publish the next manifest (new expiry) without records or OPRF keys")
    _site(renew)
    add_signing_arguments(renew)
    _changes(renew)
    renew.set_defaults(func=run_renew)

    manifest = actions.add_parser("manifest", help="write the next manifest for signing elsewhere")
    _site(manifest)
    manifest.add_argument(
        "--unsigned", action="store_true", required=True, help="write it unsigned (sign it with `service sign`)"
    )
    manifest.add_argument("--out", required=True, type=Path, metavar="FILE", help="where to write it")
    manifest.add_argument(
        "--publisher-key",
        type=Path,
        action="append",
        metavar="FILE.pub",
        help="a key that will sign it (repeat for two); default: the keys that signed the current manifest",
    )
    _changes(manifest)
    manifest.set_defaults(func=run_manifest)

    sign = actions.add_parser("sign", help="sign a manifest from `service manifest --unsigned` (offline machine)")
    sign.add_argument("--manifest", required=True, type=Path, metavar="FILE")
    add_signing_arguments(sign)
    sign.add_argument("--out", required=True, type=Path, metavar="FILE")
    sign.set_defaults(func=run_sign)

    publish = actions.add_parser("publish", help="check a signed manifest and make it the site's current one")
    _site(publish)
    publish.add_argument("--manifest", required=True, type=Path, metavar="FILE")
    publish.set_defaults(func=run_publish)


def _site(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", required=True, type=Path, metavar="SITE_DIR")


def add_signing_arguments(parser: argparse.ArgumentParser) -> None:
    """--signing-key (repeatable) and --passphrase-stdin, for every command that signs a manifest."""
    parser.add_argument(
        "--signing-key",
        required=True,
        type=Path,
        action="append",
        metavar="FILE",
        help="publisher.key; repeat to sign with two keys (a primary and a backup, or old and new in a change-over)",
    )
    parser.add_argument("--passphrase-stdin", action="store_true", help="read the signing key's passphrase from stdin")


def _changes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--valid-days", type=int, default=30, help="how long clients accept it (default 30)")
    parser.add_argument("--sequence", type=int, default=None, help="default: the current Unix time")
    parser.add_argument(
        "--announce-signing-key",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.pub",
        help="announce a publisher key that later manifests may be signed with",
    )
    parser.add_argument(
        "--announce-oprf-key",
        action="append",
        default=[],
        metavar="FILE|HEX",
        help="announce a matching key (its oprf.key file, or the public key keygen printed) for a later epoch",
    )
    parser.add_argument(
        "--withdraw-announcements", action="store_true", help="drop keys announced earlier and not yet used"
    )
    parser.add_argument(
        "--drop-epoch",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help="stop listing an old epoch (after its key change-over, once the old manifest has expired)",
    )


def _oprf_public(value: str) -> bytes:
    """A matching key's public half from an `oprf.key` file or from the hex that `keygen --oprf` printed."""
    text = value.strip().lower()
    if len(text) == 64 and all(c in "0123456789abcdef" for c in text):
        return bytes.fromhex(text)
    from exposurecheck_server.service.keyfiles import load_oprf_keypair

    return load_oprf_keypair(Path(value)).public


def _renewal(args: argparse.Namespace, publisher_keys: list[bytes] | None) -> Renewal:
    from exposurecheck_server.service.renew import Renewal

    return Renewal(
        valid_days=args.valid_days,
        sequence=args.sequence,
        publisher_keys=publisher_keys,
        announce_publisher_keys=[read_public_key(path) for path in args.announce_signing_key],
        announce_oprf_keys=[_oprf_public(value) for value in args.announce_oprf_key],
        withdraw_announcements=args.withdraw_announcements,
        drop_epochs=args.drop_epoch,
    )


def _signing_keys(args: argparse.Namespace) -> list:
    from exposurecheck_server.keys import load_signing_key, read_passphrase

    passphrase = read_passphrase() if args.passphrase_stdin else None
    return [load_signing_key(path, passphrase) for path in args.signing_key]


def run_renew(args: argparse.Namespace) -> int:
    from exposurecheck_server.service.renew import check_renewal, renew

    renewal = _renewal(args, None)
    check_renewal(args.site, renewal)  # a wrong argument fails here, before the passphrase is asked for
    keys = _signing_keys(args)
    manifest = renew(args.site, renewal, keys)
    _say("service.admin.renewed", sequence=manifest.sequence, expires=manifests.format_time(manifest.expires_at))
    return 0


def run_manifest(args: argparse.Namespace) -> int:
    from exposurecheck.core.protocol.canonical import canonical_json
    from exposurecheck_server.service.renew import next_payload

    publishers = [read_public_key(path) for path in args.publisher_key] if args.publisher_key else None
    _check_new(args.out)
    payload = next_payload(args.site, _renewal(args, publishers))
    _write_new(args.out, canonical_json(payload))
    _describe(manifests.parse_payload(canonical_json(payload)))
    _say("service.admin.unsigned_written", path=str(args.out))
    return 0


def run_sign(args: argparse.Namespace) -> int:
    from exposurecheck_server.service.renew import check_signable, sign

    data = _read(args.manifest)
    # Before the passphrase: a file that is not a manifest, or an --out that cannot be written, fails first.
    check_signable(data)
    _check_new(args.out)
    keys = _signing_keys(args)
    envelope = sign(data, keys)
    _describe(manifests.parse_payload(manifests.read_envelope(envelope).body))
    _write_new(args.out, envelope)
    _say("service.admin.signed_written", path=str(args.out))
    return 0


def run_publish(args: argparse.Namespace) -> int:
    from exposurecheck_server.service.renew import publish

    manifest = publish(args.site, _read(args.manifest))
    _say("service.admin.renewed", sequence=manifest.sequence, expires=manifests.format_time(manifest.expires_at))
    return 0


def _describe(manifest: Manifest) -> None:
    """What is about to be signed or published, so the person at the offline machine can read it before signing."""
    lang = admin_lang()  # the operator's locale, as for every other admin message
    lines = [
        tr("service.admin.describe.head", lang, sequence=manifest.sequence, service=manifest.service),
        tr(
            "service.admin.describe.validity",
            lang,
            issued=manifests.format_time(manifest.issued_at),
            expires=manifests.format_time(manifest.expires_at),
        ),
    ]
    for epoch in manifest.epochs:
        lines.append(tr("service.admin.describe.epoch", lang, epoch=epoch.id, key=fingerprint(epoch.public_key)[:19]))
    for key in manifest.publisher_keys:
        lines.append(tr("service.admin.describe.signer", lang, key=fingerprint(key)))
    for key in manifest.announced_publisher_keys:
        lines.append(tr("service.admin.describe.announced_signer", lang, key=fingerprint(key)))
    for key in manifest.announced_oprf_keys:
        lines.append(tr("service.admin.describe.announced_oprf", lang, key=fingerprint(key)[:19]))
    sys.stdout.write("\n".join(lines) + "\n")


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(manifests.MAX_ENVELOPE_BYTES + 1)
    except OSError:
        raise UserError("service.admin.manifest_unreadable", path=str(path)) from None
    if len(data) > manifests.MAX_ENVELOPE_BYTES:
        raise UserError("service.admin.not_a_manifest")
    return data


def _check_new(path: Path) -> None:
    """The checks `_write_new` will make, made early (the file is still created exclusively when written)."""
    if path.exists():
        raise UserError("service.admin.file_exists", path=str(path))
    if not path.parent.is_dir():
        raise UserError("service.admin.no_folder_for_file", folder=str(path.parent))


def _write_new(path: Path, data: bytes) -> None:
    try:
        with path.open("xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise UserError("service.admin.file_exists", path=str(path)) from None
    except OSError as exc:
        raise UserError("service.admin.write_failed", path=str(path), reason=exc.strerror or "") from None


def _say(key: str, **params: object) -> None:
    sys.stdout.write(tr(key, admin_lang(), **params) + "\n")
