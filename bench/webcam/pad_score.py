#!/usr/bin/env python3
"""pad_score.py MANIFEST.tsv DB.sqlite: ISO/IEC 30107-3 figures of the watch on pad_sequences.py's sequences.

A sequence is classified an attack when the watch raised, for its agent, an
alert of a presentation-attack kind (IMPERSONATION, FROZEN_FEED,
REPLAYED_IMAGE). BPCER: live sequences classified attacks. APCER per species
(device x photo/video x hand/fixed): attack sequences not classified
attacks. Also: which kind fired, the other alerts (ABSENT, SUBSTITUTED), and
what the pass decided for the frames (an attack on the agent's own photo
should verify as the agent: that is what makes it an attack).
"""
import sqlite3
import sys
from collections import Counter, defaultdict

PAD_KINDS = {"IMPERSONATION", "FROZEN_FEED", "REPLAYED_IMAGE"}


def main():
    manifest, db = sys.argv[1:3]
    seqs = [line.rstrip("\n").split("\t") for line in open(manifest)]
    con = sqlite3.connect(db)
    alerts = defaultdict(set)
    for lan, kind in con.execute("SELECT lan_id, kind FROM alert"):
        alerts[lan].add(kind)
    results = defaultdict(Counter)
    for lan, result in con.execute("SELECT lan_id, result FROM stream_img"):
        results[lan][result] += 1
    table = defaultdict(lambda: {"n": 0, "flagged": 0, "kinds": Counter(), "other": Counter(), "frames": Counter()})
    for lan, label, species, light, _ in seqs:
        row = table[species]
        row["n"] += 1
        fired = alerts.get(lan, set())
        if fired & PAD_KINDS:
            row["flagged"] += 1
        for k in fired:
            (row["kinds"] if k in PAD_KINDS else row["other"])[k] += 1
        row["frames"].update(results[lan])
    print("| species | sequences | classified attack | rate | alert kinds (sequences) | other alerts | frames decided |")
    print("|---|---:|---:|---:|---|---|---|")
    for species in sorted(table, key=lambda s: (s != "live", s)):
        r = table[species]
        rate = r["flagged"] / r["n"] if species == "live" else 1 - r["flagged"] / r["n"]
        name = "BPCER" if species == "live" else "APCER"
        print(f"| {species} | {r['n']} | {r['flagged']} | {name} {100 * rate:.1f}% | "
              f"{dict(r['kinds']) or '-'} | {dict(r['other']) or '-'} | {dict(r['frames'])} |")


if __name__ == "__main__":
    main()
