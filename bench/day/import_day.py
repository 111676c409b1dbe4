#!/usr/bin/env python3
"""import_day.py BIOSENSE DBURL MANIFEST: `db migrate`, then per lan_id one
`import --train` and one `import --stream` call, in manifest order (score.py
relies on stream ids ascending in manifest order within a lan_id)."""
import subprocess, sys
from collections import OrderedDict

b, db, man = sys.argv[1:4]
subprocess.run([b, "--db", db, "db", "migrate"], check=True, capture_output=True)
per = OrderedDict()
for line in open(man):
    kind, lan, path, _ = line.rstrip("\n").split("\t")
    per.setdefault(lan, {"train": [], "stream": []})[kind].append(path)
for lan, kinds in per.items():
    for kind in ("train", "stream"):
        if kinds[kind]:
            subprocess.run([b, "--db", db, "import", "--lan-id", lan, "--" + kind] + kinds[kind],
                           check=True, capture_output=True)
