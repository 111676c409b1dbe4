#!/usr/bin/env python3
"""Agreement of face_recognition-style answers, and accuracy against identity.txt.

    agreement.py --truth identity.txt --known-list known.txt REFERENCE CANDIDATE [--json FILE]

REFERENCE and CANDIDATE are outputs of `face_recognition --show-distance true`
or `biosense compare --show-distance` (lines `path,name[,distance[,confidence]]`,
any order). A photo's answer is the sorted list of names printed for it (one
per matched known face per detected face, `unknown_person`, `no_persons_found`
or `invalid_image`); two answers agree when the lists are equal.

Accuracy counts a photo as decided correctly when the only known name printed
for it is its own identity (unknown_person for other faces in the photo is
fine). known.txt lists the photos used as KNOWN (they are not scored).
Standard library only.
"""
import argparse
import json
import os
import sys
from collections import defaultdict

SPECIAL = {"unknown_person", "no_persons_found", "invalid_image"}


def read_answers(path):
    answers = defaultdict(list)
    distances = defaultdict(list)
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line or "," not in line:
                continue
            parts = line.split(",")
            if len(parts) < 2 or "." not in os.path.basename(parts[0]):
                continue  # warnings and other chatter
            name = os.path.basename(parts[0])
            answers[name].append(parts[1])
            if len(parts) > 2 and parts[2] not in ("None", ""):
                try:
                    distances[name].append((parts[1], float(parts[2])))
                except ValueError:
                    pass
    return {k: sorted(v) for k, v in answers.items()}, distances


def read_truth(path):
    truth = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0] != "image":
                truth[parts[0]] = parts[1]
    return truth


def score(answers, truth, files):
    s = dict(correct=0, found=0, false_match=0, no_face=0, unknown_only=0, invalid=0, missing=0, scored=0)
    for f in files:
        if f not in truth:
            continue
        s["scored"] += 1
        names = answers.get(f)
        if names is None:
            s["missing"] += 1
            continue
        known = {n for n in names if n not in SPECIAL}
        t = truth[f]
        if "invalid_image" in names:
            s["invalid"] += 1
        elif "no_persons_found" in names:
            s["no_face"] += 1
        elif not known:
            s["unknown_only"] += 1
        if t in known:
            s["found"] += 1
        if known - {t}:
            s["false_match"] += 1
        if known == {t}:
            s["correct"] += 1
    n = max(1, s["scored"])
    s["accuracy_percent"] = round(100.0 * s["correct"] / n, 2)
    s["found_percent"] = round(100.0 * s["found"] / n, 2)
    s["false_match_percent"] = round(100.0 * s["false_match"] / n, 2)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("candidate")
    ap.add_argument("--truth", required=True)
    ap.add_argument("--known-list", help="file names used as KNOWN, one a line (excluded from scoring)")
    ap.add_argument("--json")
    ap.add_argument("--label-ref", default="reference")
    ap.add_argument("--label-cand", default="candidate")
    args = ap.parse_args()

    ref, ref_d = read_answers(args.reference)
    cand, cand_d = read_answers(args.candidate)
    truth = read_truth(args.truth)
    known = set()
    if args.known_list:
        with open(args.known_list, encoding="utf-8") as f:
            known = {os.path.basename(l.strip()) for l in f if l.strip()}

    files = sorted((set(ref) | set(cand)) - known)
    same = [f for f in files if ref.get(f) == cand.get(f)]
    diff = [f for f in files if ref.get(f) != cand.get(f)]
    result = {
        "photos": len(files),
        "identical": len(same),
        "identical_percent": round(100.0 * len(same) / max(1, len(files)), 2),
        "disagreements": [
            {"file": f, args.label_ref: ref.get(f), args.label_cand: cand.get(f),
             args.label_ref + "_distances": ref_d.get(f, []), args.label_cand + "_distances": cand_d.get(f, []),
             "truth": truth.get(f)}
            for f in diff
        ],
        args.label_ref: score(ref, truth, files),
        args.label_cand: score(cand, truth, files),
    }
    # Distances of the same (photo, name) pair, where both printed one.
    deltas = []
    for f in files:
        a = dict(ref_d.get(f, []))
        b = dict(cand_d.get(f, []))
        for name in a.keys() & b.keys():
            deltas.append(abs(a[name] - b[name]))
    if deltas:
        deltas.sort()
        result["distance_abs_diff"] = {
            "pairs": len(deltas),
            "median": round(deltas[len(deltas) // 2], 6),
            "p99": round(deltas[min(len(deltas) - 1, int(len(deltas) * 0.99))], 6),
            "max": round(deltas[-1], 6),
        }

    print(f"{result['identical']}/{result['photos']} identical answers ({result['identical_percent']}%)")
    for label in (args.label_ref, args.label_cand):
        s = result[label]
        print(f"  {label:<22} accuracy {s['accuracy_percent']}%  found {s['found_percent']}%  "
              f"false match {s['false_match_percent']}%  no face {s['no_face']}  invalid {s['invalid']}  "
              f"missing {s['missing']}")
    if "distance_abs_diff" in result:
        d = result["distance_abs_diff"]
        print(f"  |distance difference| over {d['pairs']} shared matches: median {d['median']}, "
              f"p99 {d['p99']}, max {d['max']}")
    for d in result["disagreements"][:40]:
        print(f"  differs: {d['file']} truth={d['truth']} {args.label_ref}={d[args.label_ref]} "
              f"{args.label_cand}={d[args.label_cand]} {args.label_ref}_d={d[args.label_ref + '_distances']} "
              f"{args.label_cand}_d={d[args.label_cand + '_distances']}")
    if len(result["disagreements"]) > 40:
        print(f"  ... {len(result['disagreements']) - 40} more in the JSON")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
