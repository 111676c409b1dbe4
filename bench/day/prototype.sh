#!/usr/bin/env bash
# prototype.sh DB.sqlite [CPUS] [DATA_DIR]: the user's prototype on a biosense
# SQLite database (see prototype.py and README.md). Prints the wall time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=$1; cpus=${2:-1}; data=${3:-$(dirname "$db")/Data-prototype}
start=$(date +%s.%N)
python3 "$here/prototype.py" "$db" "$data" "$cpus"
end=$(date +%s.%N)
echo "prototype: wall $(echo "$end - $start" | bc) s, cpus $cpus" >&2
