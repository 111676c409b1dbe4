#!/usr/bin/env python3
"""sweep.py DAY.tsv DB.sqlite [TOLERANCE...] -> what other tolerances would decide.

For the snapshots of a simulated-day SQLite database (run_day.sh keeps
`<run>.db` in its results folder) whose best face has a distance, counts how
many genuine snapshots ("match") and impostors ("nomatch") each tolerance
accepts. Rows are joined to DAY.tsv as score.py does: within a lan_id, stream
ids ascend in manifest order.
"""
import sqlite3
import sys
from collections import defaultdict

day, db = sys.argv[1], sys.argv[2]
tolerances = [float(t) for t in sys.argv[3:]] or [0.55, 0.58, 0.6, 0.62, 0.64, 0.66, 0.68, 0.7]
truths = defaultdict(list)
for line in open(day):
    kind, lan, _path, truth = line.rstrip("\n").split("\t")
    if kind == "stream":
        truths[lan].append(truth)
rows = defaultdict(list)
for i, lan, distance in sqlite3.connect(db).execute("select id, lan_id, distance from stream_img"):
    rows[lan].append((i, distance))
distances = {"match": [], "nomatch": []}
for lan, expected in truths.items():
    got = sorted(rows.get(lan, []))
    if len(got) != len(expected):
        sys.exit(f"{lan}: {len(got)} rows in the database, {len(expected)} in the day")
    for truth, (_i, distance) in zip(expected, got):
        if distance is not None:
            distances[truth].append(distance)
genuine, impostor = distances["match"], distances["nomatch"]
print(f"genuine snapshots with a distance: {len(genuine)}; impostors: {len(impostor)}; "
      f"closest impostor: {min(impostor):.3f}")
print("| tolerance | genuine accepted | impostors accepted |")
print("|---:|---:|---:|")
for t in tolerances:
    g = sum(d <= t for d in genuine)
    n = sum(d <= t for d in impostor)
    print(f"| {t:.2f} | {g} ({100.0 * g / len(genuine):.1f}%) | {n} |")
