#!/usr/bin/env python3
"""What distances mean: confidence, FAR and FRR at a list of tolerances.

Reads an `evaluate --scores` CSV (image1,image2,same,distance,confidence; an
empty distance is a failed pair, counted as a reject) and a calibration file.

  scripts/far_frr_table.py scores.csv [models/calibration.json] [0.4 0.5 ...]
"""
import csv
import json
import math
import sys


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 1
    cal_path = sys.argv[2] if len(sys.argv) > 2 else "models/calibration.json"
    tolerances = [float(t) for t in sys.argv[3:]] or [0.4, 0.5, 0.55, 0.6, 0.65, 0.7]
    cal = json.load(open(cal_path))
    slope, mid = cal["logistic"]["slope"], cal["logistic"]["midpoint"]
    rows = list(csv.DictReader(open(sys.argv[1])))
    same = [r for r in rows if r["same"] == "1"]
    diff = [r for r in rows if r["same"] == "0"]
    print("| distance | confidence (`accuracy`) | FAR at this tolerance | FRR at this tolerance |")
    print("|---:|---:|---:|---:|")
    for t in tolerances:
        conf = 1 / (1 + math.exp(slope * (t - mid)))
        far = sum(1 for r in diff if r["distance"] and float(r["distance"]) <= t) / len(diff)
        frr = sum(1 for r in same if not r["distance"] or float(r["distance"]) > t) / len(same)
        print(f"| {t:.2f} | {100 * conf:.1f}% | {100 * far:.1f}% | {100 * frr:.1f}% |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
