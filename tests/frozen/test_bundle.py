"""The PyInstaller bundle in dist/exposure-check/, tested as built: started as a separate process, with a clean
environment, exactly as a person's double-click or the installer's smoke test would start it.

Build it first with `scripts/build_bundle.sh --build` (CI builds it before running the suite); without a bundle
every test here skips and says so (under CI, which must test the bundle, it fails instead).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from exposurecheck import __version__
from tests.conftest import REPO
from tests.support.ci import required

pytestmark = pytest.mark.frozen

BUNDLE = Path(os.environ.get("EXPOSURECHECK_BUNDLE", REPO / "dist" / "exposure-check"))
# On Windows the console twin of the windowed exposure-check.exe (see build.spec) is the one with stdout.
EXE = BUNDLE / ("exposure-check-cli.exe" if sys.platform == "win32" else "exposure-check")
INTERNAL = BUNDLE / "_internal"
MAX_BUNDLE_MB = 200
RUN_TIMEOUT = 180


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not EXE.is_file():
        required(f"no frozen bundle at {BUNDLE}: build it with scripts/build_bundle.sh --build")
    return BUNDLE


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """A minimal environment: a fresh HOME, no overrides that would let the bundle use files from the checkout."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "TMPDIR": str(tmp_path),
    }
    # Deliberately absent: PYTHONPATH, PYTHONHOME, EXPOSURECHECK_LIBSODIUM, EXPOSURECHECK_RESOURCES, proxies.
    for name in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "SYSTEMROOT"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run(
    exe: Path, *args: str, env: dict[str, str], wrapper: tuple[str, ...] = (), stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*wrapper, str(exe), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=RUN_TIMEOUT,
        check=False,
        cwd=env["HOME"],
    )


def bundled_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() or p.is_symlink())


def bundled_modules(exe: Path) -> list[str]:
    """Every Python module frozen into the executable's archive (what `pyi-archive_viewer` lists)."""
    from PyInstaller.archive.readers import CArchiveReader

    return list(CArchiveReader(str(exe)).open_embedded_archive("PYZ.pyz").toc)


# --- starting and checking -----------------------------------------------------------------------------------------


