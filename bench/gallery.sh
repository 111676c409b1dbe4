#!/usr/bin/env bash
# gallery.sh: what the gallery check costs (docs/performance.md, "The gallery
# check"): the comparison of one snapshot with 10, 1,000 and 10,000 enrolled
# agents, and the gallery load from a real SQLite file (and, with
# --mariadb, a scratch MariaDB database) holding that many approved
# benchmarks (enrolment photos of PHOTO_KB KB of noise, as large as a webcam
# JPEG) with cached encodings. Random unit encodings: the timing does not
# depend on the faces.
#
#   cmake --build build --target bench_gallery biosense
#   bench/gallery.sh [--mariadb] [SIZES]      # SIZES default 10,1000,10000
#
# Env: BUILD (default build), PHOTO_KB (default 40), OUT (default a folder
# under /tmp, kept: delete it, the 10,000-agent file is 420 MB).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd)
BUILD=${BUILD:-$root/build}
B=$BUILD/biosense; BENCH=$BUILD/bench_gallery
mariadb=0
if [ "${1:-}" = "--mariadb" ]; then mariadb=1; shift; fi
SIZES=${1:-10,1000,10000}
PHOTO_KB=${PHOTO_KB:-40}
OUT=${OUT:-$(mktemp -d /tmp/bench_gallery.XXXXXX)}
MYSQL=(mariadb -uroot -h127.0.0.1 -P3306 -N)
dbs=()
cleanup() { for db in "${dbs[@]}"; do "${MYSQL[@]}" -e "DROP DATABASE IF EXISTS \`$db\`" || true; done; }
trap cleanup EXIT

echo "## comparison per snapshot (load average $(cut -d' ' -f1-3 /proc/loadavg))"
"$BENCH" compare --agents "$SIZES"

echo
echo "## load from SQLite ($OUT; $PHOTO_KB KB enrolment photos; median of 7)"
echo "| agents | load_gallery ms | load + matrix ms |"
echo "|---:|---:|---:|"
for n in ${SIZES//,/ }; do
  url="sqlite:$OUT/gallery-$n.db"
  "$B" --db "$url" db migrate >/dev/null 2>&1
  "$BENCH" load --db "$url" --agents "$n" --photo-kb "$PHOTO_KB"
done
ls -l "$OUT"/*.db | awk '{print "#", $5, $9}'

if [ "$mariadb" -eq 1 ]; then
  echo
  echo "## load from MariaDB ($PHOTO_KB KB enrolment photos; median of 7)"
  echo "| agents | load_gallery ms | load + matrix ms |"
  echo "|---:|---:|---:|"
  for n in ${SIZES//,/ }; do
    db="biosense_bench_gallery_$$_$n"; dbs+=("$db")
    "${MYSQL[@]}" -e "CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    url="mysql://root@127.0.0.1:3306/$db"
    "$B" --db "$url" db migrate >/dev/null 2>&1
    "$BENCH" load --db "$url" --agents "$n" --photo-kb "$PHOTO_KB"
  done
fi
