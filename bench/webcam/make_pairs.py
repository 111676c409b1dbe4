#!/usr/bin/env python3
"""make_pairs.py SPLIT > pairs.csv: the webcam-dev verification pairs of one split.

Reads $BIOSENSE_TEST_DATA/webcam-dev/metadata.csv (default /work/shared/datasets).
Enrolments: the first frame of each real video of each client of SPLIT (4 per
client: office light and daylight, two sessions each). Snapshots: every frame
of every real video of SPLIT. A pair is an enrolment against a snapshot from
another video (a frame is never compared with its own video's enrolment);
`same` is 1 when both show the same client. Paths are relative to
webcam-dev/replay-attack, so the CSV feeds `biosense evaluate|calibrate
--pairs pairs.csv --images $BIOSENSE_TEST_DATA/webcam-dev/replay-attack`.

Per split of 15 clients: 60 enrolments x 600 snapshots, less the 600 pairs of
a video with itself: 1,800 genuine and 33,600 impostor pairs.
"""
import csv
import os
import sys


def real_videos(split):
    root = os.path.join(os.environ.get("BIOSENSE_TEST_DATA", "/work/shared/datasets"), "webcam-dev")
    frames_root = os.path.join(root, "replay-attack")
    videos = []
    with open(os.path.join(root, "metadata.csv")) as f:
        for row in csv.DictReader(f):
            if row["split"] == split and row["label_name"] == "real":
                frames = sorted(os.listdir(os.path.join(frames_root, row["video_id"])))
                videos.append((row["client_id"], row["video_id"], row["environment"], frames))
    return sorted(videos)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("train", "devel"):
        sys.exit("usage: make_pairs.py train|devel > pairs.csv")
    videos = real_videos(sys.argv[1])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["image1", "image2", "same"])
    for client, video, _, frames in videos:
        enrol = f"{video}/{frames[0]}"
        for other_client, other_video, _, other_frames in videos:
            if other_video == video:
                continue
            for frame in other_frames:
                out.writerow([enrol, f"{other_video}/{frame}", int(client == other_client)])


if __name__ == "__main__":
    main()
