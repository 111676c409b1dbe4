#!/usr/bin/env bash
# Create (idempotently) the Python venv holding the reference implementation,
# the face_recognition package and its `face_recognition` CLI on dlib-bin.
# Only benchmarks and fixture generation use it; the tests never do.
#
#   venv: ${BIOSENSE_REFERENCE_VENV:-$HOME/.cache/biosense/refvenv}
#
# Progress goes to stderr; stdout gets one line, the path of the
# face_recognition CLI, so `cli=$(scripts/setup_reference.sh)` works.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly VENV="${BIOSENSE_REFERENCE_VENV:-$HOME/.cache/biosense/refvenv}"
readonly CLI="$VENV/bin/face_recognition"
readonly PY="$VENV/bin/python"

log() { printf '[setup_reference] %s\n' "$*" >&2; }
fail() { printf '[setup_reference] ERROR: %s\n' "$*" >&2; exit 2; }

# True when the venv can import everything the reference CLI needs.
venv_ok() {
  [ -x "$PY" ] && [ -x "$CLI" ] &&
    "$PY" -c 'import dlib, face_recognition_models, face_recognition, numpy, PIL, click' >/dev/null 2>&1
}

if venv_ok; then
  log "reference venv already set up at $VENV"
else
  command -v python3 >/dev/null 2>&1 || fail "python3 not found (scripts/setup.sh installs it)"
  if [ ! -x "$PY" ]; then
    log "creating venv $VENV with $(command -v python3) ($(python3 --version 2>&1))"
    mkdir -p "$(dirname "$VENV")"
    python3 -m venv "$VENV" >&2 || fail "python3 -m venv failed (is python3-venv installed? run scripts/setup.sh)"
  fi
  pip=("$PY" -m pip --disable-pip-version-check)
  log "installing dlib-bin, face_recognition_models==0.3.0, numpy, Pillow, Click"
  "${pip[@]}" install dlib-bin face_recognition_models==0.3.0 numpy Pillow Click >&2 ||
    fail "pip install of the reference dependencies failed"
  log "installing face_recognition (without its dependencies: dlib-bin stands in for dlib)"
  "${pip[@]}" install --no-deps face_recognition >&2 || fail "pip install face_recognition failed"
  # face_recognition_models loads its files through pkg_resources, which newer
  # venvs (Python >= 3.12) and setuptools releases no longer bring.
  if ! "$PY" -c 'import pkg_resources' >/dev/null 2>&1; then
    log "installing setuptools<81 for pkg_resources"
    "${pip[@]}" install 'setuptools<81' >&2 || fail "pip install setuptools failed"
  fi
  venv_ok || fail "the venv at $VENV still cannot import face_recognition; see the pip output above"
  log "reference venv ready at $VENV"
fi

printf '%s\n' "$CLI"
