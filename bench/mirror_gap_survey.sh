#!/usr/bin/env bash
# The survey behind the calibration's mirror-gap term (docs/accuracy.md,
# "Mirror gaps"): dumps the subject face of every LFW View 1 and celeba-dev
# photo (two processes), then fits the candidate inputs.
#
#   cmake --build build --target dump_subject_faces
#   bench/mirror_gap_survey.sh OUT      # about 15 minutes on 2 cores
#
# Environment: BIOSENSE_TEST_DATA (default ../shared/datasets),
# DUMP (default build/dump_subject_faces). Writes OUT/lfw.dump,
# OUT/celeba.dump and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: bench/mirror_gap_survey.sh OUT}
data=${BIOSENSE_TEST_DATA:-../shared/datasets}
dump=${DUMP:-build/dump_subject_faces}
[ -x "$dump" ] || { echo "mirror_gap_survey.sh: build $dump first (cmake --build build --target dump_subject_faces)" >&2; exit 1; }
mkdir -p "$out"

# dump_in_two IMAGES_DIR LIST OUTFILE: the list split in two, one process each.
dump_in_two() {
  local dir=$1 list=$2 dest=$3
  split -n l/2 -d "$list" "$list.part"
  "$dump" "$dir" <"$list.part00" >"$dest.00" &
  "$dump" "$dir" <"$list.part01" >"$dest.01" &
  wait
  cat "$dest.00" "$dest.01" >"$dest"
  rm -f "$list.part00" "$list.part01" "$dest.00" "$dest.01"
}

(cd "$data/lfw-view1/images" && find . -name '*.jpg' | sed 's|^\./||' | sort) >"$out/lfw.list"
tail -n +2 bench/pairs/celeba-dev.csv | cut -d, -f1,2 | tr , '\n' | sort -u >"$out/celeba.list"
dump_in_two "$data/lfw-view1/images" "$out/lfw.list" "$out/lfw.dump"
dump_in_two "$data/celeba-dev/images" "$out/celeba.list" "$out/celeba.dump"
BIOSENSE_TEST_DATA="$data" python3 bench/mirror_gap_survey.py "$out/lfw.dump" "$out/celeba.dump"
