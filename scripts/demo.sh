#!/usr/bin/env bash
# Run the main job on sample photos: set up, build build/ (Release), run.
#
# The job, for now: `biosense compare --show-distance KNOWN UNKNOWN`, where
# KNOWN holds copies of obama.jpg and biden.jpg and UNKNOWN is the
# face_recognition sample folder of the shared datasets.
#
# Usage: scripts/demo.sh
# Environment: BIOSENSE_TEST_DATA (default: <repo>/../shared/datasets),
#              BIOSENSE_MODELS_DIR (see scripts/fetch_models.sh).
set -euo pipefail
orig_pwd=$PWD
cd "$(dirname "$0")/.."
repo=$PWD

log() { printf '[demo] %s\n' "$*"; }
fail() { printf '[demo] ERROR: %s\n' "$*" >&2; exit 1; }

data="${BIOSENSE_TEST_DATA:-$repo/../shared/datasets}"
case "$data" in /*) ;; *) data="$orig_pwd/$data" ;; esac
[ -d "$data" ] || fail "test data folder $data not found; set BIOSENSE_TEST_DATA to the datasets folder"
BIOSENSE_TEST_DATA=$(cd "$data" && pwd -P)
export BIOSENSE_TEST_DATA
readonly SAMPLES="$BIOSENSE_TEST_DATA/misc/face_recognition"
readonly BIN="$repo/build/biosense"

WORK=""
cleanup() { if [ -n "$WORK" ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

step_setup() {
  log "setting up the machine (packages, model weights)"
  bash scripts/setup.sh
}

step_build() {
  log "building build/ (Release)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target biosense
  [ -x "$BIN" ] || fail "$BIN was not built"
}

# The job itself. Replace this function to change what the demo runs.
step_job() {
  local known
  for f in obama.jpg biden.jpg; do
    [ -f "$SAMPLES/$f" ] || fail "sample photo $SAMPLES/$f not found"
  done
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/biosense-demo.XXXXXX")
  known="$WORK/known"
  mkdir "$known"
  cp "$SAMPLES/obama.jpg" "$SAMPLES/biden.jpg" "$known/"
  log "KNOWN:   $known (obama.jpg, biden.jpg)"
  log "UNKNOWN: $SAMPLES"
  log "running: biosense compare --show-distance KNOWN UNKNOWN"
  log "columns: file,name,distance,confidence"
  "$BIN" compare --show-distance "$known" "$SAMPLES"
}

start=$SECONDS
step_setup
step_build
step_job
log "done in $((SECONDS - start))s"
