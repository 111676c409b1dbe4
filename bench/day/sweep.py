#!/usr/bin/env python3
"""sweep.py DAY.tsv DB.sqlite [TOLERANCE...] -> what other tolerances would decide.

For the snapshots of a simulated-day SQLite database (run_day.sh keeps
`<run>.db` in its results folder) whose best face has a distance, counts how
many genuine snapshots ("match") and impostors ("nomatch") each tolerance
accepts. Rows are joined to DAY.tsv as score.py does: within a lan_id, stream
ids ascend in manifest order.
"""
import sys

from day_join import joined

day, db = sys.argv[1], sys.argv[2]
tolerances = [float(t) for t in sys.argv[3:]] or [0.55, 0.58, 0.6, 0.62, 0.64, 0.66, 0.68, 0.7]
distances = {"match": [], "nomatch": []}
for truth, (distance,) in joined(day, db, ["distance"]):
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
