#!/usr/bin/env python3
"""Builds the genuine and attack snapshot sequences behind docs/liveness.md.

    make_sequences.py OUT_DIR [--data DATASETS] [--frames 3] [--sources 40] [--seed 8]

Writes OUT_DIR/manifest.csv (sequence,kind,group,frame) and, for the attacks,
the generated images under OUT_DIR/attacks/. Genuine frames are referenced in
place (never copied). OUT_DIR must be outside the repository.

Genuine (bona fide) sequences, ISO/IEC 30107-3 vocabulary:
  genuine_celeba  N different photos of one CelebA identity (celeba-dev/identity.txt)
  genuine_lfw     N different photos of one LFW person (lfw-view1/images)
Attacks (presentation attacks and replays), each from one real photo:
  resent       the same bytes N times
  jpeg         re-encoded at qualities 95, 80, 65
  shift_scale  cropped by a few pixels on each side and resized back (shift + scale)
  light        brightness and contrast changed (0.8..1.25)
  noise        Gaussian noise, sigma 3..8, fresh noise in every frame
  angle        pasted into a 640x480 scene at 4..12 degrees, moving a few pixels
  held_photo   angle + light + noise + JPEG 75 together (a photo held to the camera)
"""
import argparse
import csv
import io
import os
import random
import sys
from collections import defaultdict

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

ATTACKS = ["resent", "jpeg", "shift_scale", "light", "noise", "angle", "held_photo"]


