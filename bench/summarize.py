#!/usr/bin/env python3
"""Summary table (Markdown) of one bench/compare_vs_reference.sh results folder.

    summarize.py RESULTS_DIR
Standard library only.
"""
import glob
import json
import os
import re
import sys


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    d = sys.argv[1]
    photos_dir = os.path.join(d, "photos")
    n_known = len(os.listdir(os.path.join(photos_dir, "known")))
    n_unknown = len(os.listdir(os.path.join(photos_dir, "unknown")))
    n_all = n_known + n_unknown
    out = []
    p = out.append

    p(f"# compare benchmark: {os.path.basename(d.rstrip('/'))}\n")
    p("```")
    with open(os.path.join(d, "machine.txt"), encoding="utf-8") as f:
        p(f.read().rstrip())
    p("```\n")

    cpus = sorted({int(m.group(1)) for f in glob.glob(os.path.join(d, "*-cpus*.json"))
                   if (m := re.search(r"-cpus(\d+)\.json$", f))})
    p(f"## End to end: {n_known} KNOWN + {n_unknown} UNKNOWN photos = {n_all} photos analysed per run\n")
    p("| tool | cores | wall s | photos/s | CPU s (all processes) | CPU ms/photo | peak memory, PSS of all processes (largest process RSS) |")
    p("|---|---:|---:|---:|---:|---:|---|")
    rates = {}
    for c in cpus:
        for tool in ("biosense", "face_recognition"):
            m = load(os.path.join(d, f"{tool}-cpus{c}.json"))
            if not m:
                continue
            rate = n_all / m["wall_s"]
            rates[(tool, c)] = rate
            p(f"| {tool} | {c} | {m['wall_s']:.1f} | {rate:.2f} | {m['cpu_s']:.1f} | "
              f"{1000 * m['cpu_s'] / n_all:.0f} | {m['peak_pss_tree_mb']:.0f} MB ({m['peak_rss_single_mb']:.0f} MB, "
              f"{m['processes']} processes) |")
    for c in cpus:
        if ("biosense", c) in rates and ("face_recognition", c) in rates:
            p(f"\nSpeed-up at {c} core(s): **{rates[('biosense', c)] / rates[('face_recognition', c)]:.2f}x** "
              "(photos/s, wall).")
    p("")

    a = load(os.path.join(d, "agreement-biosense.json"))
    if a:
        p("## Agreement and accuracy (UNKNOWN photos)\n")
        p(f"Identical answers: **{a['identical']}/{a['photos']} = {a['identical_percent']}%**\n")
        p("| tool | accuracy vs identity.txt | own identity found | wrong identity printed | no face found |")
        p("|---|---:|---:|---:|---:|")
        for tool in ("face_recognition", "biosense"):
            s = a[tool]
            p(f"| {tool} | {s['accuracy_percent']}% | {s['found_percent']}% | {s['false_match_percent']}% | "
              f"{s['no_face']} |")
        if "distance_abs_diff" in a:
            dd = a["distance_abs_diff"]
            p(f"\n|distance difference| on the {dd['pairs']} matches both printed: median {dd['median']}, "
              f"p99 {dd['p99']}, max {dd['max']}.")
        if a["disagreements"]:
            p("\nDisagreements:\n")
            for x in a["disagreements"]:
                p(f"- {x['file']} (identity {x['truth']}): face_recognition {x['face_recognition']} "
                  f"{x.get('face_recognition_distances', '')}, biosense {x['biosense']} {x.get('biosense_distances', '')}")
        p("")

    p("## Where the time goes (bench_engine, engine as shipped, UNKNOWN photos)\n")
    for c in cpus:
        b = load(os.path.join(d, f"bench-engine-t{c}.json"))
        if not b:
            continue
        p(f"{c} thread(s): {b['photos_per_s']:.2f} photos/s (runs {b['runs_photos_per_s']}), "
          f"process CPU {b['process_cpu_ms_per_photo']:.0f} ms/photo, "
          f"{b['faces']} faces in {b['photos_with_faces']} photos\n")
        p("| stage | ms/photo (thread time) | % |")
        p("|---|---:|---:|")
        for k, v in b["stages_ms_per_photo"].items():
            p(f"| {k} | {v:.1f} | {b['stages_percent'][k]:.1f} |")
        p(f"| total | {b['thread_ms_per_photo']:.1f} | 100 |\n")

    b = load(os.path.join(d, "bench-direct.json"))
    if b and "stages_cpu_ms_per_photo" in b:
        p("Finer split (bench_engine --variant direct: the same loop, identical answers; 1 thread, CPU time):\n")
        p("| stage | CPU ms/photo | % |")
        p("|---|---:|---:|")
        for k, v in b["stages_cpu_ms_per_photo"].items():
            p(f"| {k} | {v:.1f} | {b['stages_cpu_percent'][k]:.1f} |")
        p("")

    rows = []
    for c in cpus:
        g = load(os.path.join(d, f"bench-engine-t{c}.json"))
        n = load(os.path.join(d, f"bench-native-engine-t{c}.json"))
        if g and n:
            gc, nc = g["process_cpu_ms_per_photo"], n["process_cpu_ms_per_photo"]
            rows.append(f"| {c} | {g['photos_per_s']:.2f} | {n['photos_per_s']:.2f} | "
                        f"{n['photos_per_s'] / g['photos_per_s']:.2f}x | {gc:.0f} | {nc:.0f} | {gc / nc:.2f}x |")
    if rows:
        p("## Generic vs -march=native (bench_engine, engine as shipped)\n")
        p("| threads | generic photos/s | native photos/s | speed-up (wall) | generic CPU ms/photo | native CPU ms/photo | speed-up (CPU) |")
        p("|---:|---:|---:|---:|---:|---:|---:|")
        out.extend(rows)
        p("")

    variants = sorted(glob.glob(os.path.join(d, "agreement-*.json")))
    vrows = []
    for f in variants:
        label = re.search(r"agreement-(.+)\.json$", f).group(1)
        if label == "biosense":
            continue
        b = load(os.path.join(d, f"bench-{label}.json"))
        a = load(f)
        if not (b and a):
            continue
        st = b.get("stages_cpu_ms_per_photo", b["stages_ms_per_photo"])
        det = sum(st.get(k, 0.0) for k in ("upsample", "hog_features", "hog_scan", "detect"))
        vrows.append(f"| {label} | {b['photos_per_s']:.2f} | {b['process_cpu_ms_per_photo']:.0f} | {det:.0f} | "
                     f"{st.get('encode', 0):.0f} | {a['identical_percent']}% ({len(a['disagreements'])}) | "
                     f"{a[label]['accuracy_percent']}% | {b['faces']} |")
    if vrows:
        p("## Prototypes (bench_engine --variant direct, 1 thread, agreement vs face_recognition)\n")
        p("| variant | photos/s (wall) | CPU ms/photo | detect CPU ms/photo | encode CPU ms/photo | identical answers (differing) | accuracy | faces |")
        p("|---|---:|---:|---:|---:|---:|---:|---:|")
        out.extend(vrows)
        p("")
    blas = [load(os.path.join(d, f"bench-openblas{b}-t1.json")) for b in (1, 2)]
    if all(blas):
        p("## OpenBLAS threads (1 worker thread, 2 cores available)\n")
        p("| OPENBLAS_NUM_THREADS | photos/s | encode wall ms/photo | process CPU ms/photo |")
        p("|---:|---:|---:|---:|")
        for b in blas:
            p(f"| {b['openblas_num_threads']} | {b['photos_per_s']:.2f} | {b['stages_ms_per_photo'].get('encode', 0):.1f} | "
              f"{b['process_cpu_ms_per_photo']:.0f} |")
        p("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
