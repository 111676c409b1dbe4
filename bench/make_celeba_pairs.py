#!/usr/bin/env python3
"""Writes a labelled pairs CSV (image1,image2,same) for celeba-dev.

Deterministic (seeded): N same-person pairs drawn evenly over the identities
and N different-person pairs, each image path relative to celeba-dev/images.

  bench/make_celeba_pairs.py $BIOSENSE_TEST_DATA/celeba-dev/identity.txt > bench/pairs/celeba-dev.csv
"""
import random
import sys
from collections import defaultdict


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 1
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    by_id = defaultdict(list)
    with open(sys.argv[1]) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                by_id[parts[1]].append(parts[0])
    ids = sorted(i for i in by_id if len(by_id[i]) >= 2)
    rng = random.Random(20261124)
    same, seen, attempt = [], set(), 0
    possible = sum(len(v) * (len(v) - 1) // 2 for v in by_id.values())
    if possible < n:
        print(f"only {possible} same-person pairs exist", file=sys.stderr)
        return 1
    while len(same) < n:
        person = ids[attempt % len(ids)]  # round-robin over identities
        attempt += 1
        a, b = sorted(rng.sample(sorted(by_id[person]), 2))
        if (a, b) not in seen:
            seen.add((a, b))
            same.append((a, b))
    different = []
    while len(different) < n:
        p, q = rng.sample(ids, 2)
        a, b = sorted((rng.choice(by_id[p]), rng.choice(by_id[q])))
        if (a, b) not in seen:
            seen.add((a, b))
            different.append((a, b))
    print("image1,image2,same")
    for a, b in same:
        print(f"{a},{b},1")
    for a, b in different:
        print(f"{a},{b},0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
