#!/usr/bin/env python3
"""mirror_gap_survey.py LFW_DUMP CELEBA_DUMP

The survey behind the calibration's mirror-gap term (docs/accuracy.md,
"Mirror gaps"). Reads dump_subject_faces output for the LFW View 1 images
and the celeba-dev images, and for each candidate second input fits the
logistic curve P(same) = 1 / (1 + exp(w . x)), x = (distance, 1, input),
on LFW pairsDevTrain.txt (Platt's targets, Newton's method), then prints its
5-fold CV log loss and ECE on DevTrain (the choice is made on these) and its
ECE and log loss on DevTest and on bench/pairs/celeba-dev.csv.
Needs numpy. BIOSENSE_TEST_DATA names the datasets folder (default
../shared/datasets).
"""
import csv
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("BIOSENSE_TEST_DATA", os.path.join(HERE, "..", "..", "shared", "datasets"))


def load(path):
    faces = {}
    for line in open(path):
        t = line.split()
        if len(t) < 2 or t[1] == "none":
            continue
        faces[t[0]] = dict(size=float(t[2]), sharp=float(t[3]), gap=float(t[4]), length=float(t[5]),
                           enc=np.array([float(v) for v in t[6:]]))
    return faces


def lfw_pairs(path):
    name = lambda n, i: f"{n}/{n}_{int(i):04d}.jpg"
    out = []
    for line in open(path).read().split("\n")[1:]:
        t = line.split()
        if len(t) == 3:
            out.append((name(t[0], t[1]), name(t[0], t[2]), 1))
        elif len(t) == 4:
            out.append((name(t[0], t[1]), name(t[2], t[3]), 0))
    return out


def csv_pairs(path):
    return [(r["image1"], r["image2"], int(r["same"])) for r in csv.DictReader(open(path))]


def pair_table(pairs, faces):
    """Rows: distance, same, gap sum, larger gap, smaller box side, lower sharpness, length sum."""
    rows = []
    for a, b, same in pairs:
        if a in faces and b in faces:
            fa, fb = faces[a], faces[b]
            rows.append((np.linalg.norm(fa["enc"] - fb["enc"]), same, fa["gap"] + fb["gap"], max(fa["gap"], fb["gap"]),
                         min(fa["size"], fb["size"]), min(fa["sharp"], fb["sharp"]), fa["length"] + fb["length"]))
    return np.array(rows)


INPUTS = {
    "none (distance only)": lambda t: [],
    "sum of the two mirror gaps": lambda t: [t[:, 2]],
    "the same, plus distance x gaps": lambda t: [t[:, 2], t[:, 0] * t[:, 2]],
    "the larger of the two gaps": lambda t: [t[:, 3]],
    "sum of the two encodings' lengths": lambda t: [t[:, 6]],
    "log of the smaller face's box side": lambda t: [np.log(t[:, 4])],
    "log of the blurrier chip's sharpness": lambda t: [np.log(t[:, 5])],
    "sum of gaps and log face size": lambda t: [t[:, 2], np.log(t[:, 4])],
}


def design(t, name):
    return np.stack([t[:, 0], np.ones(len(t))] + INPUTS[name](t), 1)


def fit(x, y):
    n1 = y.sum()
    n0 = len(y) - n1
    target = np.where(y == 1, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))  # P(same), smoothed
    w = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(x @ w)))  # 1 - P(same)
        g = x.T @ (p - (1 - target))
        h = x.T @ (x * (p * (1 - p))[:, None]) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(h, g)
        w -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return w


def p_same(x, w):
    return 1 / (1 + np.exp(x @ w))


def ece(p, y, bins=10):
    b = np.minimum((p * bins).astype(int), bins - 1)
    return sum((b == i).mean() * abs(p[b == i].mean() - y[b == i].mean()) for i in range(bins) if (b == i).any())


def log_loss(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 1
    lfw, celeba = load(sys.argv[1]), load(sys.argv[2])
    train = pair_table(lfw_pairs(os.path.join(DATA, "lfw-view1", "pairsDevTrain.txt")), lfw)
    test = pair_table(lfw_pairs(os.path.join(DATA, "lfw-view1", "pairsDevTest.txt")), lfw)
    wild = pair_table(csv_pairs(os.path.join(HERE, "pairs", "celeba-dev.csv")), celeba)
    print(f"pairs with both faces: DevTrain {len(train)}, DevTest {len(test)}, celeba-dev {len(wild)}")
    for label, t in (("DevTrain", train), ("DevTest", test), ("celeba-dev", wild)):
        same = t[:, 1] == 1
        print(f"{label}: correlation of distance and gap sum, same-person pairs "
              f"{np.corrcoef(t[same, 0], t[same, 2])[0, 1]:.2f}, different {np.corrcoef(t[~same, 0], t[~same, 2])[0, 1]:.2f}")
    folds = np.random.default_rng(1).permutation(len(train)) % 5
    y = train[:, 1]
    print("| second input | DevTrain CV log loss | DevTrain CV ECE | DevTest ECE | DevTest log loss "
          "| celeba-dev ECE | celeba-dev log loss |")
    for name in INPUTS:
        x = design(train, name)
        cv = np.zeros(len(y))
        for k in range(5):
            cv[folds == k] = p_same(x[folds == k], fit(x[folds != k], y[folds != k]))
        w = fit(x, y)
        pt, pw = p_same(design(test, name), w), p_same(design(wild, name), w)
        print(f"| {name} | {log_loss(cv, y):.4f} | {ece(cv, y):.4f} | {ece(pt, test[:, 1]):.4f} | "
              f"{log_loss(pt, test[:, 1]):.4f} | {ece(pw, wild[:, 1]):.4f} | {log_loss(pw, wild[:, 1]):.4f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
