"""`exposure-check-admin service verify`: a complete site passes; a damaged, incomplete or foreign one does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.server.service.site_helpers import Keys, build, make_keys


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    return make_keys(tmp_path / "keys")


def verify(site: Path, pub: Path) -> tuple[int, str, str]:
    result = run_cli("service", "verify", "--site", str(site), "--trust", str(pub), admin=True)
    return result.returncode, result.stdout, result.stderr


def test_complete_site_passes(keys: Keys, tmp_path: Path) -> None:
    site = build(keys, tmp_path / "site", filler=20)
    code, out, err = verify(site, keys.publisher_pub)
    assert code == 0, err
    assert "complete and consistent" in out


def test_damaged_missing_and_foreign(keys: Keys, tmp_path: Path) -> None:
    site = build(keys, tmp_path / "site", filler=20)
    other = make_keys(tmp_path / "other")
    code, _, err = verify(site, other.publisher_pub)
    assert code == 2
    assert "not signed by a publisher" in err

    bucket = site / "v2" / "epochs" / "1" / "buckets" / "7f.bin"
    data = bytearray(bucket.read_bytes())
    data[30] ^= 1
    bucket.write_bytes(bytes(data))
    code, _, err = verify(site, keys.publisher_pub)
    assert code == 2
    assert "does not match what the publisher signed" in err

    bucket.unlink()
    code, _, err = verify(site, keys.publisher_pub)
    assert code == 2
    assert "missing" in err
    assert "Traceback" not in err