def test_version(bundle: Path, clean_env: dict[str, str]) -> None:
    result = run(EXE, "--version", env=clean_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"exposure-check {__version__}"


def test_libsodium_is_the_bundled_copy(bundle: Path, clean_env: dict[str, str]) -> None:
    result = run(EXE, "diagnostics", "--json", env=clean_env)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["frozen"] is True
    assert Path(info["bundle_root"]).resolve() == INTERNAL.resolve()
    sodium = info["libsodium"]
    assert sodium["error"] is None, "the frozen app could not load libsodium"
    # The path the dynamic loader really mapped (dladdr), so a silent fall-back to the host's copy fails here.
    assert Path(sodium["path"]).resolve().is_relative_to(bundle.resolve()), sodium["path"]
    assert sodium["inside_bundle"] is True
    assert Path(info["resources_root"]).resolve() == (INTERNAL / "resources").resolve()


def test_keyring_finds_the_secret_service_when_frozen(bundle: Path, clean_env: dict[str, str]) -> None:
    """keyring picks backends through entry points (package metadata) and imports them by name: a bundle missing
    either silently falls back to the fail backend, and then nothing can ever be saved."""
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        pytest.skip("needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring)")
    env = {k: v for k, v in clean_env.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")}
    script = 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$0" diagnostics --json'
    result = run(EXE, env=env, wrapper=("dbus-run-session", "--", "sh", "-c", script))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["keyring_backend"] == "keyring.backends.SecretService.Keyring"


def _source_has(*parts: str) -> bool:
    return REPO.joinpath(*parts).exists()


def _has_demo_data() -> bool:
    return _source_has("resources", "packs", "demo.ecpack") and _source_has("resources", "training", "identities.json")


def test_gui_self_test_passes(bundle: Path, clean_env: dict[str, str]) -> None:
    if not _source_has("desktop", "exposurecheck", "gui", "self_test.py"):
        pytest.skip("the GUI self-test is not part of this checkout yet")
    if not _has_demo_data():
        pytest.skip("the demo pack and training identities the self-test checks are not part of this checkout yet")
    result = run(EXE, "gui", "--self-test", env=clean_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test: OK" in result.stdout


def test_gui_self_test_fails_when_about_has_no_notices(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    """The self-test (what the installers' and the .deb's checks run) opens About: a bundle without its notices
    fails it, so "About shows the licence and the notices" is checked on every installed copy (issue 17.2)."""
    if sys.platform == "win32":
        pytest.skip("a linked copy of the bundle: POSIX hard links")
    copy = tmp_path / "bundle"
    # Hard links: quick, and the original untouched (unlinking a link leaves the file); Python's own, since the
    # release workflow runs this on macOS too, whose older cp has no -l.
    shutil.copytree(bundle, copy, symlinks=True, copy_function=os.link)
    (copy / "_internal" / "licenses" / "THIRD-PARTY-NOTICES.txt").unlink()
    result = run(copy / EXE.name, "gui", "--self-test", env=clean_env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "About does not show the third-party notices" in result.stderr


def _demo_phone() -> str:
    document = json.loads((INTERNAL / "resources" / "training" / "identities.json").read_text(encoding="utf-8"))
    entries = document.get("identities", []) if isinstance(document, dict) else document
    phones = [entry["phone"] for entry in entries if isinstance(entry, dict) and isinstance(entry.get("phone"), str)]
    assert phones, "no demo identity with a phone number in the bundled identities.json"
    return phones[0]


def test_cli_check_finds_the_demo_identity_in_the_demo_pack(bundle: Path, clean_env: dict[str, str]) -> None:
    if not _has_demo_data():
        pytest.skip("the demo pack and training identities are not part of this checkout yet")
    assert (INTERNAL / "resources" / "packs" / "demo.ecpack").is_file(), "demo pack missing from the bundle"
    # A made-up training identity: safe on a command line.
    result = run(EXE, "check", "--source", "demo", "--phone", _demo_phone(), "--json", env=clean_env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["exposures"], "the demo identity was not found in the bundled demo pack"


def test_messages_are_translated_when_frozen(bundle: Path, clean_env: dict[str, str]) -> None:
    # Loads the i18n JSON through resource_path() inside the bundle: a missing or misplaced folder shows the key.
    zh = run(EXE, "check", "--lang", "zh_CN", env=clean_env)
    en = run(EXE, "check", "--lang", "en", env=clean_env)
    assert zh.returncode == en.returncode == 2
    assert "check.no_identifiers" not in zh.stderr + en.stderr
    assert re.search(r"[\u4e00-\u9fff]", zh.stderr), zh.stderr
    assert "Nothing to check" in en.stderr


# --- what is (and is not) inside --------------------------------------------------------------------------------


def test_translations_and_resources_are_bundled(bundle: Path) -> None:
    i18n = INTERNAL / "resources" / "i18n"
    source_areas = {p.name for p in (REPO / "resources" / "i18n").glob("*.json")}
    bundled_areas = {p.name for p in i18n.glob("*.json")}
    assert source_areas <= bundled_areas, sorted(source_areas - bundled_areas)
    for area in {name.split(".")[0] for name in bundled_areas}:
        assert (i18n / f"{area}.en.json").is_file() and (i18n / f"{area}.zh_CN.json").is_file(), area
    # Everything under resources/ in the checkout is in the bundle, byte for byte.
    for relative in bundled_files(REPO / "resources"):
        bundled = INTERNAL / "resources" / relative
        stale = f"{relative}: the bundle is older than the checkout; rebuild it (scripts/build_bundle.sh --build)"
        assert bundled.is_file(), stale
        assert bundled.read_bytes() == (REPO / "resources" / relative).read_bytes(), stale


def test_qt_chinese_translation_is_bundled_when_qt_is(bundle: Path) -> None:
    if not (INTERNAL / "PySide6").is_dir():
        pytest.skip("this build carries no Qt (no GUI in the checkout yet)")
    assert list(INTERNAL.rglob("qtbase_zh_CN.qm")), "Qt's own Chinese translation (dialog buttons) is missing"


def test_no_operator_tools_tests_or_host_extras(bundle: Path) -> None:
    modules = bundled_modules(EXE)
    assert any(name.startswith("exposurecheck.core") for name in modules)
    forbidden_modules = ("exposurecheck_server", "tests", "pytest", "_pytest", "duckdb", "tkinter", "gi", "PyInstaller")
    leaked = [name for name in modules if name.split(".")[0] in forbidden_modules]
    assert not leaked, leaked[:10]
    files = bundled_files(bundle)
    forbidden_files = re.compile(
        r"exposurecheck_server|(^|/)tests?/|libgtk-|libgdk-|libqgtk3|libgdk_pixbuf|libatk-|_tkinter|libtk8|duckdb"
    )
    leaked = [name for name in files if forbidden_files.search(name)]
    assert not leaked, leaked[:10]


# --- licences ----------------------------------------------------------------------------------------------------

LICENSES = INTERNAL / "licenses"


def test_licence_and_third_party_notices_are_bundled(bundle: Path) -> None:
    assert (LICENSES / "LICENSE").read_bytes() == (REPO / "LICENSE").read_bytes()
    notices = (LICENSES / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    # The components the issue names, each with its licence text, traced from the files really bundled.
    assert "PySide6" in notices and "GNU LESSER GENERAL PUBLIC LICENSE" in notices  # Qt for Python, LGPL-3.0
    assert "libsodium" in notices and "ISC" in notices
    assert "ICU" in notices and "Unicode" in notices
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in notices
    assert "Not traced to a component" not in notices


def test_every_bundled_file_is_in_the_licence_inventory(bundle: Path) -> None:
    """Each file in the bundle belongs to a component the notices name (a new library cannot slip in unlisted)."""
    inventory = json.loads((LICENSES / "inventory.json").read_text(encoding="utf-8"))
    assert inventory["untraced"] == []
    listed = {name for component in inventory["components"] for name in component["files"]}
    generated = {"licenses/LICENSE", "licenses/THIRD-PARTY-NOTICES.txt", "licenses/inventory.json"}
    on_disk = {name.removeprefix("_internal/") for name in bundled_files(bundle)}
    unlisted = sorted(on_disk - listed - generated)
    assert not unlisted, unlisted[:20]


_HOST_LIBRARY = re.compile(
    r"^(ld-linux|lib(c|m|dl|pthread|rt|stdc\+\+|gcc_s|GL|EGL|GLX|drm|gbm|X[-\w]+|xcb[-\w]*|fontconfig|freetype"
    r"|harfbuzz|glib-2\.0|gobject-2\.0|gio-2\.0|expat|z|uuid|gpg-error|asound))\.so"
)


def test_linux_host_libraries_are_left_to_the_system(bundle: Path) -> None:
    """linuxdeployqt's excludelist (and GLib, X11/xcb): the target system's copies, never the build host's."""
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux bundles only")
    carried = [name for name in bundled_files(bundle) if _HOST_LIBRARY.match(Path(name).name)]
    assert not carried, carried


def test_bundle_size_within_budget(bundle: Path) -> None:
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    size_mb = size / 1e6
    print(f"bundle size: {size_mb:.1f} MB (budget {MAX_BUNDLE_MB} MB)")
    assert size_mb <= MAX_BUNDLE_MB


# --- no network at start ---------------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


_INET_CONNECT = re.compile(r"connect\(\d+, \{sa_family=AF_INET6?, [^}]*\}")


def test_no_network_connection_at_start(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    """Every connect() the app and its children make while starting, checking the demo pack and quitting is
    traced; none may be an Internet (AF_INET/AF_INET6) socket. Proxies point at a closed local port, so even a
    connection attempt through a proxy would show up (as a connect to 127.0.0.1)."""
    strace = shutil.which("strace")
    if not strace:
        pytest.skip("strace is not installed (apt-get install strace)")
    if not _source_has("desktop", "exposurecheck", "gui", "self_test.py"):
        pytest.skip("the GUI self-test is not part of this checkout yet")
    proxy = f"http://127.0.0.1:{_closed_port()}"
    env = dict(clean_env)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = proxy
    trace = tmp_path / "connect.trace"
    result = run(
        EXE, "gui", "--self-test", env=env, wrapper=(strace, "-f", "-qq", "-e", "trace=connect", "-o", str(trace))
    )
    if "ptrace" in result.stderr and not trace.exists():
        pytest.skip("this machine does not allow ptrace, so strace cannot watch the app")
    # The app started, ran its self-test and quit (without demo data the self-test reports that and fails).
    assert "self-test: " in result.stdout + result.stderr, result.stdout + result.stderr
    if _has_demo_data():
        assert result.returncode == 0, result.stdout + result.stderr
    internet = _inet_connects(trace)
    assert not internet, internet

    # Control: the same tracing does see the frozen app's connections. A password check that is allowed to go
    # online tries the proxy on the closed port (and fails calmly); the trace must show that connect().
    control = tmp_path / "control.trace"
    run(
        EXE, "check", "--source", "hibp-passwords", "--password-stdin", env=env,
        wrapper=(strace, "-f", "-qq", "-e", "trace=connect", "-o", str(control)), stdin="not a real password\n",
    )  # fmt: skip
    assert any(proxy.rsplit(":", 1)[1] in line for line in _inet_connects(control)), "strace saw no connection"


def _inet_connects(trace: Path) -> list[str]:
    lines = trace.read_text(encoding="utf-8", errors="replace").splitlines()
    return [match.group(0) for line in lines if (match := _INET_CONNECT.search(line))]


# --- started from a USB kit -------------------------------------------------------------------------------------


def test_frozen_app_verifies_the_kit_it_runs_from(bundle: Path, clean_env: dict[str, str], tmp_path: Path) -> None:
    from exposurecheck.core.trust.profile import ProfileBody, sign_profile
    from exposurecheck_server.keys import load_signing_key, write_signing_key
    from exposurecheck_server.kit.builder import build_kit

    write_signing_key(tmp_path / "keys")
    key = load_signing_key(tmp_path / "keys" / "publisher.key")
    profile = tmp_path / "profile.ecprofile"
    profile.write_bytes(sign_profile(ProfileBody(name_en="Test NGO"), key))
    pack = INTERNAL / "resources" / "packs" / "demo.ecpack"
    packs = [pack] if pack.is_file() else []
    kit_root = tmp_path / "stick" / "kit"
    build_kit(kit_root, bundles=[bundle], packs=packs, profile=profile, signing_key=key)
    kit_exe = kit_root / "app" / bundle.name / EXE.name

    info = json.loads(run(kit_exe, "diagnostics", "--json", env=clean_env).stdout)
    assert Path(info["kit_root"]).resolve() == kit_root.resolve()
    trust = str(tmp_path / "keys" / "publisher.pub")
    ok = run(kit_exe, "kit", "verify", "--trust", trust, "--json", env=clean_env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["verified"] is True

    untrusted = run(kit_exe, "kit", "verify", env=clean_env)
    assert untrusted.returncode == 2
    (kit_root / "README.txt").write_text("changed", encoding="utf-8")
    changed = run(kit_exe, "kit", "verify", "--trust", trust, env=clean_env)
    assert changed.returncode == 2
    assert "README.txt" in changed.stderr
