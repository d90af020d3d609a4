#!/usr/bin/env bash
# Regenerate the hashed lock files in requirements/ from pyproject.toml (and requirements/tools.in), for every
# platform the release builds on (uv's --universal), Python 3.11. Run it after changing a dependency in
# pyproject.toml, commit the result, and say in the commit message why.
#
#   requirements/dev.txt     everything: the app, the server extra, the build tools (PyInstaller) and the dev tools.
#                            scripts/bootstrap.sh (so scripts/run, scripts/test and CI) and the release workflow
#                            install this one.
#   requirements/server.txt  the app and the operator tools (the `server` extra), for an operator's machine.
#   requirements/app.txt     the app alone, for running it from source.
#
# The two smaller files are resolved with dev.txt as a constraint, so a package has one version in all three.
# `scripts/lock.sh --upgrade` moves every package to its newest allowed version; without it uv keeps what the
# existing files pin wherever pyproject still allows it.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-.venv/bin/uv}"
common=(--universal --python-version 3.11 --generate-hashes --quiet --custom-compile-command "scripts/lock.sh")
upgrade=()
[ "${1:-}" = "--upgrade" ] && upgrade=(--upgrade)

"$UV" pip compile "${common[@]}" "${upgrade[@]}" --all-extras pyproject.toml requirements/tools.in \
    -o requirements/dev.txt
"$UV" pip compile "${common[@]}" --extra server -c requirements/dev.txt pyproject.toml requirements/tools.in \
    -o requirements/server.txt
"$UV" pip compile "${common[@]}" -c requirements/dev.txt pyproject.toml requirements/tools.in \
    -o requirements/app.txt
echo "wrote requirements/dev.txt, server.txt, app.txt"
