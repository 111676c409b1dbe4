#!/usr/bin/env python3
"""The user's prototype, replayed on a biosense SQLite database.

For each lan_id with pending snapshots: export its newest train_img to
Data/<lan>/BENCHMARK/ and its pending stream_img rows to Data/<lan>/STREAMING/,
call the face_recognition CLI (which loads the models and re-encodes the
benchmark on every call), parse its lines, write each result back with an
UPDATE, commit, delete the files.  Usage: prototype.py DB.sqlite DATA_DIR CPUS [FR_CLI]
"""
import os, re, shutil, sqlite3, subprocess, sys, time
from collections import defaultdict

db_path, data_dir, cpus = sys.argv[1], sys.argv[2], sys.argv[3]
cli = sys.argv[4] if len(sys.argv) > 4 else os.path.expanduser("~/.cache/biosense/refvenv/bin/face_recognition")
con = sqlite3.connect(db_path)
t0 = time.monotonic()
done = 0
lans = [r[0] for r in con.execute("select distinct lan_id from stream_img where status = 'N' order by lan_id")]
for lan in lans:
    folder = os.path.join(data_dir, re.sub(r"[^A-Za-z0-9-]", "_", lan))
    bench, stream = os.path.join(folder, "BENCHMARK"), os.path.join(folder, "STREAMING")
    os.makedirs(bench, exist_ok=True)
    os.makedirs(stream, exist_ok=True)
    train = con.execute("select id, image from train_img where lan_id = ? order by id desc limit 1", (lan,)).fetchone()
    rows = con.execute("select id, image from stream_img where lan_id = ? and status = 'N' order by id", (lan,)).fetchall()
    results = {}
    if train is None:
        results = {i: "NO_TRAINING_IMAGE" for i, _ in rows}
    else:
        with open(os.path.join(bench, "benchmark.jpg"), "wb") as f:
            f.write(train[1])
        for i, image in rows:
            with open(os.path.join(stream, f"{i}.jpg"), "wb") as f:
                f.write(image)
        out = subprocess.run([cli, "--cpus", cpus, "--show-distance", "true", bench, stream],
                             capture_output=True, text=True).stdout
        faces, matched, nofaces = defaultdict(int), defaultdict(bool), set()
        for line in out.splitlines():
            parts = line.rsplit(",", 2)
            if len(parts) != 3:
                continue
            i = int(os.path.splitext(os.path.basename(parts[0]))[0])
            if parts[1] == "no_persons_found":
                nofaces.add(i)
                continue
            faces[i] += 1
            matched[i] |= parts[1] != "unknown_person"
        for i, _ in rows:
            if i in nofaces:
                results[i] = "NO_FACES_FOUND"
            elif faces[i] == 0:
                results[i] = "INVALID_IMAGE"  # no line: the CLI failed on it
            elif matched[i]:
                results[i] = "SUCCESS" if faces[i] == 1 else "SUCCESS_MULTIPLE_FACES"
            else:
                results[i] = "UNKNOWN_PERSON" if faces[i] == 1 else "UNKNOWN_MULTIPLE_FACES"
    for i, result in results.items():
        con.execute("update stream_img set status = 'Y', result = ?, processed_time = CURRENT_TIMESTAMP where id = ?",
                    (result, i))
    con.commit()
    shutil.rmtree(folder)
    done += len(rows)
    print(f"prototype: {lan} {len(rows)} rows, {done} done in {time.monotonic() - t0:.1f} s", file=sys.stderr, flush=True)
print(f"prototype: {len(lans)} lan_id(s), one face_recognition call each", file=sys.stderr)
