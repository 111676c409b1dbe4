#!/usr/bin/env bash
# run_day.sh: the simulated day on celeba-dev (see README.md).
# Env: BIOSENSE (binary, default build/biosense), OUT (results folder),
#   BACKENDS ("sqlite mariadb"), THREADS ("1 2"; "" skips the passes), ROWS (cut the day to the
#   first ROWS snapshots, for debugging; default all), RSS_ROWS (2600; 0 skips), RSS_NICE (nice level of that pass),
#   PROTO_CPUS ("1"; "" skips), COMPARE (1; 0 skips), PAIR (1: the 1-thread
#   runs go side by side, pinned to cores 0 and 1: pass | compare, then
#   pass | prototype), WAIT_MAX (900 s of waiting for an idle machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
B=${BIOSENSE:-$root/build/biosense}
OUT=${OUT:-$root/bench/results/day/$(date +%Y%m%dT%H%M%S)}
BACKENDS=${BACKENDS-sqlite mariadb}; THREADS=${THREADS-1 2}
RSS_ROWS=${RSS_ROWS:-2600}; PROTO_CPUS=${PROTO_CPUS-1}; COMPARE=${COMPARE:-1}
PAIR=${PAIR:-1}; WAIT_MAX=${WAIT_MAX:-900}
MYSQL="mariadb -u root -h 127.0.0.1 -P 3306"
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
cp "$B" "$OUT/biosense"; B=$OUT/biosense   # a fixed copy: rebuilds elsewhere cannot change it mid-run
cleanup() { # the MariaDB databases of this run: biosense_day_<pid>_<run>
  for d in $($MYSQL -N -e "show databases like 'biosense\\_day\\_$$\\_%'"); do $MYSQL -e "drop database if exists \`$d\`" || true; done
            [[ -n ${MON:-} ]] && kill "$MON" 2>/dev/null || true; }
trap cleanup EXIT

# --- the day ----------------------------------------------------------------
python3 "$here/build_day.py" > "$OUT/day-full.tsv"
if [[ -n ${ROWS:-} ]]; then
  awk -F'\t' -v n="$ROWS" '$1=="train" || ++k <= n' "$OUT/day-full.tsv" > "$OUT/day.tsv"
else cp "$OUT/day-full.tsv" "$OUT/day.tsv"; fi
nstream=$(grep -c '^stream' "$OUT/day.tsv"); ntrain=$(grep -c '^train' "$OUT/day.tsv")
echo "day: $ntrain enrolment photos, $nstream snapshots -> $OUT" >&2
python3 "$here/import_day.py" "$B" "sqlite:$OUT/template.db" "$OUT/day.tsv"

{ echo "nproc $(nproc)"; grep -m1 'model name' /proc/cpuinfo; echo "biosense $(git -C "$root" rev-parse --short HEAD) $($B --version 2>&1)";
  $MYSQL -N -e 'select version()' | sed 's/^/mariadb /'; } > "$OUT/machine.txt"

foreign() { pgrep -af 'face_recognition|biosense compare|cc1plus' | grep -v -F "$OUT" | grep -v pgrep || true; }
wait_idle() { # $1: label. Waits up to WAIT_MAX s, records idle/busy in idle.txt
  local t=0
  while [[ -n $(foreign) && $t -lt $WAIT_MAX ]]; do sleep 10; t=$((t + 10)); done
  local f; f=$(foreign | awk '{print $2, $3}' | sort | uniq -c | tr '\n' ';')
  echo "$1 waited ${t}s: ${f:-idle} load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/idle.txt" >&2
}
# background monitor: one line every 5 s with foreign processes, if any
( while true; do f=$(foreign | awk '{print $2}' | sort | uniq -c | tr '\n' ' '); [[ -n $f ]] && echo "$(date +%T) $f"; sleep 5; done ) >> "$OUT/busy.log" 2>/dev/null &
MON=$!

