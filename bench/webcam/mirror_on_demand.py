#!/usr/bin/env python3
"""mirror_on_demand.py MIRRORED.csv MIRRORED_CAL.json PLAIN.csv PLAIN_CAL.json

What mirroring only near the threshold would do (issue 17, item 4), worked
out offline from two `biosense evaluate --scores` runs over the same pairs:
one with mirrored encodings, one without, each judged at its own
calibration's threshold. For a margin m, a pair is decided on its plain
distance unless that lies within m of the plain threshold, and then on its
mirrored distance: the share of pairs that would need the mirror, and
FMR/FNMR, beside always and never mirroring. Prints a Markdown table.
"""
import csv
import json
import sys


def scores(path):
    out = {}
    for r in csv.DictReader(open(path)):
        if r["distance"]:
            out[(r["image1"], r["image2"])] = (r["same"] in ("1", "true", "True"), float(r["distance"]))
    return out


def threshold(path):
    return json.load(open(path))["operating_point"]["threshold"]


def main():
    mirrored, t_mirror = scores(sys.argv[1]), threshold(sys.argv[2])
    plain, t_plain = scores(sys.argv[3]), threshold(sys.argv[4])
    keys = sorted(mirrored.keys() & plain.keys())
    same = sum(1 for k in keys if plain[k][0])
    different = len(keys) - same

    def row(name, decide, mirrored_share):
        fa = sum(1 for k in keys if not plain[k][0] and decide(k))
        fr = sum(1 for k in keys if plain[k][0] and not decide(k))
        print(f"| {name} | {100 * mirrored_share:.1f}% | {100 * fa / different:.3f}% ({fa}) | "
              f"{100 * fr / same:.2f}% ({fr}) |")

    print(f"{len(keys)} pairs ({same} same, {different} different); thresholds: plain {t_plain:.4f}, "
          f"mirrored {t_mirror:.4f}\n")
    print("| encodings | pairs that need the mirror | FMR (FAR) | FNMR (FRR) |")
    print("|---|---:|---:|---:|")
    row("never mirrored", lambda k: plain[k][1] <= t_plain, 0.0)
    for m in (0.05, 0.10, 0.15):
        near = lambda k, m=m: abs(plain[k][1] - t_plain) <= m
        share = sum(1 for k in keys if near(k)) / len(keys)
        row(f"mirrored within {m:.2f} of the threshold",
            lambda k, near=near: (mirrored[k][1] <= t_mirror) if near(k) else (plain[k][1] <= t_plain), share)
    row("always mirrored (the pass)", lambda k: mirrored[k][1] <= t_mirror, 1.0)


if __name__ == "__main__":
    main()
