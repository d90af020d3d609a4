#!/usr/bin/env bash
# Build the one-folder app bundle dist/exposure-check/ with build.spec, then check the built folder as a user
# would get it: the frozen tests in tests/frozen (self-test offscreen, a CLI check against the demo pack, the
# bundled libsodium, no operator tools or GTK inside, translations present, no network at start, size).
#
#   scripts/build_bundle.sh              build + check (about 1.5-2.5 minutes on 2 cores)
#   scripts/build_bundle.sh --check      check an existing dist/exposure-check/ only
#   scripts/build_bundle.sh --build      build only
#   scripts/build_bundle.sh --deb        build + check, then wrap it into dist/exposure-check_<version>_amd64.deb
#                                        and validate that (desktop-file-validate, appstreamcli, lintian): about
#                                        1.5 minutes more. tests/packaging/test_deb_install.py installs it into a
#                                        clean Debian 12 root.
#   scripts/build_bundle.sh --deb-only   wrap an existing bundle into the .deb (what scripts/test does)
#
# Builds are reproducible from one commit as far as PyInstaller allows (docs/releasing.md): SOURCE_DATE_EPOCH
# defaults to the last commit's time and PYTHONHASHSEED to 0.
#
# PYTHON picks the interpreter (default: .venv/bin/python, set up by scripts/bootstrap.sh if missing). Exits non-zero if the build or any
# check fails. Needs libsodium (>= 1.0.18) on the build host, or EXPOSURECHECK_LIBSODIUM naming the copy to ship.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ -z "${PYTHON:-}" ]; then
    # A fresh clone: set up the system packages and the venv (from the lock) first.
    [ -x "$ROOT/.venv/bin/python" ] || bash "$ROOT/scripts/bootstrap.sh"
    PYTHON="$ROOT/.venv/bin/python"
fi
BUNDLE="$ROOT/dist/exposure-check"
EXE="$BUNDLE/exposure-check"

mode=all
deb=no
case "${1:-}" in
    --check) mode=check ;;
    --build) mode=build ;;
    --deb) deb=yes ;;
    --deb-only) mode=none; deb=yes ;;
    "") ;;
    *) echo "usage: $0 [--build|--check|--deb|--deb-only]" >&2; exit 2 ;;
esac

# One timestamp and one hash seed for everything a build writes (PyInstaller, the .deb's files and gzip headers).
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH PYTHONHASHSEED="${PYTHONHASHSEED:-0}"

if [ "$mode" = all ] || [ "$mode" = build ]; then
    started=$(date +%s)
    # --clean: a cache from an older spec or dependency set must not leak into the bundle.
    "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
    echo "build: $(( $(date +%s) - started )) s"
fi

if [ "$mode" = all ] || [ "$mode" = check ]; then
    if [ ! -x "$EXE" ]; then
        echo "no bundle at $BUNDLE: build it first ($0 --build)" >&2
        exit 1
    fi
    # A quick look first, so a bundle that cannot even start fails with its own message rather than in pytest.
    "$EXE" --version
    started=$(date +%s)
    "$PYTHON" -m pytest -q -p no:cacheprovider -m frozen "$ROOT/tests/frozen"
    echo "checks: $(( $(date +%s) - started )) s"
    size_mb=$(du -sm "$BUNDLE" | cut -f1)
    echo "bundle: $BUNDLE, ${size_mb} MB (target <= 200 MB)"
fi

if [ "$deb" = yes ]; then
    started=$(date +%s)
    "$PYTHON" "$ROOT/packaging/linux/build_deb.py" --bundle "$BUNDLE" --out "$ROOT/dist"
    echo "deb: $(( $(date +%s) - started )) s"
fi
