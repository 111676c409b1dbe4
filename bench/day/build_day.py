#!/usr/bin/env python3
"""Build the simulated day from celeba-dev: prints a manifest (TSV) on stdout.

kind    lan_id              file                 truth
train   CELEBA\\id<ident>    <enrolment photo>    enrol
stream  CELEBA\\id<ident>    <snapshot>           match | nomatch

Per identity (sorted numerically): the first photo by file name is the
enrolment photo, the others are its snapshots (truth: match). Impostors: the
identity at sorted index i also gets, under its lan_id, the last photo (by
file name) of the identities at i+1, i+2, i+3 (mod n)  (truth: nomatch).
Optional argument --rows N: the day's stream rows are repeated (cycled) until
there are exactly N of them (the backlog for the memory pass).
"""
import os, sys
from collections import defaultdict

root = os.path.join(os.environ.get("BIOSENSE_TEST_DATA", "/work/shared/datasets"), "celeba-dev")
rows_wanted = None
if len(sys.argv) == 3 and sys.argv[1] == "--rows":
    rows_wanted = int(sys.argv[2])
by_id = defaultdict(list)
with open(os.path.join(root, "identity.txt")) as f:
    for line in f:
        parts = line.split()
        if len(parts) != 2 or parts[0] == "image":
            continue
        by_id[parts[1]].append(parts[0])
idents = sorted(by_id, key=int)
for k in idents:
    by_id[k].sort()
n = len(idents)
img = lambda name: os.path.join(root, "images", name)
stream = []
for i, ident in enumerate(idents):
    lan = "CELEBA\\id" + ident
    photos = by_id[ident]
    print(f"train\t{lan}\t{img(photos[0])}\tenrol")
    for p in photos[1:]:
        stream.append((lan, p, "match"))
    for d in (1, 2, 3):
        stream.append((lan, by_id[idents[(i + d) % n]][-1], "nomatch"))
want = len(stream) if rows_wanted is None else rows_wanted
for k in range(want):
    lan, p, truth = stream[k % len(stream)]
    print(f"stream\t{lan}\t{img(p)}\t{truth}")
