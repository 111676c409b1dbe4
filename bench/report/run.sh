#!/usr/bin/env bash
# The report on a large stream_img (issue 7): generates ROWS snapshots (no
# image bytes) over DAYS days for AGENTS agents in a scratch MariaDB database
# and a scratch SQLite file, then times `biosense report --format json` and
# the 004 views for the whole range, one day and one agent.
#
# Usage: bench/report/run.sh [BUILD_DIR]   (default: build)
#   env: ROWS=1000000 AGENTS=50 DAYS=30 RUNS=3
#        BENCH_MARIADB='-uroot -h127.0.0.1 -P3306' (mariadb client options)
#        BENCH_MARIADB_URL=mysql://root@127.0.0.1:3306   (for biosense)
#        BENCH_DIR=/tmp/biosense_bench_report            (the SQLite file)
# The database biosense_bench_report is dropped and created again; the
# SQLite file is rebuilt. Prints one line per measurement: backend, what,
# best and median seconds of RUNS runs.
#
# Rows: capture times evenly spread from 2024-01-01 00:00:00; agent n % AGENTS;
# each agent's every 100 rows carry a fixed mix: 80 SUCCESS, 5 SUCCESS_MULTIPLE_FACES,
# 5 UNKNOWN_PERSON, 5 NO_FACES_FOUND, 2 UNKNOWN_MULTIPLE_FACES,
# 1 NO_TRAINING_IMAGE (F), 1 INVALID_IMAGE (F), 1 still pending (N);
# processed 0-299 s after capture.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build}
bin=$build/biosense
rows=${ROWS:-1000000} agents=${AGENTS:-50} days=${DAYS:-30} runs=${RUNS:-3}
read -r -a client <<<"${BENCH_MARIADB:--uroot -h127.0.0.1 -P3306}"
mariadb_url=${BENCH_MARIADB_URL:-mysql://root@127.0.0.1:3306}/biosense_bench_report
dir=${BENCH_DIR:-/tmp/biosense_bench_report}
sqlite_file=$dir/bench.db
span=$((days * 86400))
[ -x "$bin" ] || { echo "build biosense first ($bin missing)" >&2; exit 1; }

log() { printf '[bench-report] %s\n' "$*" >&2; }

# The generated columns, as SQL both dialects accept; n is the row number
# and b its result bucket (0-99), which steps once per round of agents
# (agent n % AGENTS), so every agent gets the whole mix.
bucket="b"
status_sql="CASE WHEN $bucket = 99 THEN 'N' WHEN $bucket IN (97, 98) THEN 'F' ELSE 'Y' END"
result_sql="CASE WHEN $bucket < 80 THEN 'SUCCESS' WHEN $bucket < 85 THEN 'SUCCESS_MULTIPLE_FACES'
  WHEN $bucket < 90 THEN 'UNKNOWN_PERSON' WHEN $bucket < 95 THEN 'NO_FACES_FOUND'
  WHEN $bucket < 97 THEN 'UNKNOWN_MULTIPLE_FACES' WHEN $bucket = 97 THEN 'NO_TRAINING_IMAGE'
  WHEN $bucket = 98 THEN 'INVALID_IMAGE' ELSE NULL END"
faces_sql="CASE WHEN $bucket < 80 THEN 1 WHEN $bucket < 85 THEN 2 WHEN $bucket < 90 THEN 1
  WHEN $bucket < 95 THEN 0 WHEN $bucket < 97 THEN 3 ELSE NULL END"
accuracy_sql="CASE WHEN $bucket < 85 THEN 80 + (n * 7 % 200) / 10.0 WHEN $bucket < 90 THEN (n * 13 % 400) / 10.0
  WHEN $bucket < 95 THEN NULL WHEN $bucket < 97 THEN (n * 13 % 300) / 10.0 ELSE NULL END"

generate_mariadb() {
  mariadb "${client[@]}" -e "DROP DATABASE IF EXISTS biosense_bench_report;
    CREATE DATABASE biosense_bench_report CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
  "$bin" --db "$mariadb_url" db migrate >/dev/null
  mariadb "${client[@]}" biosense_bench_report -e "
    INSERT INTO stream_img (lan_id, capture_time, status, result, processed_time, num_faces, accuracy)
    SELECT CONCAT('NA\\\\agent', LPAD(n % $agents, 3, '0')),
           TIMESTAMP('2024-01-01 00:00:00') + INTERVAL (n * $span DIV $rows) SECOND,
           $status_sql, $result_sql,
           CASE WHEN $bucket = 99 THEN NULL
                ELSE TIMESTAMP('2024-01-01 00:00:00') + INTERVAL (n * $span DIV $rows + n % 300) SECOND END,
           $faces_sql, $accuracy_sql
    FROM (SELECT seq AS n, (seq DIV $agents) % 100 AS b FROM seq_1_to_$rows) s;
    ANALYZE TABLE stream_img;" >/dev/null
}

generate_sqlite() {
  mkdir -p "$dir"
  rm -f "$sqlite_file"
  "$bin" --db "sqlite:$sqlite_file" db migrate >/dev/null
  sqlite3 "$sqlite_file" "
    PRAGMA journal_mode = WAL;
    WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $rows)
    INSERT INTO stream_img (lan_id, capture_time, status, result, processed_time, num_faces, accuracy)
    SELECT 'NA\\agent' || substr('000' || (n % $agents), -3),
           datetime('2024-01-01 00:00:00', '+' || (n * $span / $rows) || ' seconds'),
           $status_sql, $result_sql,
           CASE WHEN $bucket = 99 THEN NULL
                ELSE datetime('2024-01-01 00:00:00', '+' || (n * $span / $rows + n % 300) || ' seconds') END,
           $faces_sql, $accuracy_sql
    FROM (SELECT n, (n / $agents) % 100 AS b FROM seq);
    ANALYZE;" >/dev/null
}

