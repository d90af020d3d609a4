"""The release workflow cannot run here, so it is linted here: GitHub's workflow schema (vendored by
check-jsonschema, no network), every shell step through `bash -n`, and the cross-references that break silently
(secrets documented, files it names exist, the Windows executable names match build.spec)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "release.yml"
RELEASING = REPO / "docs" / "releasing.md"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml comes with check-jsonschema (dev dependency)")
    return yaml.YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def test_matches_githubs_workflow_schema() -> None:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is a dev dependency")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_shell_step_parses(workflow: dict[str, Any]) -> None:
    bash = shutil.which("bash")
    assert bash
    for job in workflow["jobs"]:
        for step in steps(workflow, job):
            if "run" not in step:
                continue
            # ${{ ... }} is replaced by GitHub before bash sees the script.
            script = re.sub(r"\$\{\{[^}]*\}\}", "PLACEHOLDER", step["run"])
            result = subprocess.run([bash, "-n"], input=script, capture_output=True, text=True, check=False)
            assert result.returncode == 0, f"{job} / {step.get('name')}: {result.stderr}"


def test_matrix_builds_windows_macos_and_linux(workflow: dict[str, Any]) -> None:
    matrix = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
    runners = " ".join(entry["os"] for entry in matrix)
    for family in ("windows", "macos", "ubuntu"):
        assert family in runners
    text = WORKFLOW.read_text(encoding="utf-8")
    for wrapper in ("ISCC.exe", "hdiutil create", "tar --owner=0", "notarytool submit", "signtool"):
        assert wrapper in text, wrapper
    assert workflow["on"]["push"]["tags"] == ["v*"]


def test_the_bundle_is_checked_before_it_is_wrapped(workflow: dict[str, Any]) -> None:
    names = [step.get("name", "") for step in steps(workflow, "build")]
    build = names.index("Build the one-folder bundle")
    checks = [i for i, name in enumerate(names) if name.startswith("Check the bundle as built")]
    wraps = [i for i, name in enumerate(names) if re.match(r"Sign|Windows installer|Linux tarball", name)]
    assert checks and wraps
    assert build < min(checks) and max(checks) < min(wraps)
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "gui --self-test" in text
    assert "scripts/build_bundle.sh --check" in text


def test_secrets_and_variables_are_documented() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    docs = RELEASING.read_text(encoding="utf-8")
    used = set(re.findall(r"\b(?:secrets|vars)\.([A-Z0-9_]+)", text))
    assert used, "the workflow uses no secrets: where did signing go?"
    missing = sorted(name for name in used if f"`{name}`" not in docs)
    assert not missing, missing


def test_signing_steps_refuse_unsigned_tag_builds(workflow: dict[str, Any]) -> None:
    for step in steps(workflow, "build"):
        name = step.get("name", "")
        if name.startswith("Sign"):
            assert "ALLOW_UNSIGNED" in step["run"] and "exit 1" in step["run"], name


def test_files_the_release_needs_exist() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for relative in ("build.spec", "packaging/windows/exposure-check.iss", "scripts/build_bundle.sh"):
        assert relative in text
        assert (REPO / relative).is_file(), relative
    assert "tests/frozen" in text and (REPO / "tests" / "frozen").is_dir()


def test_windows_executable_names_match_build_spec() -> None:
    spec = (REPO / "build.spec").read_text(encoding="utf-8")
    workflow = WORKFLOW.read_text(encoding="utf-8")
    iss = (REPO / "packaging" / "windows" / "exposure-check.iss").read_text(encoding="utf-8")
    assert 'APP_NAME = "exposure-check"' in spec and 'name=f"{APP_NAME}-cli"' in spec
    assert "exposure-check-cli.exe" in workflow and "dist/exposure-check/exposure-check.exe" in workflow
    assert '#define AppExe "exposure-check.exe"' in iss
    assert '#define BundleDir "..\\..\\dist\\exposure-check"' in iss
    assert "OutputBaseFilename=exposure-check-{#AppVersion}-windows-x64-setup" in iss
    assert "exposure-check-$VERSION-windows-x64-setup.exe" in workflow
