#!/usr/bin/env bash
# The measurement behind docs/liveness.md: builds bench_watch, generates the
# genuine and attack sequences into a temp folder outside the repository,
# scores them, and prints the BPCER/APCER tables and the threshold curve.
#
#   bench/watch/run.sh [OUT_DIR]      (default: a new folder under /tmp)
#
# Environment: BIOSENSE_TEST_DATA (datasets, default ../shared/datasets),
# BIOSENSE_BENCH_VENV (a venv with Pillow and numpy, created when missing;
# default ~/.cache/biosense/bench-venv), SOURCES (attack source photos per
# dataset, default 25), GENUINE (genuine sequences per dataset, default 100).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
data=$(cd "${BIOSENSE_TEST_DATA:-../shared/datasets}" && pwd)
out=${1:-$(mktemp -d /tmp/biosense-liveness.XXXXXX)}
venv=${BIOSENSE_BENCH_VENV:-$HOME/.cache/biosense/bench-venv}

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pillow numpy
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target bench_watch -j2 >/dev/null

echo "# load before: $(uptime)"
"$venv/bin/python" bench/watch/make_sequences.py "$out" --data "$data" \
  --sources "${SOURCES:-25}" --max-genuine "${GENUINE:-100}"
start=$SECONDS
build/bench_watch "$out/manifest.csv" -o "$out/scores.csv"
echo "# scored in $((SECONDS - start)) s; load after: $(uptime)"
python3 bench/watch/summarize.py "$out/scores.csv"
echo "# sequences, images and scores: $out (outside $repo; delete when done)"
