#!/usr/bin/env python3
"""score.py MANIFEST ROWS.tsv -> JSON on stdout.

ROWS.tsv: `id<TAB>lan_id<TAB>result<TAB>length(image)` of stream_img (any order).
Within a lan_id, stream ids ascend in manifest order (import_day.sh); the
photo sizes are checked against the files so a mismatch cannot go unnoticed.
"""
import json, os, sys
from collections import defaultdict, Counter

man, rows_path = sys.argv[1], sys.argv[2]
want = defaultdict(list)
for line in open(man):
    kind, lan, path, truth = line.rstrip("\n").split("\t")
    if kind == "stream":
        want[lan].append((path, truth))
got = defaultdict(list)
for line in open(rows_path):
    if not line.strip():
        continue
    i, lan, result, length = line.rstrip("\n").split("\t")
    got[lan].append((int(i), result, int(length)))
MATCH = {"SUCCESS", "SUCCESS_MULTIPLE_FACES"}
NOMATCH = {"UNKNOWN_PERSON", "UNKNOWN_MULTIPLE_FACES"}
counts, by_truth, wrong = Counter(), {"match": Counter(), "nomatch": Counter()}, []
right = total = 0
for lan, exp in want.items():
    rows = sorted(got.get(lan, []))
    if len(rows) != len(exp):
        sys.exit(f"{lan}: {len(rows)} rows in the database, {len(exp)} in the manifest")
    for (path, truth), (i, result, length) in zip(exp, rows):
        if length != os.path.getsize(path):
            sys.exit(f"id {i}: {length} bytes, {path} has {os.path.getsize(path)}")
        counts[result] += 1
        by_truth[truth][result] += 1
        total += 1
        ok = (truth == "match" and result in MATCH) or (truth == "nomatch" and result in NOMATCH)
        right += ok
        if not ok:
            wrong.append({"id": i, "lan_id": lan, "file": os.path.basename(path), "truth": truth, "result": result})
tif = counts.get("TRAINING_IMAGE_FAILED", 0)
decided = total - tif
right_decided = right  # a TRAINING_IMAGE_FAILED row is never right
print(json.dumps({"rows": total, "right": right, "accuracy": right / total if total else None,
                  "accuracy_with_benchmark": right_decided / decided if decided else None,
                  "wrong_by": dict(Counter(f"{w['truth']}->{w['result']}" for w in wrong)),
                  "counts": dict(counts), "by_truth": {k: dict(v) for k, v in by_truth.items()},
                  "wrong": wrong}, indent=1))
