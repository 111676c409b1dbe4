# Sourced by bench/webcam/run.sh and pad_run.sh: paths, data and a copy of
# the binary in a fresh results folder, so a rebuild cannot change it mid-run.
# In: RESULTS (folder under bench/results/), the environment's BIOSENSE,
# BIOSENSE_TEST_DATA, SPLIT, OUT. Out: here, repo, bin, split, out.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
export BIOSENSE_TEST_DATA="${BIOSENSE_TEST_DATA:-/work/shared/datasets}"
split="${SPLIT:-devel}"
out="${OUT:-$repo/bench/results/$RESULTS/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
cp "${BIOSENSE:-$repo/build/biosense}" "$out/biosense"
bin="$out/biosense"
