#!/usr/bin/env python3
"""BPCER/APCER tables and a threshold curve from bench_watch's CSV.

    summarize.py SCORES.csv [--shape 0.03] [--frozen 0.01]

ISO/IEC 30107-3 vocabulary, per sequence of N snapshots:
  BPCER (bona fide presentation classification error rate): share of genuine
        sequences that raise any of IMPERSONATION, REPLAYED_IMAGE, FROZEN_FEED;
  APCER (attack presentation classification error rate), per attack kind:
        share of attack sequences that raise none of them.
IMPERSONATION = shape_residual <= --shape; FROZEN_FEED = every consecutive
whole-frame change <= --frozen (a sequence of N frames); REPLAYED_IMAGE =
identical bytes (threshold-free, taken from the alerts column). A sequence in
which some frame gave no face now cannot be scored for IMPERSONATION
("no score"); it counts as not detected by that check.
"""
import argparse
import csv
from collections import defaultdict

GENUINE = ["genuine_celeba", "genuine_lfw"]
ATTACKS = ["resent", "jpeg", "shift_scale", "light", "noise", "angle", "held_photo"]


def verdicts(row, shape, frozen):
    imp = row["shape_residual"] != "" and float(row["shape_residual"]) <= shape
    frz = float(row["max_change"]) <= frozen
    rep = "REPLAYED_IMAGE" in row["alerts"].split("|")
    return imp, rep, frz


def pct(n, d):
    return f"{100.0 * n / d:.1f}%" if d else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scores")
    ap.add_argument("--shape", type=float, default=0.03)
    ap.add_argument("--frozen", type=float, default=0.01)
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.scores)))
    by_kind = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)

    print(f"At the defaults (shape residual <= {a.shape}, frame change <= {a.frozen}):\n")
    print("| kind | sequences | no score | IMPERSONATION | REPLAYED_IMAGE | FROZEN_FEED | any alert | rate |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for kind in GENUINE + ATTACKS:
        seqs = by_kind.get(kind, [])
        if not seqs:
            continue
        n = len(seqs)
        noscore = sum(1 for r in seqs if r["shape_residual"] == "")
        v = [verdicts(r, a.shape, a.frozen) for r in seqs]
        imp = sum(x[0] for x in v)
        rep = sum(x[1] for x in v)
        frz = sum(x[2] for x in v)
        anyalert = sum(any(x) for x in v)
        rate = f"BPCER {pct(anyalert, n)}" if kind in GENUINE else f"APCER {pct(n - anyalert, n)}"
        print(f"| {kind} | {n} | {noscore} | {pct(imp, n)} | {pct(rep, n)} | {pct(frz, n)} | {pct(anyalert, n)} | {rate} |")
    genuine = [r for k in GENUINE for r in by_kind.get(k, [])]
    attacks = [r for k in ATTACKS for r in by_kind.get(k, [])]
    g_alert = sum(any(verdicts(r, a.shape, a.frozen)) for r in genuine)
    a_miss = sum(not any(verdicts(r, a.shape, a.frozen)) for r in attacks)
    print(f"\nAll genuine: BPCER {pct(g_alert, len(genuine))} ({g_alert}/{len(genuine)}); "
          f"all attacks: APCER {pct(a_miss, len(attacks))} ({a_miss}/{len(attacks)}).\n")

    print("Curve over the shape-residual threshold (frozen threshold fixed at the default):\n")
    header = "| shape threshold | BPCER | " + " | ".join(f"APCER {k}" for k in ATTACKS) + " |"
    print(header)
    print("|---:|---:|" + "---:|" * len(ATTACKS))
    for t in [0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.06]:
        b = sum(any(verdicts(r, t, a.frozen)) for r in genuine)
        cells = []
        for k in ATTACKS:
            seqs = by_kind.get(k, [])
            miss = sum(not any(verdicts(r, t, a.frozen)) for r in seqs)
            cells.append(pct(miss, len(seqs)))
        print(f"| {t} | {pct(b, len(genuine))} | " + " | ".join(cells) + " |")

    print("\nScore distributions (min / 5th pct / median / 95th pct / max):\n")
    print("| kind | shape residual | encoding spread | largest frame change |")
    print("|---|---|---|---|")

    def q(values):
        if not values:
            return "-"
        v = sorted(values)
        at = lambda p: v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
        return " / ".join(f"{x:.4f}" for x in [v[0], at(0.05), at(0.5), at(0.95), v[-1]])

    for kind in GENUINE + ATTACKS:
        seqs = by_kind.get(kind, [])
        shp = [float(r["shape_residual"]) for r in seqs if r["shape_residual"] != ""]
        enc = [float(r["encoding_spread"]) for r in seqs if r["encoding_spread"] != ""]
        chg = [float(r["max_change"]) for r in seqs]
        print(f"| {kind} | {q(shp)} | {q(enc)} | {q(chg)} |")


if __name__ == "__main__":
    main()