def jpeg_bytes(img, quality):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def add_noise(img, sigma, rng):
    a = np.asarray(img).astype(np.float32)
    a += rng.normal(0.0, sigma, a.shape).astype(np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def shift_scale(img, left, top, right, bottom):
    w, h = img.size
    return img.crop((left, top, w - right, h - bottom)).resize((w, h), Image.BILINEAR)


def scene(rng, size=(640, 480)):
    """A plausible static background: smooth gradients plus texture."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = 90 + 60 * np.sin(x / 97.0 + rng.uniform(0, 6)) + 40 * np.cos(y / 71.0 + rng.uniform(0, 6))
    rgb = np.stack([base * rng.uniform(0.7, 1.1), base * rng.uniform(0.7, 1.1), base * rng.uniform(0.7, 1.1)], -1)
    rgb += rng.normal(0, 6, rgb.shape)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1.2))


def paste_at_angle(photo, background, angle, dx, dy, height):
    p = photo.copy()
    scale = height / p.size[1]
    p = p.resize((max(1, int(p.size[0] * scale)), height), Image.BILINEAR)
    rotated = p.convert("RGBA").rotate(angle, resample=Image.BICUBIC, expand=True)
    out = background.copy()
    x = (out.size[0] - rotated.size[0]) // 2 + dx
    y = (out.size[1] - rotated.size[1]) // 2 + dy
    out.paste(rotated, (x, y), rotated)
    return out


def attack_frames(kind, path, frames, rng):
    """Encoded frames (bytes) of one attack sequence built from the photo at `path`."""
    raw = open(path, "rb").read()
    img = Image.open(io.BytesIO(raw)).convert("RGB")
    if kind == "resent":
        return [raw] * frames
    if kind == "jpeg":
        return [jpeg_bytes(img, q) for q in [95, 80, 65, 90, 70][:frames]]
    if kind == "shift_scale":
        out = []
        for _ in range(frames):
            c = [int(rng.integers(0, 6)) for _ in range(4)]
            out.append(jpeg_bytes(shift_scale(img, *c), 92))
        return out
    if kind == "light":
        out = []
        for _ in range(frames):
            b = float(rng.uniform(0.8, 1.25))
            c = float(rng.uniform(0.8, 1.25))
            out.append(jpeg_bytes(ImageEnhance.Contrast(ImageEnhance.Brightness(img).enhance(b)).enhance(c), 92))
        return out
    if kind == "noise":
        return [jpeg_bytes(add_noise(img, float(rng.uniform(3, 8)), rng), 92) for _ in range(frames)]
    if kind in ("angle", "held_photo"):
        bg = scene(rng)
        height = int(rng.integers(300, 380))
        base_angle = float(rng.uniform(4, 12)) * (1 if rng.integers(0, 2) else -1)
        out = []
        for _ in range(frames):
            angle = base_angle + float(rng.uniform(-2.5, 2.5))
            dx, dy = int(rng.integers(-8, 9)), int(rng.integers(-6, 7))
            frame = paste_at_angle(img, bg, angle, dx, dy, height + int(rng.integers(-6, 7)))
            if kind == "held_photo":
                frame = ImageEnhance.Brightness(frame).enhance(float(rng.uniform(0.85, 1.15)))
                frame = add_noise(frame, float(rng.uniform(2, 5)), rng)
                out.append(jpeg_bytes(frame, 75))
            else:
                out.append(jpeg_bytes(frame, 92))
        return out
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--data", default=os.environ.get("BIOSENSE_TEST_DATA", "../shared/datasets"))
    ap.add_argument("--frames", type=int, default=3)
    ap.add_argument("--sources", type=int, default=40, help="photos per dataset used as attack sources")
    ap.add_argument("--max-genuine", type=int, default=120, help="genuine sequences per dataset at most")
    ap.add_argument("--seed", type=int, default=8)
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    if out == repo or out.startswith(repo + os.sep):
        sys.exit("refusing to write generated images inside the repository")
    rng = np.random.default_rng(a.seed)
    pick = random.Random(a.seed)
    os.makedirs(os.path.join(out, "attacks"), exist_ok=True)
    rows = []

    # CelebA: consecutive groups of N photos per identity.
    celeba = os.path.join(a.data, "celeba-dev")
    by_id = defaultdict(list)
    with open(os.path.join(celeba, "identity.txt")) as f:
        next(f)
        for line in f:
            name, ident = line.split()
            by_id[ident].append(os.path.join(celeba, "images", name))
    celeba_seqs = []
    for ident in sorted(by_id):
        files = sorted(by_id[ident])
        for i in range(0, len(files) - a.frames + 1, a.frames):
            celeba_seqs.append((ident, files[i:i + a.frames]))
    pick.shuffle(celeba_seqs)
    for n, (ident, files) in enumerate(sorted(celeba_seqs[:a.max_genuine])):
        rows += [(f"celeba-{ident}-{n}", "genuine_celeba", ident, p) for p in files]

    # LFW: people with at least N photos.
    lfw = os.path.join(a.data, "lfw-view1", "images")
    lfw_seqs = []
    for person in sorted(os.listdir(lfw)):
        files = sorted(os.path.join(lfw, person, x) for x in os.listdir(os.path.join(lfw, person)))
        for i in range(0, len(files) - a.frames + 1, a.frames):
            lfw_seqs.append((person, files[i:i + a.frames]))
    pick.shuffle(lfw_seqs)
    for n, (person, files) in enumerate(sorted(lfw_seqs[:a.max_genuine])):
        rows += [(f"lfw-{person}-{n}", "genuine_lfw", person, p) for p in files]

    # Attack sources: one photo per identity, from both datasets.
    sources = [(f"celeba-{ident}", sorted(by_id[ident])[0]) for ident in sorted(by_id)][: a.sources]
    lfw_people = sorted({p for p, _ in lfw_seqs})
    pick.shuffle(lfw_people)
    sources += [(f"lfw-{p}", sorted(os.listdir(os.path.join(lfw, p)))[0]) for p in lfw_people[: a.sources]]
    sources = [(s, p if os.path.isabs(p) else os.path.join(lfw, s[4:], p)) for s, p in sources]
    for src, path in sources:
        for kind in ATTACKS:
            seq = f"{kind}-{src}"
            for i, data in enumerate(attack_frames(kind, path, a.frames, rng)):
                name = os.path.join(out, "attacks", f"{seq}-{i}.jpg")
                with open(name, "wb") as f:
                    f.write(data)
                rows.append((seq, kind, src, name))

    with open(os.path.join(out, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sequence", "kind", "group", "frame"])
        w.writerows(rows)
    kinds = defaultdict(set)
    for seq, kind, _, _ in rows:
        kinds[kind].add(seq)
    print(" ".join(f"{k}={len(v)}" for k, v in sorted(kinds.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
