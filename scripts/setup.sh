#!/usr/bin/env bash
# Idempotent machine set-up for building and testing biosense (Debian 12).
#
# Installs the Debian packages the build, the tests and the scripts need (only
# those missing; `apt-get update` runs only when something must be installed),
# then fetches the dlib model weights with scripts/fetch_models.sh.
# Runs as root, or through sudo for the apt steps when not root.
#
# Usage: scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PACKAGES=(
  build-essential cmake pkg-config
  libdlib-dev libsoci-dev libboost-dev libcli11-dev libfmt-dev catch2
  libopenblas0 libopenblas-dev
  librabbitmq-dev libsqlite3-dev libmariadb-dev
  libjpeg-dev libpng-dev libgif-dev libssl-dev nlohmann-json3-dev
  libtomlplusplus-dev
  clang-format sqlite3 mariadb-client
  chromium
  python3 python3-venv python3-yaml
  docker-compose  # the tests validate docker-compose.yml with it; no engine needed
)

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo
# (non-interactive sudo when there is no terminal to ask a password on).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else
    die "need root to run '$*': run this script as root or install sudo"
  fi
}

start=$SECONDS

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian/Ubuntu only"

# One dpkg-query for all packages; a package counts only when fully installed
# (not e.g. removed with its config files left behind).
status=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! grep -qx "$pkg installed" <<<"$status"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "all ${#PACKAGES[@]} Debian packages already installed"
else
  log "installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
  apt_opts=(-y -q -o DPkg::Lock::Timeout=300)
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install "${missing[@]}"
  log "Debian packages installed"
fi

log "fetching model weights"
bash scripts/fetch_models.sh

log "done in $((SECONDS - start))s"
