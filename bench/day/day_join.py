"""The simulated day's stream rows joined to their truth, for sweep.py and
confidence.py: within a lan_id, stream ids ascend in manifest order
(import_day.py), as score.py assumes too."""
import sqlite3
import sys
from collections import defaultdict


def joined(day, db, columns):
    """[(truth, (column values...)), ...] for every stream row of the SQLite
    database `db`, `columns` being stream_img columns after its id."""
    truths = defaultdict(list)
    for line in open(day):
        kind, lan, _path, truth = line.rstrip("\n").split("\t")
        if kind == "stream":
            truths[lan].append(truth)
    rows = defaultdict(list)
    for row in sqlite3.connect(db).execute(f"select id, lan_id, {', '.join(columns)} from stream_img"):
        rows[row[1]].append((row[0],) + tuple(row[2:]))
    out = []
    for lan, expected in truths.items():
        got = sorted(rows.get(lan, []))
        if len(got) != len(expected):
            sys.exit(f"{lan}: {len(got)} rows in the database, {len(expected)} in the day")
        out.extend((truth, values[1:]) for truth, values in zip(expected, got))
    return out
