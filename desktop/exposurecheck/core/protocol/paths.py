"""Where everything of a service lives below its base URL (docs/protocol.md section 2).

Version 2 lives under `v2/`. A version 2 site also keeps a small `v1/manifest.json` whose envelope says version 2,
so a version 1 app tells its user to update instead of failing obscurely; a version 2 app that finds only a
version 1 site says that the service must be updated.
"""

from __future__ import annotations

ROOT = "v2/"
MANIFEST = "v2/manifest.json"
CATALOG = "v2/catalog.json"
EVAL = "v2/eval"
LEGACY_MANIFEST = "v1/manifest.json"
HISTORY = "v2/manifests"


def history_manifest(digest: bytes) -> str:
    """Every manifest a service has published, under the hash the next manifest names as `previous`."""
    return f"{HISTORY}/{digest.hex()}.json"


def bucket_name(prefix: int, prefix_bits: int) -> str:
    return f"{prefix:0{(prefix_bits + 3) // 4}x}.bin"


def epoch_folder(epoch_id: int) -> str:
    return f"v2/epochs/{epoch_id}"


def bucket_path(epoch_id: int, prefix: int, prefix_bits: int) -> str:
    """The path of a bucket below the service's base URL."""
    return f"{epoch_folder(epoch_id)}/buckets/{bucket_name(prefix, prefix_bits)}"
