#!/usr/bin/env bash
# `biosense compare` (HOG, and --detector yunet) against the face_recognition
# CLI on webcam frames, in one run on the same cores (issue 17, "compare
# --detector <fast> on webcam frames >= 3x faster than the face_recognition
# CLI"; docs/performance.md).
#
#   bench/webcam/compare_cli.sh                                  # webcam-dev devel frames (320x240)
#   BIOSENSE_TEST_DATA=/tmp/webcam640 bench/webcam/compare_cli.sh  # scaled to 640x480
#
# KNOWN: each agent's enrolment frame of the simulated day (build_day.py) as
# <agent>.jpg; UNKNOWN: the day's 400 snapshots. Each tool runs with --cpus
# $CPUS (default 2) under bench/measure.py (CPU of the whole process tree,
# the CLI's worker processes included); prints wall and CPU seconds, the
# speed-up over the CLI, and how many photos got the CLI's answer.
# Needs the reference venv (scripts/setup_reference.sh). Environment:
# BIOSENSE, BIOSENSE_TEST_DATA, SPLIT, CPUS, OUT, BIOSENSE_REFVENV.
set -euo pipefail
RESULTS=webcam-compare
# shellcheck source=bench/webcam/setup_run.sh
. "$(dirname "$0")/setup_run.sh"
cpus="${CPUS:-2}"
fr="${BIOSENSE_REFVENV:-$HOME/.cache/biosense/refvenv}/bin/face_recognition"
[ -x "$fr" ] || { echo "no face_recognition CLI at $fr: run scripts/setup_reference.sh" >&2; exit 2; }
images="$BIOSENSE_TEST_DATA/webcam-dev/replay-attack"
python3 "$here/build_day.py" "$split" >"$out/day.tsv"
mkdir -p "$out/known" "$out/unknown"
n=0
while IFS=$'\t' read -r kind lan path _truth; do
  if [ "$kind" = train ]; then
    ln -sf "$path" "$out/known/$lan.jpg"
  else
    n=$((n + 1))
    ln -sf "$path" "$out/unknown/$(printf '%04d' "$n")_$(basename "$path")"
  fi
done <"$out/day.tsv"
echo "results in $out: $(ls "$out/known" | wc -l) known, $n unknown photos from $images"

run() { # run NAME COMMAND...: answers in NAME.txt, wall and CPU of the whole process tree in NAME.json
  local name=$1
  shift
  python3 "$repo/bench/measure.py" --json "$out/$name.json" --stdout "$out/$name.txt" --stderr "$out/$name.log" -- "$@"
}
run cli "$fr" --cpus "$cpus" --tolerance 0.6 "$out/known" "$out/unknown"
run biosense-hog "$bin" compare --cpus "$cpus" "$out/known" "$out/unknown"
run biosense-yunet "$bin" compare --cpus "$cpus" --detector yunet "$out/known" "$out/unknown"

python3 - "$out" <<'PY'
import collections, json, sys
out = sys.argv[1]
def answers(name):
    a = collections.defaultdict(list)
    for line in open(f"{out}/{name}.txt"):
        path, who = line.rstrip("\n").split(",")[:2]
        a[path.rsplit("/", 1)[-1]].append(who)
    return {k: sorted(v) for k, v in a.items()}
def timing(name):
    m = json.load(open(f"{out}/{name}.json"))
    return m["wall_s"], m["cpu_s"]
ref = answers("cli")
cli_wall, cli_cpu = timing("cli")
print("| tool | wall s | CPU s | wall speed-up over the CLI | CPU speed-up | photos answered as the CLI |")
print("|---|---:|---:|---:|---:|---:|")
for name in ("cli", "biosense-hog", "biosense-yunet"):
    wall, cpu = timing(name)
    a = answers(name)
    same = sum(1 for k in ref if a.get(k) == ref[k])
    print(f"| {name} | {wall:.1f} | {cpu:.1f} | {cli_wall / wall:.2f}x | {cli_cpu / cpu:.2f}x | {same}/{len(ref)} |")
PY
