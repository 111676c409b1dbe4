#!/usr/bin/env python3
"""Runs one command and measures it as a whole process tree.

    measure.py --json OUT.json --stdout OUT.txt [--stderr ERR.txt] -- CMD ARG...

Wall time; CPU time of every process of the tree (perf stat's task-clock when
perf works, else getrusage of waited-for children, which misses the pool
workers of Python's forkserver); peak memory sampled every 0.1 s: the largest
single process RSS, and the tree's summed RSS and PSS (PSS splits pages shared
after fork fairly, so it is the honest "memory this run needs" figure).
/usr/bin/time -v alone reports only the top process for multiprocessing
programs. Standard library only.
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def children_map():
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                data = f.read().decode("ascii", "replace")
            ppid = int(data[data.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def memory_kb(pid):
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def perf_works():
    if shutil.which("perf") is None:
        return False
    try:
        r = subprocess.run(["perf", "stat", "-x,", "-e", "task-clock", "--", "true"],
                           capture_output=True, timeout=20)
        return r.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--stdout", required=True)
    ap.add_argument("--stderr")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd:
        ap.error("no command")

    perf_file = None
    if perf_works():
        fd, perf_file = tempfile.mkstemp(prefix="measure-perf-")
        os.close(fd)
        cmd = ["perf", "stat", "-x,", "-e", "task-clock", "-o", perf_file, "--"] + cmd

    out = open(args.stdout, "wb")
    err = open(args.stderr, "wb") if args.stderr else subprocess.DEVNULL
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=out, stderr=err)
    peak_rss_tree = peak_pss_tree = peak_rss_one = 0
    seen = set()
    while proc.poll() is None:
        rss_sum = pss_sum = 0
        for pid in tree(proc.pid):
            if pid == proc.pid and perf_file:
                continue  # perf itself
            seen.add(pid)
            rss, pss = memory_kb(pid)
            rss_sum += rss
            pss_sum += pss
            peak_rss_one = max(peak_rss_one, rss)
        peak_rss_tree = max(peak_rss_tree, rss_sum)
        peak_pss_tree = max(peak_pss_tree, pss_sum)
        time.sleep(0.1)
    wall = time.monotonic() - start
    out.close()
    if err is not subprocess.DEVNULL:
        err.close()

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    cpu_source = "rusage"
    if perf_file:
        with open(perf_file) as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) > 2 and parts[2].startswith("task-clock"):
                    try:
                        cpu = float(parts[0]) / 1000.0
                        cpu_source = "perf task-clock"
                    except ValueError:
                        pass
        os.unlink(perf_file)
    result = {
        "command": args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "cpu_source": cpu_source,
        "peak_rss_single_mb": round(peak_rss_one / 1024.0, 1),
        "peak_rss_tree_mb": round(peak_rss_tree / 1024.0, 1),
        "peak_pss_tree_mb": round(peak_pss_tree / 1024.0, 1),
        "processes": len(seen),
        "loadavg_after": open("/proc/loadavg").read().split()[:3],
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
