#!/usr/bin/env bash
# consume_db_cost.sh: what one `consume` decision costs MariaDB, measured at
# the server (docs/scaling.md, "What one decision costs the database").
#
# A scratch database gets one enrolment photo per LFW person and SNAPSHOTS
# snapshots (other LFW photos of the same people), the enrolment photos are
# decided (so every benchmark encoding is cached: steady state), the
# snapshots are published, and one consumer decides them. MariaDB's global
# counters (SHOW GLOBAL STATUS: Questions, Com_*, Bytes_*, Innodb_*) are read
# before and after; the same read over an idle interval of the same length
# gives the background to subtract. Run it with nothing else using the
# server: the counters are global.
#
# Env: BIOSENSE (binary, default build/biosense), SNAPSHOTS (60), OUT,
#   BIOSENSE_TEST_DATA (datasets), BIOSENSE_AMQP_URL.
# Output: OUT/cost.tsv: counter, total, background, per decision.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd)
B=${BIOSENSE:-$root/build/biosense}
SNAPSHOTS=${SNAPSHOTS:-60}
DATA=${BIOSENSE_TEST_DATA:-$root/../shared/datasets}
OUT=${OUT:-$root/bench/results/db-cost/$(date +%Y%m%dT%H%M%S)}
MYSQL=(mariadb -uroot -h127.0.0.1 -P3306 -N)
DB="biosense_dbcost_$$"; PREFIX="dbcost-$$-"
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
cleanup() {
  "${MYSQL[@]}" -e "DROP DATABASE IF EXISTS \`$DB\`" || true
  for q in facestreaming facestreaming.dead; do rabbitmqctl -q delete_queue "$PREFIX$q" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
URL="mysql://root@127.0.0.1:3306/$DB"
"${MYSQL[@]}" -e "CREATE DATABASE \`$DB\`"
"$B" --db "$URL" db migrate >/dev/null 2>&1

# Per LFW person with >= 2 photos: the first enrols, the next ones are snapshots.
n=0
for person in "$DATA"/lfw-view1/images/*/; do
  mapfile -t photos < <(ls "$person"*.jpg)
  [ "${#photos[@]}" -ge 2 ] || continue
  lan="LFW\\$(basename "$person")"
  "$B" --db "$URL" import --lan-id "$lan" --train "${photos[0]}" >/dev/null 2>&1
  for p in "${photos[@]:1}"; do
    [ "$n" -lt "$SNAPSHOTS" ] || break
    "$B" --db "$URL" import --lan-id "$lan" --stream "$p" >/dev/null 2>&1; n=$((n + 1))
  done
  [ "$n" -lt "$SNAPSHOTS" ] || break
done
"$B" --db "$URL" run --mode train --data-dir "$OUT/Data" 2>"$OUT/train.log"
"$B" --db "$URL" publish --pending --queue-prefix "$PREFIX" 2>"$OUT/publish.log"
mean_bytes=$("${MYSQL[@]}" "$DB" -e "SELECT CAST(AVG(LENGTH(image)) AS SIGNED) FROM stream_img")

counters="'Questions','Com_select','Com_update','Com_insert','Com_begin','Com_commit','Com_rollback','Bytes_received','Bytes_sent','Innodb_rows_read','Innodb_rows_updated','Innodb_rows_inserted','Innodb_os_log_fsyncs','Connections'"
status() { "${MYSQL[@]}" -e "SHOW GLOBAL STATUS WHERE Variable_name IN ($counters)"; }

status > "$OUT/before.txt"; t0=$(date +%s.%N)
"$B" --db "$URL" consume --queues facestreaming --queue-prefix "$PREFIX" --exit-when-idle 2 \
  --data-dir "$OUT/Data" 2>"$OUT/consume.log"
t1=$(date +%s.%N); status > "$OUT/after.txt"
decided=$("${MYSQL[@]}" "$DB" -e "SELECT COUNT(*) FROM stream_img WHERE status IN ('Y','F')")
# The background: the same counters over an idle interval as long as the run.
status > "$OUT/idle-before.txt"; sleep "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", b - a}')"; status > "$OUT/idle-after.txt"

python3 - "$OUT" "$decided" "$mean_bytes" <<'PY' | tee "$OUT/cost.tsv"
import sys
out, decided, mean_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def read(name):
    return {k: int(v) for k, v in (l.split("\t") for l in open(f"{out}/{name}.txt").read().split("\n") if l)}
b, a, ib, ia = read("before"), read("after"), read("idle-before"), read("idle-after")
print(f"# {decided} decisions, mean snapshot {mean_bytes} bytes; per decision = (run - idle) / decisions")
print("counter\trun\tidle\tper_decision")
for k in sorted(a):
    run, idle = a[k] - b[k], ia[k] - ib[k]
    print(f"{k}\t{run}\t{idle}\t{(run - idle) / decided:.2f}")
PY
echo "results: $OUT/cost.tsv" >&2