# best and median wall seconds of `runs` runs of "$@" (output discarded).
timed() {
  local times=() start end
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "best %.3f s  median %.3f s", a[1], a[int((NR+1)/2)]}'
}

measure() {  # backend url agent-literal query-runner...
  local name=$1 url=$2 agent=$3
  shift 3
  local last_day_since="2024-01-$(printf '%02d' "$days") 00:00:00" last_day_until="2024-01-$(printf '%02d' "$days") 23:59:59"
  [ "$days" -le 31 ] || { last_day_since="2024-01-15 00:00:00"; last_day_until="2024-01-16 00:00:00"; }
  local all=(--since 2024-01-01 --until 2025-01-01)
  echo "$name  report json, whole range     $(timed "$bin" --db "$url" report --format json "${all[@]}")"
  echo "$name  report json, one day         $(timed "$bin" --db "$url" report --format json --since "$last_day_since" --until "$last_day_until")"
  echo "$name  report json, one agent       $(timed "$bin" --db "$url" report --format json "${all[@]}" --lan-id 'NA\agent007')"
  echo "$name  report html, whole range     $(timed "$bin" --db "$url" report --format html "${all[@]}")"
  local q
  for q in "SELECT COUNT(*), SUM(n) FROM report_hourly" \
           "SELECT * FROM report_hourly WHERE hour >= '${last_day_since:0:13}:00' AND hour < '2024-12-31 00:00'" \
           "SELECT * FROM report_hourly WHERE lan_id = '$agent'" \
           "SELECT COUNT(*) FROM report_non_success" \
           "SELECT * FROM report_non_success ORDER BY id DESC LIMIT 100" \
           "SELECT * FROM report_agent_rates"; do
    echo "$name  view: ${q:0:80}  $(timed "$@" "$q")"
  done
}

log "generating $rows rows ($agents agents, $days days) in MariaDB biosense_bench_report"
start=$SECONDS
generate_mariadb
log "MariaDB: $((SECONDS - start)) s"
start=$SECONDS
log "generating $rows rows in SQLite $sqlite_file"
generate_sqlite
log "SQLite: $((SECONDS - start)) s"

echo "machine: $(nproc) CPU ($(lscpu | sed -n 's/^Model name: *//p')), $(free -g | awk '/Mem:/ {print $2}') GB RAM;" \
  "$(mariadb "${client[@]}" -N -e 'SELECT VERSION()'); SQLite $(sqlite3 --version | cut -d' ' -f1)"
# String literals: MariaDB reads a backslash as an escape, SQLite does not.
measure mariadb "$mariadb_url" 'NA\\agent007' mariadb "${client[@]}" biosense_bench_report -N -e
measure sqlite "sqlite:$sqlite_file" 'NA\agent007' sqlite3 "$sqlite_file"
