#!/usr/bin/env bash
# Set up everything Exposure Check needs on a Debian/Ubuntu machine: system packages (when run as root, or with
# sudo available) and a Python virtual environment in .venv with the project installed. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Qt runtime for the GUI (offscreen and on a desktop) and PDF case sheets
  libglib2.0-0 libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0
  libxkbcommon-x11-0 libxcb-xkb1
  fonts-wqy-microhei          # Chinese text; without a CJK font it renders as boxes
  libsodium23 libsodium-dev   # ristretto255 for the lookup service's OPRF
  dbus gnome-keyring libsecret-tools   # the real OS keyring (Secret Service) for the vault
  poppler-utils               # pdftotext/pdftoppm: tests read back the case sheets
  nginx-light                 # the bucket-serving benchmark compares nginx with the dev server
  systemd                     # systemd-analyze verify checks docs/exposure-check-evaluator.service
  strace                      # the frozen app is checked to open no connection at start
  openjdk-17-jre-headless     # Java for `--engine spark` (PySpark, the `spark` extra) and its local[2] test
  # The .deb (scripts/build_bundle.sh --deb) and its install test (tests/packaging/test_deb_install.py):
  # dependencies computed from the bundle's ELF files, validators for the desktop entry, AppStream data and the
  # package, and a clean Debian root to install it into.
  dpkg-dev desktop-file-utils appstream lintian debootstrap
  libwayland-cursor0 libwayland-egl1 libcups2   # Qt's Wayland and print plugins link to them: dpkg-shlibdeps must find them
  python3-venv
  # The screen-reader test (tests/gui/test_screen_reader.py): the real app under Xvfb, read through the AT-SPI bus
  # with Debian's pyatspi (the system python3, not the venv), keys pressed with xdotool.
  xvfb at-spi2-core python3-pyatspi python3-gi gir1.2-atspi-2.0 xdotool
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Every Python package comes from the hashed lock (requirements/dev.txt, written by scripts/lock.sh from
# pyproject.toml), pip and the build backend included; the project itself is then installed without its
# dependencies and without build isolation, so nothing unpinned is downloaded.
stamp=.venv/.exposure-check-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/dev.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --require-hashes -r requirements/dev.txt
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  # A dependency added to pyproject.toml but not to the lock shows up here, not later as an ImportError.
  .venv/bin/python -m pip check >/dev/null || { .venv/bin/python -m pip check; echo "run scripts/lock.sh" >&2; exit 1; }
  touch "$stamp"
fi
