#!/usr/bin/env python3
"""confidence.py DAY.tsv DB.sqlite [CALIBRATION.json ...] -> is the day's accuracy calibrated?

For the snapshots of a simulated-day SQLite database (run_day.sh keeps
`<run>.db` in its results folder) whose best face has a distance, compares
the stored `accuracy` with the truth (the snapshot shows the agent or not):
expected calibration error over 10 equal-width bins and the reliability
table. For each calibration file given, also the ECE its logistic curve in
the distance alone would have had on the same rows (e.g. the distance-only
calibration shipped before the mirror-gap term:
`git show befc671:models/calibration.json > old.json`). Rows are joined to
DAY.tsv as score.py does: within a lan_id, stream ids ascend in manifest order.
"""
import json
import math
import sys

from day_join import joined


def ece(confidences, truths, bins=10):
    table, total = [], 0.0
    for b in range(bins):
        idx = [i for i, p in enumerate(confidences) if min(int(p * bins), bins - 1) == b]
        if idx:
            mean = sum(confidences[i] for i in idx) / len(idx)
            seen = sum(truths[i] for i in idx) / len(idx)
            table.append((b, len(idx), mean, seen))
            total += len(idx) * abs(mean - seen)
    return total / max(len(confidences), 1), table


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 1
    distances, stored, same = [], [], []
    for truth, (distance, accuracy) in joined(sys.argv[1], sys.argv[2], ["distance", "accuracy"]):
        if distance is not None and accuracy is not None:
            distances.append(distance)
            stored.append(accuracy / 100.0)
            same.append(1 if truth == "match" else 0)
    print(f"snapshots with a distance: {len(same)} ({sum(same)} show the agent)")
    error, table = ece(stored, same)
    print(f"stored accuracy: ECE {error:.4f}")
    print("| confidence | snapshots | mean confidence | share showing the agent |")
    print("|---|---:|---:|---:|")
    for b, n, mean, seen in table:
        print(f"| {10 * b}-{10 * b + 10}% | {n} | {100 * mean:.1f}% | {100 * seen:.1f}% |")
    for path in sys.argv[3:]:
        logistic = json.load(open(path))["logistic"]
        slope, midpoint = logistic["slope"], logistic["midpoint"]
        curve = [1.0 / (1.0 + math.exp(slope * (d - midpoint))) for d in distances]
        print(f"{path}, distance only (slope {slope:.2f}, midpoint {midpoint:.4f}): ECE {ece(curve, same)[0]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
