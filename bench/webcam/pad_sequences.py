#!/usr/bin/env python3
"""pad_sequences.py SPLIT DB.sqlite MANIFEST.tsv: webcam-dev sequences as the watch sees them.

Issue 18's "measure first": every sequence becomes one agent of its own in a
migrated SQLite database (`biosense db migrate` first), written as the
capture client writes rows (stream_img N rows with a capture_time, a
train_img N row per agent):
- the agent is enrolled from its client's enrolment frame: the first frame
  of the client's first office-light real video;
- live sequences: the client's other three real videos (10 frames each);
- attack sequences: every attack video of the client (4 frames each: a
  printed photo, or a photo or video on a tablet ("highdef") or a phone
  ("mobile"), hand-held or on a fixed support, office light or daylight).
Frames of a sequence are 3 s apart, all sequences in the same minute from
2026-01-01 09:00:00, so `biosense watch --at "2026-01-01 09:01:00" --window
10m` sees each whole sequence once. MANIFEST.tsv: lan_id, label (live or
attack), species (device-type-support, e.g. mobile-video-hand), light, frames.
"""
import csv
import os
import sqlite3
import sys
from datetime import datetime, timedelta

T0 = datetime(2026, 1, 1, 9, 0, 0)
STEP = timedelta(seconds=3)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    split, db, manifest = sys.argv[1:4]
    root = os.path.join(os.environ.get("BIOSENSE_TEST_DATA", "/work/shared/datasets"), "webcam-dev")
    frames_root = os.path.join(root, "replay-attack")
    videos = []
    with open(os.path.join(root, "metadata.csv")) as f:
        for r in csv.DictReader(f):
            if r["split"] == split:
                videos.append(r)
    by_client = {}
    for r in sorted(videos, key=lambda r: r["video_id"]):
        by_client.setdefault(r["client_id"], []).append(r)
    frames = lambda v: sorted(os.listdir(os.path.join(frames_root, v)))
    blob = lambda v, fr: open(os.path.join(frames_root, v, fr), "rb").read()
    con = sqlite3.connect(db)
    out = open(manifest, "w")
    for client, rows in sorted(by_client.items()):
        real = sorted((r for r in rows if r["label_name"] == "real"),
                      key=lambda r: (r["environment"] != "controlled", r["video_id"]))
        enrol_video = real[0]["video_id"]
        enrolment = blob(enrol_video, frames(enrol_video)[0])
        for r in rows:
            v = r["video_id"]
            if v == enrol_video:
                continue
            live = r["label_name"] == "real"
            if live:
                species = "live"
            else:
                device = next(d for d in ("highdef", "mobile", "print") if f"attack_{d}_" in v)
                species = f"{device}-{r['attack_type']}-{r['support_type']}"
            lan = f"PAD\\{client}\\{r['support_type']}\\{v.split('__')[-1]}"  # hand and fixed share the rest
            con.execute("INSERT INTO train_img (lan_id, capture_time, image, status) VALUES (?, ?, ?, 'N')",
                        (lan, (T0 - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"), enrolment))
            fr = frames(v)
            for k, name in enumerate(fr):
                con.execute("INSERT INTO stream_img (lan_id, capture_time, image, status) VALUES (?, ?, ?, 'N')",
                            (lan, (T0 + k * STEP).strftime("%Y-%m-%d %H:%M:%S"), blob(v, name)))
            out.write(f"{lan}\t{'live' if live else 'attack'}\t{species}\t{r['environment']}\t{len(fr)}\n")
    con.commit()


if __name__ == "__main__":
    main()
