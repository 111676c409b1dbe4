#!/usr/bin/env bash
# Issue 18's "measure first": the watch on real webcam presentation attacks.
#
#   bench/webcam/pad_run.sh            # devel: 45 live and 300 attack sequences
#
# pad_sequences.py writes every live and attack sequence of webcam-dev SPLIT
# (default devel) as an agent of its own into a fresh SQLite database, each
# enrolled from its client's first office-light frame; `biosense run --once`
# decides every frame (the gallery check off: every agent of a client shares
# one enrolment frame); `biosense watch` looks at the whole minute once with
# its defaults; pad_score.py prints BPCER, APCER per species and which alert
# fired. Results in bench/results/webcam-pad/<time>/. Environment: BIOSENSE
# (binary, default build/biosense), SPLIT, CPUS (default 2), WATCH_ARGS
# (extra `watch` flags, e.g. "--frames 5").
set -euo pipefail
RESULTS=webcam-pad
# shellcheck source=bench/webcam/setup_run.sh
. "$(dirname "$0")/setup_run.sh"
db="$out/pad.db"
rm -f "$db"
"$bin" --db "sqlite:$db" db migrate >/dev/null
python3 "$here/pad_sequences.py" "$split" "$db" "$out/sequences.tsv"
/usr/bin/time -v "$bin" --db "sqlite:$db" run --once --threads "${CPUS:-2}" --no-gallery-check 2>"$out/run.log"
# shellcheck disable=SC2086
"$bin" --db "sqlite:$db" -v watch --once --at "2026-01-01 09:01:00" --window 10m ${WATCH_ARGS:-} 2>"$out/watch.log"
python3 "$here/pad_score.py" "$out/sequences.tsv" "$db" | tee "$out/score.md"
echo "results in $out"
