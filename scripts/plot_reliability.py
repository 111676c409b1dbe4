#!/usr/bin/env python3
"""Draws docs/img/reliability.svg from `biosense evaluate --scores` CSV files.

Left panel: distance -> confidence for the calibrated curve (each pair's
confidence from the scores' confidence column, a dot per pair: it reads the
pair's mirror gaps too, so pairs at one distance can differ), the user's
lookup table and face_recognition's wiki formula, over the share of
same-person pairs observed per distance bin.
Right panel: reliability diagram (10 equal-width confidence bins) of each
curve on the same pairs: a perfectly calibrated curve follows the diagonal.

  scripts/plot_reliability.py OUT.svg LABEL=scores.csv [LABEL=scores.csv ...]

Plain SVG, no plotting library needed.
"""
import csv
import math
import sys

W, H, PAD = 420, 360, 48
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]


def user_table(d):
    pct = [100, 90, 85, 80, 75, 70, 65, 50, 30, 10]
    return 1.0 if d < 0 else (pct[int(d * 10)] / 100 if d < 1.0 else 0.0)


def wiki(d, t=0.6):
    if d > t:
        return min(max((1.0 - d) / ((1.0 - t) * 2.0), 0.0), 1.0)
    lin = 1.0 - d / (t * 2.0)
    return min(max(lin + (1.0 - lin) * math.pow((lin - 0.5) * 2, 0.2), 0.0), 1.0)


def read(path):
    rows = []
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["distance"]:
                rows.append((float(r["distance"]), r["same"] == "1", float(r["confidence"])))
    return rows


def reliability(conf, same, bins=10):
    out, ece = [], 0.0
    for b in range(bins):
        idx = [i for i, p in enumerate(conf) if min(int(p * bins), bins - 1) == b]
        if idx:
            mc = sum(conf[i] for i in idx) / len(idx)
            ob = sum(same[i] for i in idx) / len(idx)
            out.append((mc, ob, len(idx)))
            ece += len(idx) * abs(mc - ob)
    return out, ece / max(len(conf), 1)


def panel(x0, title, xlabel, ylabel, xmax):
    sx = lambda v: x0 + PAD + v / xmax * (W - 2 * PAD)
    sy = lambda v: H - PAD - v * (H - 2 * PAD)
    s = [f'<text x="{x0 + W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">{title}</text>',
         f'<rect x="{sx(0)}" y="{sy(1)}" width="{sx(xmax) - sx(0)}" height="{sy(0) - sy(1)}" fill="none" stroke="#333"/>']
    for i in range(6):
        v = i / 5
        s.append(f'<line x1="{sx(0)}" x2="{sx(xmax)}" y1="{sy(v)}" y2="{sy(v)}" stroke="#ddd"/>')
        s.append(f'<text x="{sx(0) - 6}" y="{sy(v) + 4}" text-anchor="end" font-size="10">{v:.1f}</text>')
        xv = xmax * i / 5
        s.append(f'<text x="{sx(xv)}" y="{sy(0) + 14}" text-anchor="middle" font-size="10">{xv:.1f}</text>')
    s.append(f'<text x="{x0 + W / 2}" y="{H - 10}" text-anchor="middle" font-size="11">{xlabel}</text>')
    s.append(f'<text x="{x0 + 12}" y="{H / 2}" text-anchor="middle" font-size="11" '
             f'transform="rotate(-90 {x0 + 12} {H / 2})">{ylabel}</text>')
    return s, sx, sy


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 1
    out = sys.argv[1]
    sets = [(a.split("=", 1)[0], read(a.split("=", 1)[1])) for a in sys.argv[2:]]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H + 30 * len(sets) + 20}" '
           f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>']
    left, sx, sy = panel(0, "Confidence against distance", "distance (smaller = closer)", "P(same person)", 1.2)
    svg += left
    label, rows = sets[0]
    # Observed share of same pairs per 0.05 distance bin (first set).
    for b in range(24):
        inb = [s for d, s, _ in rows if b * 0.05 <= d < (b + 1) * 0.05]
        if len(inb) >= 5:
            svg.append(f'<circle cx="{sx(b * 0.05 + 0.025)}" cy="{sy(sum(inb) / len(inb))}" r="3.5" fill="#999">'
                       f'<title>{len(inb)} pairs</title></circle>')
    pts = sorted((d, c) for d, _, c in rows)
    curves = [("calibrated", lambda d, p=pts: None), ("user table", user_table), ("face_recognition wiki", wiki)]
    for d, c in pts:
        if d <= 1.2:
            svg.append(f'<circle cx="{sx(d):.1f}" cy="{sy(c):.1f}" r="1.4" fill="{COLOURS[0]}" fill-opacity="0.5"/>')
    for k, (name, f) in enumerate(curves[1:], start=1):
        path = " ".join(f"{sx(i / 500 * 1.2):.1f},{sy(f(i / 500 * 1.2)):.1f}" for i in range(501))
        svg.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[k]}" stroke-width="1.8"/>')
    right, rx, ry = panel(W, "Reliability (10 bins)", "stated confidence", "observed share of same person", 1.0)
    svg += right
    svg.append(f'<line x1="{rx(0)}" y1="{ry(0)}" x2="{rx(1)}" y2="{ry(1)}" stroke="#999" stroke-dasharray="4 3"/>')
    legend_y = H + 10
    for si, (label, rows) in enumerate(sets):
        same = [s for _, s, _ in rows]
        for k, (name, f) in enumerate(curves):
            conf = [c for _, _, c in rows] if k == 0 else [f(d) for d, _, _ in rows]
            bins, ece = reliability(conf, same)
            dash = "" if si == 0 else ' stroke-dasharray="5 3"'
            path = " ".join(f"{rx(mc):.1f},{ry(ob):.1f}" for mc, ob, _ in bins)
            svg.append(f'<polyline points="{path}" fill="none" stroke="{COLOURS[k]}" stroke-width="2"{dash}/>')
            for mc, ob, n in bins:
                svg.append(f'<circle cx="{rx(mc):.1f}" cy="{ry(ob):.1f}" r="3" fill="{COLOURS[k]}"><title>{n}</title></circle>')
            y = legend_y + 18 * (si * len(curves) + k)
            svg.append(f'<line x1="{PAD}" x2="{PAD + 24}" y1="{y}" y2="{y}" stroke="{COLOURS[k]}" stroke-width="2.5"{dash}/>')
            svg.append(f'<text x="{PAD + 30}" y="{y + 4}" font-size="11">{name} on {label}: ECE {ece:.3f}</text>')
    svg[0] = svg[0].replace(f'height="{H + 30 * len(sets) + 20}"', f'height="{legend_y + 18 * len(sets) * len(curves) + 10}"')
    svg.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(svg) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
