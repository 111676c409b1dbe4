#!/usr/bin/env python3
"""analyse.py SCORES.csv CALIBRATION.json [--split devel] [--json OUT]: error rates on webcam pairs.

SCORES.csv is `biosense evaluate --scores` over make_pairs.py's pairs
(image1,image2,same,distance,confidence,mirror_gaps; image1 the enrolment).
CALIBRATION.json gives the operating point (its threshold) and the
confidence curve (logistic, with or without the mirror-gap term), recomputed
here so any file can be judged on the same scores.

Prints, as Markdown:
- FMR (FAR) and FNMR (FRR) at the file's threshold and at 0.6;
- FNMR at FMR 1e-2, 1e-3, 1e-4: the threshold (the rule of
  threshold_at_fmr(): floor(FMR x N) different pairs accepted, the
  threshold half-way to the next one) and the FNMR there, each with a 95% bootstrap
  interval over clients (clients resampled with replacement, a pair weighing
  the product of its two clients' multiplicities: comparisons that share a
  person are not independent);
- the balanced ECE of the confidence (each label weighing half) and the
  plain one;
- the same split by the snapshot's light (controlled = office light,
  adverse = daylight).
"""
import argparse
import csv
import json
import math
import os
import sys

import numpy as np

FMRS = (1e-2, 1e-3, 1e-4)


def load_light():
    root = os.path.join(os.environ.get("BIOSENSE_TEST_DATA", "/work/shared/datasets"), "webcam-dev")
    with open(os.path.join(root, "metadata.csv")) as f:
        return {r["video_id"]: (r["client_id"], r["environment"]) for r in csv.DictReader(f)}


def load_scores(path, meta):
    rows = []
    with open(path) as f:
        for r in csv.DictReader(f):
            v1, v2 = r["image1"].split("/")[0], r["image2"].split("/")[0]
            c1, _ = meta[v1]
            c2, light = meta[v2]
            d = float(r["distance"]) if r["distance"] else math.inf
            g = float(r["mirror_gaps"]) if r["mirror_gaps"] else math.nan
            rows.append((c1, c2, int(r["same"]), d, g, light))
    return rows


def confidence(cal, d, gaps):
    if cal["method"] != "logistic":
        sys.exit("analyse.py reads logistic calibrations only")
    lg = cal["logistic"]
    w, m = lg.get("gap_weight", 0.0), lg.get("gap_mean", 0.0)
    g = np.where(np.isnan(gaps) | (w == 0.0), m, gaps)
    z = lg["slope"] * (d - lg["midpoint"]) - w * (g - m)
    return 1.0 / (1.0 + np.exp(np.clip(z, -500, 500)))


def threshold_at_fmr(imp, wimp, fmr):
    """Weighted threshold_at_fmr() (src/calibration/operating_point.cpp): with
    k the first different pair (by distance) past floor(fmr * W) of accepted
    weight, half-way between it and the one before; just below it when k is 0."""
    order = np.argsort(imp, kind="stable")
    s, w = imp[order], wimp[order]
    allowed = math.floor(fmr * w.sum() + 1e-9)
    cum = np.cumsum(w)
    k = np.searchsorted(cum, allowed, side="right")  # first index whose cumulative weight exceeds allowed
    if k >= len(s):
        return 2.0
    return np.nextafter(s[k], 0.0) if k == 0 else 0.5 * (s[k - 1] + s[k])


def rates(d, same, w, t):
    gen, imp = same == 1, same == 0
    fnmr = (w[gen] * (d[gen] > t)).sum() / w[gen].sum()
    fmr = (w[imp] * (d[imp] <= t)).sum() / w[imp].sum()
    return fmr, fnmr


def ece(p, same, w, balanced):
    if balanced:
        w = w * np.where(same == 1, 0.5 / w[same == 1].sum(), 0.5 / w[same == 0].sum())
    bins = np.minimum((p * 10).astype(int), 9)
    total = 0.0
    for b in range(10):
        m = bins == b
        if w[m].sum() > 0:
            total += abs((w[m] * p[m]).sum() - (w[m] * same[m]).sum())
    return total / w.sum()


def client_weights(c1, c2, clients, rng):
    draw = rng.choice(len(clients), size=len(clients), replace=True)
    mult = np.bincount(draw, minlength=len(clients)).astype(float)
    return mult[c1] * mult[c2]


