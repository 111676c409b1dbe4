#!/usr/bin/env python3
"""table.py OUT: the Markdown table of a run_day.sh results folder."""
import glob, json, os, re, sys

out = sys.argv[1]
def read(name, ext):
    p = os.path.join(out, f"{name}.{ext}")
    return open(p).read() if os.path.exists(p) else None
def wall(name):
    w = read(name, "wall")
    return float(w) if w else None
def rss_mb(name):
    t = read(name, "time") or ""
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", t)
    return int(m.group(1)) / 1024 if m else None
def summary(name, kind):
    m = re.search(rf"pass {kind}: (\d+) decided in ([\d.]+)s \(([\d.]+) rows/s\)(.*)", read(name, "err") or "")
    return m.groups() if m else None
def score(name):
    s = read(name, "score.json")
    try:
        return json.loads(s) if s else None
    except json.JSONDecodeError:
        return None
def counts(sc):
    return " ".join(f"{k}={v}" for k, v in sorted(sc["counts"].items())) if sc else "?"
def f(x, fmt="{:.1f}"):
    return fmt.format(x) if x is not None else "-"

print(open(os.path.join(out, "machine.txt")).read().strip().replace("\n", "; "))
print()
print("| run | threads | snapshots | wall s (whole pass) | rows/s (snapshots / wall) | pass's own stream rows/s | compare wall s | outside engine | accuracy | max RSS MB | results |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
names = [os.path.basename(p)[:-5] for p in sorted(glob.glob(os.path.join(out, "*.wall")))]
for name in names:
    if name.startswith("compare"):
        continue
    sc, w = score(name), wall(name)
    m = re.match(r"(sqlite|mariadb)-t(\d+)", name)
    threads = m.group(2) if m else (name.split("-c")[1] + " (cpus)" if name.startswith("proto") else "2")
    n = sc["rows"] if sc else None
    st = summary(name, "stream")
    cw = wall(f"compare-t{threads}") if m else None
    outside = (w - cw) / w if (cw and w) else None
    print(f"| {name} | {threads} | {n} | {f(w)} | {f(n / w if n and w else None)} | {st[2] if st else '-'} | {f(cw)} | "
          f"{f(outside * 100 if outside is not None else None)}% | {f(sc['accuracy'] * 100 if sc else None, '{:.2f}')}% | {f(rss_mb(name), '{:.0f}')} | {counts(sc)} |")
for name in names:
    if name.startswith("compare"):
        print(f"\n{name}: wall {f(wall(name))} s, max RSS {f(rss_mb(name), '{:.0f}')} MB")
print()
for name in names:
    sc = score(name)
    if sc and not name.startswith("rss"):
        print(f"{name}: by truth {json.dumps(sc['by_truth'])}")
        awb = sc.get("accuracy_with_benchmark")
        print(f"{name}: accuracy on agents whose benchmark was approved (TRAINING_IMAGE_FAILED rows left out): "
              f"{f(awb * 100 if awb is not None else None, '{:.2f}')}%; wrong: {json.dumps(sc.get('wrong_by', {}))}")
        tr = summary(name, "train")
        if tr:
            print(f"{name}: train pass {tr[0]} decided in {tr[1]} s{tr[3]}")
idle = read("idle", "txt")
print("\nidle check before each run:\n" + (idle or "none"))
busy = read("busy", "log")
print(f"\nforeign benchmark/compile processes seen during the runs: {len(busy.splitlines()) if busy else 0} samples (busy.log, every 5 s)")
