"""The service's secret key files, read into key pairs: a matching key (`oprf.key`, one per epoch) and the long-lived
bucketing key (`bucketing.key`), both written by `exposure-check-admin keygen`. Used by build, serve and verify
(commands.py) and by the lifecycle commands that announce a matching key (lifecycle_commands.py)."""

from __future__ import annotations

from pathlib import Path

from exposurecheck.core.crypto import oprf, sodium
from exposurecheck.core.errors import UserError


def load_oprf_keypair(path: Path) -> oprf.KeyPair:
    """The key pair for an `oprf.key` file written by `keygen --oprf`."""
    from exposurecheck_server.keys import load_oprf_key

    return _keypair(load_oprf_key(path), path)


def load_bucketing_keypair(path: Path) -> oprf.KeyPair:
    """The key pair for a `bucketing.key` file written by `keygen --bucketing`."""
    from exposurecheck_server.keys import load_bucketing_key

    return _keypair(load_bucketing_key(path), path)


def _keypair(secret: bytes, path: Path) -> oprf.KeyPair:
    if secret == bytes(32) or not sodium.is_canonical_scalar(secret):
        raise UserError("service.admin.key_unreadable", path=str(path))
    return oprf.KeyPair(secret=secret, public=oprf.public_key(secret))