def table(rows, cal, label, boot, rng):
    clients = sorted({r[0] for r in rows} | {r[1] for r in rows})
    index = {c: i for i, c in enumerate(clients)}
    c1 = np.array([index[r[0]] for r in rows])
    c2 = np.array([index[r[1]] for r in rows])
    same = np.array([r[2] for r in rows])
    d = np.array([r[3] for r in rows])
    gaps = np.array([r[4] for r in rows])
    ones = np.ones(len(rows))
    p = confidence(cal, np.where(np.isfinite(d), d, 2.0), gaps)
    t_file = cal.get("operating_point", {}).get("threshold")
    out = {"label": label, "genuine": int(same.sum()), "impostor": int((1 - same).sum()),
           "failed": int((~np.isfinite(d)).sum())}
    lines = [f"**{label}**: {out['genuine']} same-person and {out['impostor']} different-person pairs"
             f" ({out['failed']} with no face found)", ""]
    lines += ["| threshold | FMR (FAR) | FNMR (FRR) |", "|---|---:|---:|"]
    for name, t in (("calibration's " + (f"{t_file:.4f}" if t_file else "(none)"), t_file), ("0.6 (LFW)", 0.6)):
        if t is None:
            continue
        fmr, fnmr = rates(d, same, ones, t)
        out[f"at_{t:.4f}"] = {"fmr": fmr, "fnmr": fnmr}
        lines.append(f"| {name} | {100 * fmr:.3f}% ({int(round(fmr * out['impostor']))}) | "
                     f"{100 * fnmr:.2f}% ({int(round(fnmr * out['genuine']))}) |")
    lines += ["", "| FMR target | threshold (95% CI) | FNMR (95% CI) | resolvable (N >= 3/FMR) |", "|---|---|---|---|"]
    imp = same == 0
    for fmr_target in FMRS:
        t = threshold_at_fmr(d[imp], ones[imp], fmr_target)
        _, fnmr = rates(d, same, ones, t)
        ts, fs = [], []
        for _ in range(boot):
            w = client_weights(c1, c2, clients, rng)
            ok = imp & (w > 0)
            if not ok.any() or not (w[same == 1] > 0).any():
                continue
            tb = threshold_at_fmr(d[ok], w[ok], fmr_target)
            ts.append(tb)
            fs.append(rates(d, same, w, tb)[1] if w[same == 1].sum() > 0 else np.nan)
        tl, th = np.percentile(ts, [2.5, 97.5])
        fl, fh = np.nanpercentile(fs, [2.5, 97.5])
        resolvable = out["impostor"] >= 3 / fmr_target
        out[f"fmr_{fmr_target:g}"] = {"threshold": t, "threshold_ci": [tl, th], "fnmr": fnmr, "fnmr_ci": [fl, fh]}
        lines.append(f"| {fmr_target:g} | {t:.4f} ({tl:.4f} .. {th:.4f}) | {100 * fnmr:.2f}% "
                     f"({100 * fl:.2f} .. {100 * fh:.2f}%) | {'yes' if resolvable else 'no'} |")
    out["ece_balanced"] = ece(p, same, ones, True)
    out["ece"] = ece(p, same, ones, False)
    lines += ["", f"ECE {out['ece_balanced']:.4f} with each label weighing half (plain ECE {out['ece']:.4f})", ""]
    return out, lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scores")
    ap.add_argument("calibration")
    ap.add_argument("--boot", type=int, default=1000)
    ap.add_argument("--json")
    a = ap.parse_args()
    meta = load_light()
    rows = load_scores(a.scores, meta)
    cal = json.load(open(a.calibration))
    rng = np.random.default_rng(20261207)
    results = []
    for label, subset in (("all snapshots", rows),
                          ("office light (controlled)", [r for r in rows if r[5] == "controlled"]),
                          ("daylight (adverse)", [r for r in rows if r[5] == "adverse"])):
        out, lines = table(subset, cal, label, a.boot, rng)
        results.append(out)
        print("\n".join(lines))
    if a.json:
        json.dump(results, open(a.json, "w"), indent=1, default=float)


if __name__ == "__main__":
    main()
