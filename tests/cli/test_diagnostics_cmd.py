"""`exposure-check diagnostics` from a source checkout (tests/frozen runs it inside the bundle)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import REPO, run_cli


def test_diagnostics_json_from_source() -> None:
    result = run_cli("diagnostics", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["frozen"] is False
    assert info["bundle_root"] is None
    assert info["kit_root"] is None
    assert {"en", "zh_CN"} <= set(info["i18n_languages"])
    assert Path(info["resources_root"]) == REPO / "resources"
    # Not frozen, so the library cannot be inside a bundle; but it must have loaded.
    assert info["libsodium"]["path"]
    assert info["libsodium"]["inside_bundle"] is False
    assert info["keyring_backend"].startswith("keyring.backends.")


def test_diagnostics_reports_a_missing_libsodium_as_a_field(tmp_path: Path) -> None:
    result = run_cli("diagnostics", "--json", env={"EXPOSURECHECK_LIBSODIUM": str(tmp_path / "none.so")})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["libsodium"] == {"path": None, "inside_bundle": False, "error": "unavailable"}


def test_diagnostics_text_output() -> None:
    result = run_cli("diagnostics")
    assert result.returncode == 0, result.stderr
    assert "libsodium: path=" in result.stdout
