#!/usr/bin/env python3
"""score_day.py DAY.tsv DB.sqlite -> JSON on stdout: the webcam day's verdicts.

Joins the day's stream rows to build_day.py's manifest (within a lan_id,
stream ids ascend in manifest order, as bench/day/import_day.py imports
them) and counts, per truth (match, colleague, stranger), the results.
A match is right when SUCCESS/SUCCESS_MULTIPLE_FACES; a colleague or a
stranger is right when anything else that is a verdict (UNKNOWN_PERSON,
UNKNOWN_MULTIPLE_FACES). `impostors_accepted` lists the impostor rows decided SUCCESS; `ece` is the
plain ECE of the stored accuracy against "shows the agent".
"""
import json
import sqlite3
import sys
from collections import Counter, defaultdict

MATCH = {"SUCCESS", "SUCCESS_MULTIPLE_FACES"}


def main():
    manifest, db = sys.argv[1], sys.argv[2]
    want = defaultdict(list)
    for line in open(manifest):
        kind, lan, path, truth = line.rstrip("\n").split("\t")
        if kind == "stream":
            want[lan].append((path, truth))
    con = sqlite3.connect(db)
    cols = [r[1] for r in con.execute("pragma table_info(stream_img)")]
    extra = ", closest_lan_id" if "closest_lan_id" in cols else ", NULL"
    got = defaultdict(list)
    for i, lan, result, distance, accuracy, closest in con.execute(
            f"select id, lan_id, result, distance, accuracy{extra} from stream_img order by id"):
        got[lan].append((i, result, distance, accuracy, closest))
    by_truth = defaultdict(Counter)
    accepted, rejected = [], []
    confidences = []  # (stored accuracy / 100, shows the agent)
    for lan, exp in want.items():
        rows = got.get(lan, [])
        if len(rows) != len(exp):
            sys.exit(f"{lan}: {len(rows)} rows in the database, {len(exp)} in the manifest")
        for (path, truth), (i, result, distance, accuracy, closest) in zip(exp, rows):
            by_truth[truth][result] += 1
            if accuracy is not None:
                confidences.append((accuracy / 100.0, 1 if truth == "match" else 0))
            row = {"id": i, "lan_id": lan, "file": path.split("replay-attack/")[-1], "result": result,
                   "distance": distance, "accuracy": accuracy, "closest_lan_id": closest}
            if truth != "match" and result in MATCH:
                accepted.append(dict(row, truth=truth))
            if truth == "match" and result not in MATCH:
                rejected.append(row)
    summary = {t: {"rows": sum(c.values()), "accepted": sum(v for k, v in c.items() if k in MATCH),
                   "results": dict(c)} for t, c in by_truth.items()}
    print(json.dumps({"by_truth": summary, "ece": ece(confidences), "snapshots_with_confidence": len(confidences),
                      "impostors_accepted": accepted, "genuine_rejected": rejected}, indent=1))


def ece(pairs, bins=10):
    """Plain ECE of the stored accuracy over the day's snapshots (the day's own mix)."""
    total = 0.0
    for b in range(bins):
        sel = [(p, y) for p, y in pairs if min(int(p * bins), bins - 1) == b]
        if sel:
            total += abs(sum(p for p, _ in sel) - sum(y for _, y in sel))
    return total / len(pairs) if pairs else None


if __name__ == "__main__":
    main()
