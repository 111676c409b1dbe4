#!/usr/bin/env bash
# consume_scaling.sh: decisions/s of `biosense consume` with 1..4 consumers on
# real photos (celeba-dev), as written up in docs/scaling.md.
#
# Builds one SQLite database from celeba-dev (per identity: its first photo is
# the enrolment photo, the next ones are snapshots, SNAPSHOTS in all), decides
# the enrolment photos once (so every benchmark encoding is cached, as in
# steady state), then for each N in CONSUMERS: copies that database, publishes
# every pending snapshot with `biosense publish --pending`, and runs
# `biosense consume --consumers N --exit-when-idle 3` until the queue is empty.
# The rate is the consumer's own summary: decided / (last ack - first message),
# so model loading and the idle tail are not counted.
#
# Env: BIOSENSE (binary, default build/biosense), SNAPSHOTS (160), CONSUMERS
#   ("1 2 3 4"), OUT (results folder), BIOSENSE_TEST_DATA (datasets),
#   BIOSENSE_AMQP_URL (broker; default the local guest account).
# Queues are named consume-bench-<pid>-facestreaming and deleted at the end.
# Output: OUT/results.tsv: consumers, decided, seconds of work, decisions/s,
#   CPU seconds (user+sys of the whole consume process, start-up included) per
#   decision, load average (1/5/15 min) before and after.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/.." && pwd)
B=${BIOSENSE:-$root/build/biosense}
SNAPSHOTS=${SNAPSHOTS:-160}
CONSUMERS=${CONSUMERS:-1 2 3 4}
DATA=${BIOSENSE_TEST_DATA:-$root/../shared/datasets}
OUT=${OUT:-$root/bench/results/consume/$(date +%Y%m%dT%H%M%S)}
PREFIX="consume-bench-$$-"
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
cp "$B" "$OUT/biosense"; B=$OUT/biosense  # a fixed copy: rebuilds elsewhere cannot change it mid-run

cleanup() {
  for q in facestreaming facetraining facestreaming.dead facetraining.dead; do
    rabbitmqctl -q delete_queue "$PREFIX$q" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# --- the database: enrolment photo + snapshots per celeba identity ----------
base="$OUT/base.db"
"$B" --db "sqlite:$base" db migrate >/dev/null 2>&1
python3 - "$DATA/celeba-dev" "$SNAPSHOTS" > "$OUT/plan.tsv" <<'PY'
import sys, collections
root, want = sys.argv[1], int(sys.argv[2])
by_id = collections.OrderedDict()
for line in open(f"{root}/identity.txt").read().split("\n")[1:]:
    if line.strip():
        image, ident = line.split()
        by_id.setdefault(ident, []).append(image)
# Round-robin over identities so every agent has snapshots.
train = {i: imgs[0] for i, imgs in by_id.items() if len(imgs) > 1}
rest = {i: imgs[1:] for i, imgs in by_id.items() if len(imgs) > 1}
n, k = 0, 0
stream = collections.defaultdict(list)
while n < want and any(len(v) > k for v in rest.values()):
    for i, imgs in rest.items():
        if k < len(imgs) and n < want:
            stream[i].append(imgs[k]); n += 1
    k += 1
for i in train:
    if stream[i]:
        print("train", f"celeba\\{i}", f"{root}/images/{train[i]}", sep="\t")
        print("stream", f"celeba\\{i}", *[f"{root}/images/{s}" for s in stream[i]], sep="\t")
PY
while IFS=$'\t' read -r kind lan files; do
  # shellcheck disable=SC2086
  "$B" --db "sqlite:$base" import --lan-id "$lan" --"$kind" $files >/dev/null 2>&1
done < "$OUT/plan.tsv"
"$B" --db "sqlite:$base" run --mode train --data-dir "$OUT/Data" 2>"$OUT/train.log"
nstream=$(sqlite3 "$base" "select count(*) from stream_img")
avg_bytes=$(sqlite3 "$base" "select cast(avg(length(image)) as int) from stream_img")
echo "database: $(sqlite3 "$base" "select count(*) from train_img") enrolment photos, $nstream snapshots (mean $avg_bytes bytes)" | tee "$OUT/db.txt"

{ echo "nproc $(nproc)"; grep -m1 'model name' /proc/cpuinfo; echo "biosense $(git -C "$root" rev-parse --short HEAD)"; } > "$OUT/machine.txt"

printf 'consumers\tdecided\tseconds\trate\tcpu_s_per_decision\tload_before\tload_after\n' > "$OUT/results.tsv"
for n in $CONSUMERS; do
  db="$OUT/run-$n.db"
  cp "$base" "$db"
  "$B" --db "sqlite:$db" publish --pending --queue-prefix "$PREFIX" 2>>"$OUT/publish.log"
  before=$(cut -d' ' -f1-3 /proc/loadavg)
  /usr/bin/time -f '%U %S' -o "$OUT/time-$n.txt" \
    "$B" --db "sqlite:$db" consume --queues facestreaming --consumers "$n" --queue-prefix "$PREFIX" \
    --exit-when-idle 3 --data-dir "$OUT/Data" 2>"$OUT/consume-$n.log"
  after=$(cut -d' ' -f1-3 /proc/loadavg)
  line=$(grep -o 'consume: [0-9]* decided in [0-9.]*s of work ([0-9.]*/s)' "$OUT/consume-$n.log" | tail -n 1)
  decided=$(sed -E 's/consume: ([0-9]+) decided.*/\1/' <<<"$line")
  secs=$(sed -E 's/.* in ([0-9.]+)s of work.*/\1/' <<<"$line")
  rate=$(sed -E 's/.*\(([0-9.]+)\/s\).*/\1/' <<<"$line")
  left=$(sqlite3 "$db" "select count(*) from stream_img where status not in ('Y','F')")
  [[ "$decided" == "$nstream" && "$left" == 0 ]] || { echo "run $n: decided $decided of $nstream ($left left)" >&2; exit 1; }
  cpu=$(awk -v d="$decided" '{printf "%.3f", ($1 + $2) / d}' "$OUT/time-$n.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$decided" "$secs" "$rate" "$cpu" "$before" "$after" | tee -a "$OUT/results.tsv"
done
echo "results: $OUT/results.tsv"
