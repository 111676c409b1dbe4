#!/usr/bin/env bash
# CPU per webcam snapshot through the real pass, one detection setting after
# another on the same simulated day (docs/performance.md, "A detector for
# webcam frames"; issue 17).
#
#   bench/webcam/day_cpu.sh                                  # webcam-dev devel frames (320x240)
#   BIOSENSE_TEST_DATA=/tmp/webcam640 bench/webcam/day_cpu.sh  # the same frames scaled to 640x480
#
# build_day.py builds the day (10 enrolled agents: 300 genuine, 60 colleague,
# 40 stranger snapshots); for each setting in SETTINGS a fresh SQLite file
# gets the day and `biosense run --mode all --once --threads $THREADS`
# decides it under /usr/bin/time. Prints, per setting, CPU (user + sys) per
# decided row (410 rows: 10 enrolments + 400 snapshots), wall, max RSS, faces
# found and verdicts (score_day.py). HOG settings judge with
# models/calibration-hog.json, YuNet ones with the shipped calibration.
# Environment: BIOSENSE, BIOSENSE_TEST_DATA, SPLIT (default devel), THREADS
# (default 1), OUT, SETTINGS (names below, default all).
set -euo pipefail
RESULTS=webcam-cpu
# shellcheck source=bench/webcam/setup_run.sh
. "$(dirname "$0")/setup_run.sh"
threads="${THREADS:-1}"
declare -A flags=(
  [hog1]="--detector hog --upsample 1 --retry-detector hog --retry-upsample 0 --max-side 0"
  [hog1-320]="--detector hog --upsample 1 --retry-detector hog --retry-upsample 0 --max-side 320"
  [hog0]="--detector hog --upsample 0 --retry-detector hog --retry-upsample 1 --max-side 0"
  [yunet]="--detector yunet --retry-detector hog --retry-upsample 0 --max-side 0"
  [yunet-320]="--detector yunet --retry-detector hog --retry-upsample 0 --max-side 320"
)
read -r -a settings <<<"${SETTINGS:-hog1 hog1-320 hog0 yunet yunet-320}"
echo "results in $out"
python3 "$here/build_day.py" "$split" >"$out/day.tsv"

{
printf '| setting | rows | CPU s | CPU ms/row | wall s | max RSS MB | no face | 2+ faces | genuine accepted | colleagues accepted | strangers accepted |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for name in "${settings[@]}"; do
  [ -n "${flags[$name]:-}" ] || { echo "unknown setting $name" >&2; exit 2; }
  read -r -a f <<<"${flags[$name]}"
  calibration="$repo/models/calibration.json"
  [[ $name == hog* ]] && calibration="$repo/models/calibration-hog.json"
  db="$out/$name.db"
  rm -f "$db"
  python3 "$repo/bench/day/import_day.py" "$bin" "sqlite:$db" "$out/day.tsv"
  /usr/bin/time -f '%U %S %e %M' -o "$out/$name.time" "$bin" --db "sqlite:$db" --calibration "$calibration" \
    run --mode all --once --threads "$threads" "${f[@]}" >"$out/$name.log" 2>&1
  python3 "$here/score_day.py" "$out/day.tsv" "$db" >"$out/$name.json"
  python3 - "$name" "$out/$name.time" "$out/$name.json" "$db" <<'PY'
import json, sqlite3, sys
name, timing, scored, db = sys.argv[1:5]
user, sys_, wall, rss = open(timing).read().split()[-4:]
con = sqlite3.connect(db)
rows = sum(con.execute(f"select count(*) from {t} where status <> 'N'").fetchone()[0] for t in ("stream_img", "train_img"))
no_face = con.execute("select count(*) from stream_img where num_faces = 0").fetchone()[0]
multi = con.execute("select count(*) from stream_img where num_faces > 1").fetchone()[0]
d = json.load(open(scored))["by_truth"]
cpu = float(user) + float(sys_)
acc = lambda t: f"{d[t]['accepted']}/{d[t]['rows']}"
print(f"| {name} | {rows} | {cpu:.1f} | {1000 * cpu / rows:.1f} | {float(wall):.1f} | {int(rss) / 1024:.0f} | {no_face} | "
      f"{multi} | {acc('match')} | {acc('colleague')} | {acc('stranger')} |")
PY
done
} | tee "$out/table.md"