dburl() { # $1 backend $2 tag -> fresh database with the day imported
  if [[ $1 == sqlite ]]; then rm -f "$OUT/$2.db"; cp "$OUT/template.db" "$OUT/$2.db"; echo "sqlite:$OUT/$2.db"
  else local d="biosense_day_$$_$2"; $MYSQL -e "drop database if exists \`$d\`; create database \`$d\`"
    python3 "$here/import_day.py" "$B" "mysql://root@127.0.0.1:3306/$d" "$OUT/day.tsv" >&2; echo "mysql://root@127.0.0.1:3306/$d"; fi
}
rows_of() { # $1 backend $2 url -> id lan_id result length(image), TSV
  local q="select id, lan_id, coalesce(result,''), length(image) from stream_img order by id"
  if [[ $1 == sqlite ]]; then sqlite3 -separator $'\t' "${2#sqlite:}" "$q"
  else $MYSQL -N -B -r "${2##*/}" -e "$q"; fi
}
timed() { # $1 name $2 cores ("" = any) -- cmd...: wall time + /usr/bin/time -v
  local name=$1 cores=$2; shift 3
  local pin=(); [[ -n $cores ]] && pin=(taskset -c "$cores")
  local s e; s=$(date +%s.%N)
  /usr/bin/time -v -o "$OUT/$name.time" "${pin[@]}" "$@" > "$OUT/$name.out" 2> "$OUT/$name.err" || echo "$name: exit $?" >&2
  e=$(date +%s.%N); echo "$e - $s" | bc > "$OUT/$name.wall"
}
pass() { # $1 backend $2 threads $3 cores $4 name [$5 url]
  local url=${5:-$(dburl "$1" "$4")}
  timed "$4" "$3" -- "$B" -v --db "$url" run --mode all --once --threads "$2" --data-dir "$OUT/Data-$4"
  rows_of "$1" "$url" > "$OUT/$4.rows"
  python3 "$here/score.py" "$OUT/day.tsv" "$OUT/$4.rows" > "$OUT/$4.score.json" 2> "$OUT/$4.score.err" || cat "$OUT/$4.score.err" >&2
}
compare_setup() {
  rm -rf "$OUT/cmp"; mkdir -p "$OUT/cmp/known" "$OUT/cmp/unknown"
  awk -F'\t' -v d="$OUT/cmp" '$1=="train"{n++; system("ln -s " $3 " " d "/known/k" n ".jpg")}
                             $1=="stream"{m++; system("ln -s " $3 " " d "/unknown/" m ".jpg")}' "$OUT/day.tsv"
}
compare() { timed "compare-t$1" "$2" -- "$B" compare --cpus "$1" --show-distance "$OUT/cmp/known" "$OUT/cmp/unknown"; }
proto() { # $1 cpus $2 cores
  rm -f "$OUT/proto-c$1.db"; cp "$OUT/template.db" "$OUT/proto-c$1.db"
  timed "proto-c$1" "$2" -- "$here/prototype.sh" "$OUT/proto-c$1.db" "$1" "$OUT/Data-proto-c$1"
  rows_of sqlite "sqlite:$OUT/proto-c$1.db" > "$OUT/proto-c$1.rows"
  python3 "$here/score.py" "$OUT/day.tsv" "$OUT/proto-c$1.rows" > "$OUT/proto-c$1.score.json"
}

[[ $COMPARE == 1 ]] && compare_setup
for t in $THREADS; do
  if [[ $t == 1 && $PAIR == 1 ]]; then
    # side by side, one core each: the 1-thread pass with a 1-thread job that
    # does not share its core (compare, then the prototype, then nothing)
    i=0; partners=(); [[ $COMPARE == 1 ]] && partners+=(compare); [[ " $PROTO_CPUS " == *" 1 "* ]] && partners+=(proto)
    for be in $BACKENDS; do
      url=$(dburl "$be" "$be-t1")
      wait_idle "$be-t1 (pinned core 0) | ${partners[$i]:-nothing} (core 1)"
      pass "$be" 1 0 "$be-t1" "$url" &
      p=$!
      case ${partners[$i]:-} in compare) compare 1 1 ;; proto) proto 1 1 ;; esac
      wait $p; i=$((i + 1))
    done
    for ((; i < ${#partners[@]}; i++)); do
      wait_idle "${partners[$i]} (1 cpu, pinned core 1)"
      case ${partners[$i]} in compare) compare 1 1 ;; proto) proto 1 1 ;; esac
    done
  else
    for be in $BACKENDS; do url=$(dburl "$be" "$be-t$t"); wait_idle "$be-t$t"; pass "$be" "$t" "" "$be-t$t" "$url"; done
    [[ $COMPARE == 1 ]] && { wait_idle "compare-t$t"; compare "$t" ""; }
  fi
done
for c in $PROTO_CPUS; do
  [[ $c == 1 && $PAIR == 1 && " $THREADS " == *" 1 "* ]] && continue
  wait_idle "proto-c$c"; proto "$c" ""
done

if [[ $RSS_ROWS -gt 0 ]]; then
  python3 "$here/build_day.py" --rows "$RSS_ROWS" > "$OUT/rss.tsv"
  python3 "$here/import_day.py" "$B" "sqlite:$OUT/rss.db" "$OUT/rss.tsv"
  wait_idle "rss (sqlite, 2 threads, $RSS_ROWS rows)"
  timed rss "" -- ${RSS_NICE:+nice -n "$RSS_NICE"} "$B" -v --db "sqlite:$OUT/rss.db" run --mode all --once --threads 2 --data-dir "$OUT/Data-rss"
  rows_of sqlite "sqlite:$OUT/rss.db" > "$OUT/rss.rows"
  python3 "$here/score.py" "$OUT/rss.tsv" "$OUT/rss.rows" > "$OUT/rss.score.json" || true
fi
kill "$MON" 2>/dev/null || true; MON=
python3 "$here/table.py" "$OUT" | tee "$OUT/table.md"
