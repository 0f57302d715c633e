#!/usr/bin/env bash
# Install mirix-app from a source checkout into ./.venv (safe to run again).
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  python3-venv
  # Qt offscreen and desktop runtime
  libglib2.0-0 libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3
  # a real window under Xvfb (screenshots, capture tests)
  xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xinerama0
  libxcb-xfixes0 x11-utils fonts-dejavu-core
  # the global pause shortcut test types keys through XTEST
  libxtst6
  # packaging (packaging/build.sh, smoke_test.sh): strip, dpkg-deb, .desktop validation
  binutils dpkg-dev desktop-file-utils
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "==> installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "==> system packages already installed"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)

echo "==> installing torch (CPU build) first"
"${PIP[@]}" install torch==2.13.0
echo "==> installing pinned dependencies under the torch constraint"
"${PIP[@]}" install -c constraints.txt -r requirements.lock
echo "==> installing mirix-app (editable)"
"${PIP[@]}" install -c constraints.txt --no-deps -e .

.venv/bin/mirix-app --version
echo "==> done. Start with: .venv/bin/mirix-app --help"
