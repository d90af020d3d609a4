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


# --- built the same way every time --------------------------------------------------------------------------------

_USES = re.compile(r"^\s*-?\s*uses:\s*(\S+?)(?:\s+#\s*(\S+))?\s*$", re.MULTILINE)


def test_every_action_is_pinned_by_commit_sha_with_its_tag_in_a_comment() -> None:
    for workflow_file in sorted((REPO / ".github" / "workflows").glob("*.y*ml")):
        found = _USES.findall(workflow_file.read_text(encoding="utf-8"))
        assert found, workflow_file
        for reference, tag in found:
            action, _, ref = reference.partition("@")
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{workflow_file.name}: {reference} is not pinned by SHA"
            assert re.fullmatch(r"v\d+(\.\d+)*", tag or ""), f"{workflow_file.name}: {action} needs '# vX.Y.Z'"


def test_python_packages_come_from_the_hashed_lock(workflow: dict[str, Any]) -> None:
    installs = [
        line.strip()
        for job in workflow["jobs"]
        for step in steps(workflow, job)
        for line in step.get("run", "").splitlines()
        if "pip install" in line
    ]
    assert installs
    for line in installs:
        locked = "--require-hashes -r requirements/" in line
        project_only = "--no-deps" in line and "--no-build-isolation" in line
        assert locked or project_only, line
    assert (REPO / "requirements" / "dev.txt").is_file()


def test_libsodium_downloads_are_immutable_archives_with_checksums(workflow: dict[str, Any]) -> None:
    env = workflow["env"]
    for kind in ("MSVC_ZIP", "TARBALL"):
        url, digest = env[f"LIBSODIUM_{kind}_URL"], env[f"LIBSODIUM_{kind}_SHA256"]
        # A release tag's archive, never the -stable ones that are rebuilt in place.
        assert "-stable" not in url and f"/{env['LIBSODIUM_VERSION']}-RELEASE/" in url, url
        assert re.fullmatch(r"[0-9a-f]{64}", digest), kind
    text = WORKFLOW.read_text(encoding="utf-8")
    assert text.count("sha256sum -c -") + text.count("shasum -a 256 -c -") >= 2


def test_the_deb_is_built_and_installed_on_a_clean_debian(workflow: dict[str, Any]) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "scripts/build_bundle.sh --deb-only" in text
    job = workflow["jobs"]["deb-install"]
    assert job["container"] == "debian:12"
    script = "\n".join(step.get("run", "") for step in job["steps"])
    for action in ("apt-get install", "gui --self-test", "check --source demo", "dpkg -r exposure-check"):
        assert action in script, action
    assert "deb-install" in workflow["jobs"]["publish"]["needs"]


def test_the_chinese_installer_messages_are_in_the_repository() -> None:
    iss = (REPO / "packaging" / "windows" / "exposure-check.iss").read_text(encoding="utf-8")
    assert 'MessagesFile: "ChineseSimplified.isl"' in iss
    data = (REPO / "packaging" / "windows" / "ChineseSimplified.isl").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "Inno Setup 6 reads UTF-8 only with a byte-order mark"
    text = data.decode("utf-8-sig")
    assert "LanguageID=$0804" in text and "您" not in text  # the app addresses the reader as 你
    messages = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith(";"))
    for name in ("WelcomeLabel1", "ButtonNext", "ButtonInstall", "FinishedLabel", "ConfirmUninstall", "LaunchProgram"):
        assert re.search(r"[\u4e00-\u9fff]", messages[name]), name
