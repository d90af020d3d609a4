#!/usr/bin/env bash
# Build the one-folder app bundle dist/exposure-check/ with build.spec, then check the built folder as a user
# would get it: the frozen tests in tests/frozen (self-test offscreen, a CLI check against the demo pack, the
# bundled libsodium, no operator tools or GTK inside, translations present, no network at start, size).
#
#   scripts/build_bundle.sh              build + check (about 1.5-2.5 minutes on 2 cores)
#   scripts/build_bundle.sh --check      check an existing dist/exposure-check/ only
#   scripts/build_bundle.sh --build      build only
#
# PYTHON picks the interpreter (default: .venv/bin/python, else python3). Exits non-zero if the build or any
# check fails. Needs libsodium (>= 1.0.18) on the build host, or EXPOSURECHECK_LIBSODIUM naming the copy to ship.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
BUNDLE="$ROOT/dist/exposure-check"
EXE="$BUNDLE/exposure-check"

mode=all
case "${1:-}" in
    --check) mode=check ;;
    --build) mode=build ;;
    "") ;;
    *) echo "usage: $0 [--build|--check]" >&2; exit 2 ;;
esac

if [ "$mode" != check ]; then
    started=$(date +%s)
    # --clean: a cache from an older spec or dependency set must not leak into the bundle.
    "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
    echo "build: $(( $(date +%s) - started )) s"
fi

if [ "$mode" != build ]; then
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
