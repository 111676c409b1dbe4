#!/usr/bin/env bash
# The webcam benchmark (docs/accuracy.md, "Webcam snapshots").
#
#   bench/webcam/run.sh            # pairs and day on webcam-dev devel with the shipped calibration
#   FIT=1 bench/webcam/run.sh      # first refit the calibration on webcam-dev train (--target-fmr $FMR)
#
# 1. make_pairs.py train|devel: every enrolment frame against every snapshot
#    frame of another video (1,800 same, 33,600 different pairs per split);
# 2. `biosense evaluate --scores` on them with the pass's detection (YuNet at
#    320 px, a second HOG look at 0, mirrored encodings; DETECTION overrides,
#    e.g. DETECTION="--detector hog --upsample 1 --retry-detector hog
#    --retry-upsample 0 --mirror", and then the day runs with the same flags);
# 3. with FIT=1: `biosense calibrate --target-fmr $FMR` on the train pairs;
# 4. analyse.py: FMR/FNMR at the calibration's threshold and at 0.6, FNMR at
#    FMR 1e-2/1e-3/1e-4 with client-bootstrap intervals, ECE, by light;
# 5. the day (build_day.py devel): 10 enrolled agents, 300 genuine, 60
#    colleague and 40 stranger snapshots through `biosense run --once` on
#    SQLite, scored by score_day.py.
# Results in bench/results/webcam/<time>/. Environment: BIOSENSE (binary,
# default build/biosense), CALIBRATION (file to judge; default the
# shipped models/calibration.json), FMR (default 1e-3), CPUS (default 2),
# SPLIT (report split, default devel), OUT, DETECTION; BIOSENSE_TEST_DATA
# pointing at a copy of webcam-dev with its frames scaled (same layout) runs
# the same benchmark on those frames.
set -euo pipefail
RESULTS=webcam
# shellcheck source=bench/webcam/setup_run.sh
. "$(dirname "$0")/setup_run.sh"
cpus="${CPUS:-2}"
fmr="${FMR:-1e-3}"
images="$BIOSENSE_TEST_DATA/webcam-dev/replay-attack"
read -r -a detection <<<"${DETECTION:---detector yunet --max-side 320 --retry-detector hog --retry-upsample 0 --mirror}"
echo "results in $out"

python3 "$here/make_pairs.py" train >"$out/pairs-train.csv"
python3 "$here/make_pairs.py" "$split" >"$out/pairs-$split.csv"

calibration="${CALIBRATION:-$repo/models/calibration.json}"
if [ "${FIT:-0}" = 1 ]; then
  calibration="$out/calibration.json"
  "$bin" calibrate --pairs "$out/pairs-train.csv" --images "$images" --cpus "$cpus" "${detection[@]}" \
    --target-fmr "$fmr" -o "$calibration" | tee "$out/calibrate.txt"
fi
cp "$calibration" "$out/judged-calibration.json"

"$bin" --calibration "$calibration" evaluate --pairs "$out/pairs-$split.csv" --images "$images" --cpus "$cpus" \
  "${detection[@]}" --scores "$out/scores-$split.csv" --format json >"$out/evaluate-$split.json"
python3 "$here/analyse.py" "$out/scores-$split.csv" "$calibration" --json "$out/analyse-$split.json" |
  tee "$out/analyse-$split.md"

# The day, through the real pass.
python3 "$here/build_day.py" "$split" >"$out/day.tsv"
db="$out/day.db"
rm -f "$db"
python3 "$repo/bench/day/import_day.py" "$bin" "sqlite:$db" "$out/day.tsv"
/usr/bin/time -v "$bin" --db "sqlite:$db" --calibration "$calibration" -v run --mode all --once --threads "$cpus" "${detection[@]}" \
  2>"$out/day-run.log"
python3 "$here/score_day.py" "$out/day.tsv" "$db" >"$out/day.json"
python3 - "$out/day.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for truth, s in sorted(d["by_truth"].items()):
    print(f"day {truth:10s} {s['rows']:4d} rows, {s['accepted']:4d} decided SUCCESS  {s['results']}")
print(f"day ECE {d['ece']:.4f} over {d['snapshots_with_confidence']} snapshots with a confidence")
PY
