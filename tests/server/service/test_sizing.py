"""Sites sized to their data (issue 15.5): a 1,000-row site was 65,538 files and 258 MB; every privacy property kept."""

from __future__ import annotations

from pathlib import Path

from exposurecheck.core.protocol import bucket as buckets
from exposurecheck.core.protocol import privacy
from exposurecheck_server.service.site import read_site_manifest
from tests.conftest import REPO, run_cli
from tests.server.service.site_helpers import breach_ids, build, make_keys


def test_a_thousand_row_site_is_small_and_keeps_every_property(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    rows = ["phone,email"] + [f"1380013{n:04d},person{n}@example.net" for n in range(1000)]
    (tmp_path / "leak.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    site = tmp_path / "site"
    built = run_cli(
        "service", "build", "--input", str(tmp_path / "leak.csv"), "--format", "csv", "--map", "phone=1,email=2",
        "--breach", breach_ids()[0], "--catalog", str(REPO / "resources" / "catalog" / "breaches.json"),
        "--oprf-key", str(keys.oprf_key), "--bucketing-key", str(keys.bucketing_key),
        "--signing-key", str(keys.signing_key), "--out", str(site),
        admin=True,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    assert len(files) < 5000 and size < 20 * 1024 * 1024  # the bar; in fact:
    assert len(files) <= 16 and size < 200 * 1024
    manifest = read_site_manifest(site)
    epoch = manifest.epoch()
    # 2,000 identifiers fit one block of 8 buckets: every check fetches the whole site, revealing nothing.
    assert (epoch.prefix_bits, manifest.buckets_per_check, manifest.batch_size) == (3, 8, 8)
    sizes = {p.stat().st_size for p in (site / "v2" / "epochs" / "1" / "buckets").iterdir()}
    assert sizes == {epoch.bucket_bytes}  # equal bucket sizes, padded to the fullest
    assert epoch.bucket_entries * 8 >= epoch.record_count
    privacy.check_floors(manifest)  # what every client enforces
    assert "Anonymity set per check" in built.stdout and "reveals 0 bits" in built.stdout


def test_the_bucket_count_grows_with_the_data_and_stays_within_the_floors(tmp_path: Path) -> None:
    keys = make_keys(tmp_path / "keys")
    site = build(keys, tmp_path / "site", prefix_bits=None, filler=20_000, workers=2)
    manifest = read_site_manifest(site)
    epoch = manifest.epoch()
    # About 1,000 entries per bucket: 20,007 identifiers (20,008 records) -> 2^5 buckets of ~625.
    assert epoch.prefix_bits == 5
    assert privacy.revealed_bits(epoch.prefix_bits, manifest.buckets_per_check) == 2
    assert len(list((site / "v2" / "epochs" / "1" / "buckets").iterdir())) == 32
    assert epoch.bucket_bytes == buckets.file_size(epoch.bucket_entries, 5)
    privacy.check_floors(manifest)
