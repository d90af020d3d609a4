"""`exposure-check-admin service build|serve|verify` (registered by exposurecheck_server.cli); the commands that keep
a service running over time (renew, manifest, sign, publish) are in lifecycle_commands.py."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from exposurecheck.core.errors import UserError
from exposurecheck.core.i18n import tr
from exposurecheck_server.ingest import add_input_arguments
from exposurecheck_server.language import admin_lang
from exposurecheck_server.service import lifecycle_commands
from exposurecheck_server.service.keyfiles import load_bucketing_keypair, load_oprf_keypair
from exposurecheck_server.spark.pack_command import add_engine_arguments

BUCKETING_HELP = "the service's long-lived bucketing key (keygen --bucketing; the same for every epoch, never changed)"
RATE_HELP = "evaluations per minute per client (default 240; an IPv6 /48 gets 16 times that in all)"


def register(subparsers: argparse._SubParsersAction) -> None:
    service = subparsers.add_parser("service", help="build or serve a lookup service (docs/protocol.md)")
    actions = service.add_subparsers(dest="service_command", metavar="ACTION")
    _register_build(actions)
    _register_serve(actions)
    _register_verify(actions)
    lifecycle_commands.register(actions)
    service.set_defaults(func=lambda _args: (service.print_help(), 2)[1])


def _register_serve(actions: argparse._SubParsersAction) -> None:
    serve = actions.add_parser("serve", help="serve a built site and the /v2/eval endpoint (development, small sites)")
    serve.add_argument("--site", required=True, type=Path, metavar="SITE_DIR")
    serve.add_argument(
        "--oprf-key",
        required=True,
        type=Path,
        action="append",
        metavar="FILE",
        help="a matching key (oprf.key); give two during a key change-over (old and new epoch)",
    )
    serve.add_argument("--bucketing-key", required=True, type=Path, metavar="FILE", help=BUCKETING_HELP)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080, help="0 picks a free port (printed on start)")
    serve.add_argument("--rate", type=float, default=240, help=RATE_HELP)
    serve.add_argument("--burst", type=int, default=64, help="evaluations a client may make at once (default 64)")
    serve.add_argument(
        "--trust-forwarded-for",
        action="store_true",
        help="behind nginx: rate-limit by X-Forwarded-For (only when nothing but the proxy can reach this port)",
    )
    serve.set_defaults(func=run_serve)


def _register_build(actions: argparse._SubParsersAction) -> None:
    build = actions.add_parser("build", help="build a static lookup-service site from breach records")
    add_input_arguments(build)
    build.add_argument("--breach", required=True, metavar="ID", help="catalog id of the breach the records come from")
    build.add_argument("--catalog", required=True, type=Path, metavar="FILE")
    build.add_argument("--oprf-key", required=True, type=Path, metavar="FILE", help="the epoch's matching key")
    build.add_argument("--bucketing-key", required=True, type=Path, metavar="FILE", help=BUCKETING_HELP)
    lifecycle_commands.add_signing_arguments(build)
    build.add_argument("--out", required=True, type=Path, metavar="SITE_DIR")
    build.add_argument(
        "--prefix-bits", type=int, default=None, help="default: chosen from the record count (3-20 bits)"
    )
    build.add_argument("--epoch", type=int, default=None, help="default: 1, or the newest previous epoch plus one")
    build.add_argument(
        "--previous-site",
        type=Path,
        default=None,
        metavar="SITE_DIR",
        help="the service's current site: continue its history (every build of a running service needs it)",
    )
    build.add_argument("--sequence", type=int, default=None, help="default: the current Unix time")
    build.add_argument("--valid-days", type=int, default=30)
    build.add_argument("--name", default="Exposure Check lookup service", help="service name shown to users")
    build.add_argument("--workers", type=int, default=None, help="evaluation processes (default: all cores)")
    build.add_argument("--workdir", type=Path, default=None, help="folder for temporary files (default: next to --out)")
    build.add_argument("--batch-size", type=int, default=8, help="elements in every eval request (default 8)")
    build.add_argument("--buckets-per-check", type=int, default=8, help="buckets fetched per check (default 8)")
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    build.add_argument("--quiet", action="store_true", help="no progress on stderr (it is shown on terminals only)")
    add_engine_arguments(build)
    build.add_argument(
        "--executor-oprf-key",
        default=None,
        metavar="PATH",
        help="--engine spark: the matching key's path as the executors see it (default: --oprf-key; docs/scale.md)",
    )
    build.add_argument(
        "--executor-bucketing-key",
        default=None,
        metavar="PATH",
        help="--engine spark: the bucketing key's path as the executors see it (default: --bucketing-key)",
    )
    build.set_defaults(func=run_build)


def _register_verify(actions: argparse._SubParsersAction) -> None:
    verify = actions.add_parser("verify", help="check a built site completely before uploading it")
    verify.add_argument("--site", required=True, type=Path, metavar="SITE_DIR")
    verify.add_argument("--trust", required=True, type=Path, action="append", metavar="FILE.pub")
    verify.set_defaults(func=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    """Everything a client checks, over every bucket of every epoch: signature, sizes, headers, Merkle proofs."""
    from exposurecheck.core.protocol import paths, privacy
    from exposurecheck.core.protocol.bucket import bucket_path, parse_bucket
    from exposurecheck.core.protocol.manifest import open_envelope
    from exposurecheck.core.trust.publisher_keys import read_public_key

    trusted = [read_public_key(path) for path in args.trust]
    try:
        envelope = (args.site / paths.MANIFEST).read_bytes()
    except OSError:
        raise UserError("service.admin.site_missing", path=str(args.site)) from None
    manifest = open_envelope(envelope, trusted)
    privacy.check_floors(manifest)
    for epoch in manifest.epochs:
        for prefix in range(epoch.bucket_count):
            try:
                data = (args.site / bucket_path(epoch.id, prefix, epoch.prefix_bits)).read_bytes()
            except OSError:
                raise UserError("service.admin.bucket_missing", epoch=epoch.id) from None
            parse_bucket(data, epoch, prefix)
    lang = admin_lang()
    epochs = tr("service.admin.verified.epochs", lang, count=len(manifest.epochs))
    line = tr("service.admin.verified", lang, epochs=epochs, sequence=manifest.sequence)
    sys.stdout.write(line + "\n")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from exposurecheck_server.service.server import ServiceServer, make_config

    keys = [load_oprf_keypair(path) for path in args.oprf_key]
    config = make_config(
        args.site,
        keys,
        load_bucketing_keypair(args.bucketing_key),
        per_minute=args.rate,
        burst=args.burst,
        trust_forwarded_for=args.trust_forwarded_for,
    )
    try:
        server = ServiceServer(config, args.host, args.port)
    except OSError as exc:
        raise UserError(
            "service.admin.cannot_listen", host=args.host, port=args.port, reason=exc.strerror or ""
        ) from None
    line = tr("service.admin.serving", admin_lang(), path=str(args.site), host=server.host, port=server.port)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()  # tests and scripts read the port from this line
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


def run_build(args: argparse.Namespace) -> int:
    from exposurecheck.core.catalog import catalog_from_json, catalog_to_json
    from exposurecheck_server.ingest import IngestStats, check_inputs, identifiers, options_from_args
    from exposurecheck_server.ingest.progress import TerminalProgress
    from exposurecheck_server.ingest.summary import BuildOutput, summary_json, summary_table
    from exposurecheck_server.keys import load_signing_key, read_passphrase
    from exposurecheck_server.service.build import BuildSettings, build_site, check_breaches, plan_epoch

    started = time.monotonic()
    lang = admin_lang()
    options = options_from_args(args)  # a bad --map, --region or --format fails here, before any work
    try:
        catalog_bytes = args.catalog.read_bytes()
    except OSError:
        raise UserError("service.admin.catalog_unreadable", path=str(args.catalog)) from None
    catalog = json.loads(catalog_to_json(catalog_from_json(catalog_bytes)))
    settings = BuildSettings(
        oprf_key=load_oprf_keypair(args.oprf_key),
        bucketing_key=load_bucketing_keypair(args.bucketing_key),
        signing_keys=[],  # unlocked below, once every argument has been checked
        catalog=catalog,
        service_name=args.name,
        epoch_id=args.epoch,
        previous_site=args.previous_site,
        prefix_bits=args.prefix_bits,
        sequence=args.sequence,
        valid_days=args.valid_days,
        workers=args.workers,
        workdir=args.workdir or args.out.parent,
        batch_size=args.batch_size,
        buckets_per_check=args.buckets_per_check,
    )
    if args.workdir is not None and not args.workdir.is_dir():
        raise UserError("service.admin.no_folder", folder=str(args.workdir))
    # Every argument before the passphrase is asked for (a wrong --valid-days, --out, --breach or input fails on
    # the argument): parameters, output folder, previous site and the continuity of the OPRF keys first, then the
    # breach and the input files. The signing keys' continuity is checked once they are unlocked, by the build.
    _check_out(args.out)
    plan_epoch(args.out, settings)
    check_breaches([args.breach], catalog)
    check_inputs(options)
    passphrase = read_passphrase() if args.passphrase_stdin else None
    settings = replace(settings, signing_keys=[load_signing_key(path, passphrase) for path in args.signing_key])
    stats = IngestStats()
    progress = TerminalProgress(lang, enabled=False if args.quiet else None)
    try:
        with _building(args.out) as building:
            if args.engine == "spark":  # the same build as a Spark job (server/exposurecheck_server/spark/)
                from exposurecheck_server.spark.service_command import build_with_spark

                summary = build_with_spark(args, options, building, settings, stats, progress.stage)
            else:
                # A UTF-16 input's UTF-8 spool goes beside the site, not beside the input (which may be read-only).
                values = identifiers(options, stats, progress=progress.reading, scratch=args.out.parent)
                records = ((v, args.breach) for v in values)
                summary = build_site(records, building, settings, progress=progress.stage)
    finally:
        progress.finish()
    # Where it went and its shape, numbers formatted as the pack summary's; the record count has its own row. The
    # sequence stays unformatted: it is a name operators compare with `service list` and the manifest.
    message = tr(
        "service.admin.output",
        lang,
        epoch=summary.epoch_id,
        buckets=f"{summary.buckets:,}",
        size=f"{summary.bucket_bytes:,}",
        bits=summary.prefix_bits,
        sequence=summary.sequence,
        path=str(args.out),
    )
    output = BuildOutput(
        builder="service",
        entries=summary.records,
        output_line=message,
        details={
            "engine": args.engine,  # as the pack build's summary says it
            "site": str(args.out),
            "epoch": summary.epoch_id,
            "distinct_identifiers": summary.identifiers,
            "buckets": summary.buckets,
            "bucket_bytes": summary.bucket_bytes,
            "prefix_bits": summary.prefix_bits,
            "sequence": summary.sequence,
            "revealed_bits": summary.revealed_bits,
        },
    )
    seconds = time.monotonic() - started
    if args.json:
        sys.stdout.write(summary_json(stats, output, seconds))
    else:
        sys.stdout.write(summary_table(stats, output, seconds, lang))
        sys.stdout.write(anonymity_lines(summary.revealed_bits, summary.buckets_per_check) + "\n")
    return 0


def _check_out(out: Path) -> None:
    if not out.parent.is_dir():
        raise UserError("service.admin.no_folder", folder=str(out.parent))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UserError("service.admin.out_not_empty", path=str(out))


@contextmanager
def _building(out: Path) -> Iterator[Path]:
    """A folder beside `out` to build in, renamed to `out` only when the build has finished: a build that fails
    (too few rows accepted, a full disk, Ctrl+C) leaves no site behind, not even half of one."""
    _check_out(out)
    building = out.parent / f".{out.name}.building-{os.getpid()}"
    try:
        yield building
        if out.exists():
            out.rmdir()  # empty, checked above
        building.rename(out)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def anonymity_lines(revealed_bits: int, buckets_per_check: int) -> str:
    """The anonymity set per check, as the app shows it: what the fetches could narrow an identifier down to."""
    from exposurecheck.core.identifiers import IdentifierType
    from exposurecheck.core.protocol import privacy

    counts = {
        kind.value: privacy.rounded(privacy.candidates(kind, revealed_bits) or 0)
        for kind in (IdentifierType.PHONE, IdentifierType.CN_ID, IdentifierType.EMAIL)
    }
    return tr("service.admin.anonymity", admin_lang(), per_check=buckets_per_check, bits=revealed_bits, **counts)
