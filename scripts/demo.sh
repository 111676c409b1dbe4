#!/usr/bin/env bash
# Run the main job on sample photos: set up, build build/ (Release), run.
#
# The job: a fresh SQLite database (biosense-demo.db in the repository, kept
# for you to inspect), sample photos imported as enrolment photos and
# snapshots, one pass (`biosense run --once`), then the decisions.
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

# Runs biosense quietly; shows its output only if it fails.
quiet() {
  local out
  if ! out=$("$BIN" "$@" 2>&1); then
    printf '%s\n' "$out" >&2
    fail "biosense $1 failed"
  fi
}

# The job itself: the main job (a pass) on the embedded SQLite database,
# with sample photos imported the way the capture client would store them.
step_job() {
  local db="$repo/biosense-demo.db" data="$repo/Data"
  rm -f "$db" "$db-wal" "$db-shm"
  export BIOSENSE_DB_URL="sqlite:$db"
  log "database: $BIOSENSE_DB_URL (fresh)"
  "$BIN" db migrate >/dev/null
  # Enrolment photos: three agents, one of them with a photo of two people.
  quiet import --lan-id 'NA\obama' --train "$SAMPLES/obama.jpg"
  quiet import --lan-id 'NA\kit' --train "$SAMPLES/kit_harington_john1.jpeg"
  quiet import --lan-id 'NA\pair' --train "$SAMPLES/two_people.jpg"
  # Snapshots: the agents, impostors, groups, a broken file,
  # and an agent who never enrolled.
  quiet import --lan-id 'NA\obama' --stream "$SAMPLES/obama2.jpg" "$SAMPLES/obama3.jpg" \
    "$SAMPLES/obama-720p.jpg" "$SAMPLES/biden.jpg" "$SAMPLES/obama_and_biden.jpg"
  quiet import --lan-id 'NA\kit' --stream "$SAMPLES/kit_harington_john2.jpeg" \
    "$SAMPLES/rose_leslie_img1.jpg" "$SAMPLES/kit_with_rose.jpg"
  quiet import --lan-id 'NA\pair' --stream "$SAMPLES/biden.jpg"
  quiet import --lan-id 'NA\newhire' --stream "$SAMPLES/obama2.jpg"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/biosense-demo.XXXXXX")
  printf 'not a photo' >"$WORK/broken.jpg"
  quiet import --lan-id 'NA\obama' --stream "$WORK/broken.jpg"
  log "running: biosense run --once --threads $(nproc 2>/dev/null || echo 2) --data-dir $data"
  "$BIN" run --once --threads "$(nproc 2>/dev/null || echo 2)" --data-dir "$data"
  log "decisions (stream_img):"
  if command -v sqlite3 >/dev/null; then
    sqlite3 -header -column "$db" \
      "select id, lan_id, status, result, num_faces, round(distance,3) as distance, round(accuracy,1) as accuracy from stream_img order by id"
  fi
}

start=$SECONDS
step_setup
step_build
step_job
log "done in $((SECONDS - start))s"
