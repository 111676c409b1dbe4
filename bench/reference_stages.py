#!/usr/bin/env python3
"""Per-stage time of the Python reference (face_recognition + dlib), one process.

    $REFVENV/bin/python bench/reference_stages.py PHOTOS_DIR [--json FILE] [--limit N]

Does what the face_recognition CLI does for each UNKNOWN photo (PIL decode to
RGB, thumbnail to 1600 px with Lanczos when larger, HOG detection at upsample
1, 5-point landmarks, ResNet encoding per face) and times each stage with
time.perf_counter and time.thread_time (CPU), so the reference's split can be
set beside bench_engine's.
"""
import argparse
import json
import os
import sys
import time

import dlib
import face_recognition
import face_recognition_models
import numpy as np
import PIL.Image

STAGES = ("decode", "resize", "detect", "landmarks", "encode")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("photos")
    ap.add_argument("--json")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()

    files = sorted(f for f in os.listdir(args.photos) if f.lower().endswith((".jpg", ".jpeg", ".png")))
    if args.limit:
        files = files[: args.limit]
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())
    encoder = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())

    wall = dict.fromkeys(STAGES, 0.0)
    cpu = dict.fromkeys(STAGES, 0.0)
    faces = 0

    class Stage:
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            self.w, self.c = time.perf_counter(), time.thread_time()

        def __exit__(self, *exc):
            wall[self.name] += time.perf_counter() - self.w
            cpu[self.name] += time.thread_time() - self.c

    start_w, start_c = time.perf_counter(), time.process_time()
    for f in files:
        with Stage("decode"):
            img = face_recognition.load_image_file(os.path.join(args.photos, f))
        if max(img.shape) > 1600:
            with Stage("resize"):
                pil = PIL.Image.fromarray(img)
                pil.thumbnail((1600, 1600), PIL.Image.LANCZOS)
                img = np.array(pil)
        with Stage("detect"):
            boxes = detector(img, 1)
        with Stage("landmarks"):
            shapes = [predictor(img, b) for b in boxes]
        with Stage("encode"):
            for s in shapes:
                np.array(encoder.compute_face_descriptor(img, s, 1))
        faces += len(boxes)
    total_w, total_c = time.perf_counter() - start_w, time.process_time() - start_c

    n = len(files)
    out = {
        "photos": n,
        "faces": faces,
        "photos_per_s": round(n / total_w, 3),
        "process_cpu_ms_per_photo": round(1000 * total_c / n, 3),
        "stages_ms_per_photo": {k: round(1000 * v / n, 3) for k, v in wall.items()},
        "stages_cpu_ms_per_photo": {k: round(1000 * v / n, 3) for k, v in cpu.items()},
        "stages_cpu_percent": {k: round(100 * v / max(1e-9, sum(cpu.values())), 2) for k, v in cpu.items()},
        "dlib": dlib.__version__,
    }
    print(f"reference: {n} photos, {faces} faces, {out['photos_per_s']} photos/s, "
          f"CPU {out['process_cpu_ms_per_photo']} ms/photo")
    print(f"{'stage':<12}{'wall ms/photo':>14}{'CPU ms/photo':>14}{'%':>8}")
    for k in STAGES:
        print(f"{k:<12}{out['stages_ms_per_photo'][k]:>14.2f}{out['stages_cpu_ms_per_photo'][k]:>14.2f}"
              f"{out['stages_cpu_percent'][k]:>8.1f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
