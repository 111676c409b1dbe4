#!/usr/bin/env python3
"""build_day.py [SPLIT] > day.tsv: a simulated day of webcam snapshots (manifest TSV).

kind    lan_id               file                truth
train   WEBCAM\\client<id>    <enrolment frame>   enrol
stream  WEBCAM\\client<id>    <snapshot frame>    match | colleague | stranger

From $BIOSENSE_TEST_DATA/webcam-dev, split SPLIT (default devel; 15 clients,
sorted by id). The first 10 clients are enrolled agents, the last 5 are
strangers (never enrolled). Per agent:
- enrolment: the first frame of its first office-light real video;
- snapshots (match): every frame of its three other real videos (30: office
  light and daylight);
- enrolled colleagues standing in (colleague): the first and the sixth frame
  of a daylight video of each of the next 3 agents (6 rows);
- strangers at the agent's desk (stranger): the first and the sixth frame of
  a daylight video of 2 strangers, in turn (4 rows).
Per split: 10 agents, 300 genuine and 100 impostor snapshots (60 colleagues, 40 strangers).
Paths are absolute; bench/day/import_day.py imports it.
"""
import csv
import os
import sys
from collections import defaultdict


def main():
    split = sys.argv[1] if len(sys.argv) > 1 else "devel"
    root = os.path.join(os.environ.get("BIOSENSE_TEST_DATA", "/work/shared/datasets"), "webcam-dev")
    frames_root = os.path.join(root, "replay-attack")
    videos = defaultdict(list)  # client -> [(environment, video, frames)]
    with open(os.path.join(root, "metadata.csv")) as f:
        for r in csv.DictReader(f):
            if r["split"] == split and r["label_name"] == "real":
                frames = sorted(os.listdir(os.path.join(frames_root, r["video_id"])))
                videos[r["client_id"]].append((r["environment"], r["video_id"], frames))
    clients = sorted(videos)
    if len(clients) < 8:
        sys.exit(f"{split}: {len(clients)} clients, the day needs at least 8")
    for c in clients:
        videos[c].sort(key=lambda v: (v[0] != "controlled", v[1]))  # office light first
    agents, strangers = clients[:10], clients[10:]
    path = lambda video, frame: os.path.join(frames_root, video, frame)
    lan = lambda c: "WEBCAM\\" + c
    daylight = lambda c: next(v for v in videos[c] if v[0] == "adverse")
    for i, agent in enumerate(agents):
        env, video, frames = videos[agent][0]
        print(f"train\t{lan(agent)}\t{path(video, frames[0])}\tenrol")
        for _, other, other_frames in videos[agent][1:]:
            for frame in other_frames:
                print(f"stream\t{lan(agent)}\t{path(other, frame)}\tmatch")
        for d in (1, 2, 3):
            _, v, fr = daylight(agents[(i + d) % len(agents)])
            for frame in (fr[0], fr[5]):
                print(f"stream\t{lan(agent)}\t{path(v, frame)}\tcolleague")
        for d in (0, 1):
            _, v, fr = daylight(strangers[(i + d) % len(strangers)])
            for frame in (fr[0], fr[5]):
                print(f"stream\t{lan(agent)}\t{path(v, frame)}\tstranger")


if __name__ == "__main__":
    main()
