#!/usr/bin/env bash
# biosense compare vs the Python face_recognition CLI on celeba-dev, in one run.
#
# Builds KNOWN (the first photo, by file name, of each of the 40 identities,
# as <identity>.jpg) and UNKNOWN (the other 895 photos) from celeba-dev, then,
# for each --cpus value, runs `biosense compare --show-distance` and
# `face_recognition --show-distance true` on the same folders, pinned to the
# same cores (taskset), measuring wall time, CPU time of the whole process
# tree and peak memory (bench/measure.py). Then: agreement of the two
# (identical sorted answers per photo), accuracy of each against
# identity.txt, and bench_engine's per-stage split. Raw files go to
# bench/results/<timestamp>/ (git-ignored); the summary is printed and
# written there as summary.md.
#
# Usage: bench/compare_vs_reference.sh [options]
#   --build DIR      build folder, configured Release here (default: build-bench)
#   --native DIR     also build DIR with -DBIOSENSE_NATIVE=ON and compare bench_engine
#   --no-build       use the binaries already in the build folder(s)
#   --rev REV        build biosense as of git revision REV (git archive into
#                    $TMPDIR/biosense-bench-REV, with this bench/ copied in)
#                    instead of the working tree, e.g. while src/ is being edited
#   --cpus "1 2"     core counts to measure (default "1 2")
#   --limit N        only the first N UNKNOWN photos (a quick check)
#   --repeat N       bench_engine passes per measurement (default 1)
#   --variants       also measure the prototype variants of bench_engine
#                    (upsample-0 fallback, grey HOG, batching), with agreement
#   --no-reference   skip the Python CLI (agreement then needs an earlier
#                    run: --reference-dir DIR with its face_recognition-cpus1.txt)
#   --out DIR        results folder (default bench/results/<timestamp>)
# Environment: BIOSENSE_TEST_DATA (default <repo>/../shared/datasets),
#              BIOSENSE_REFVENV (default ~/.cache/biosense/refvenv).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

build=build-bench
rev=""
native=""
do_build=1
cpus_list="1 2"
limit=0
repeat=1
variants=0
reference=1
reference_dir=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --native) native=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --rev) rev=$2; shift 2 ;;
    --cpus) cpus_list=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --variants) variants=1; shift ;;
    --no-reference) reference=0; shift ;;
    --reference-dir) reference_dir=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
done

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

data="${BIOSENSE_TEST_DATA:-$repo/../shared/datasets}"
[ -d "$data/celeba-dev/images" ] || fail "celeba-dev not found under $data; set BIOSENSE_TEST_DATA"
data=$(cd "$data" && pwd -P)
celeba="$data/celeba-dev"
refvenv="${BIOSENSE_REFVENV:-$HOME/.cache/biosense/refvenv}"
fr="$refvenv/bin/face_recognition"
if [ "$reference" = 1 ] && [ ! -x "$fr" ]; then
  fail "$fr not found (scripts/setup_reference.sh installs it), or pass --no-reference"
fi
out="${out:-bench/results/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
log "results in $out"

# --- build --------------------------------------------------------------------
src_desc="working tree $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
git diff --quiet HEAD -- src include CMakeLists.txt cmake 2>/dev/null || src_desc="$src_desc (src/include modified)"
if [ -n "$rev" ]; then
  full=$(git rev-parse --verify "$rev^{commit}") || fail "no such revision $rev"
  snap="${TMPDIR:-/tmp}/biosense-bench-${full:0:12}"
  if [ ! -f "$snap/CMakeLists.txt" ]; then
    log "snapshot of $rev in $snap"
    mkdir -p "$snap"
    git archive "$full" | tar -x -C "$snap"
  fi
  rsync -a --delete --exclude results "$repo/bench/" "$snap/bench/" 2>/dev/null ||
    { rm -rf "$snap/bench" && mkdir -p "$snap/bench" && (cd bench && tar -c --exclude results .) | tar -x -C "$snap/bench"; }
  src_desc="git ${full:0:12} (snapshot; bench/ from the working tree)"
  cd "$snap"
fi
build_dir() {  # DIR NATIVE(ON|OFF)
  cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=Release -DBIOSENSE_BUILD_TESTS=OFF -DBIOSENSE_NATIVE="$2" >/dev/null
  cmake --build "$1" -j"$(nproc)" --target biosense bench_engine >&2
}
if [ "$do_build" = 1 ]; then
  log "building $build (Release, generic)"
  build_dir "$build" OFF
  if [ -n "$native" ]; then log "building $native (Release, -march=native)"; build_dir "$native" ON; fi
fi
srcdir=$PWD
case "$build" in /*) ;; *) build="$srcdir/$build" ;; esac
case "$native" in /*|"") ;; *) native="$srcdir/$native" ;; esac
biosense="$build/biosense"
bench="$build/bench_engine"
[ -x "$biosense" ] && [ -x "$bench" ] || fail "$biosense or $bench missing (build first or drop --no-build)"

# --- photos -------------------------------------------------------------------
work="$out/photos"
rm -rf "$work"
mkdir -p "$work/known" "$work/unknown"
# identity.txt: "image identity" header, then "NNNNNN.jpg ID" lines.
tail -n +2 "$celeba/identity.txt" | sort -k1,1 | awk '!seen[$2]++ { print $1, $2 }' >"$out/known.list"
while read -r image id; do ln -s "$celeba/images/$image" "$work/known/$id.jpg"; done <"$out/known.list"
cut -d' ' -f1 "$out/known.list" >"$out/known-images.txt"
n=0
for f in $(ls "$celeba/images" | sort); do
  case "$f" in *.jpg|*.jpeg|*.png|*.JPG|*.JPEG|*.PNG) ;; *) continue ;; esac
  grep -qx "$f" "$out/known-images.txt" && continue
  ln -s "$celeba/images/$f" "$work/unknown/$f"
  n=$((n + 1))
  if [ "$limit" -gt 0 ] && [ "$n" -ge "$limit" ]; then break; fi
done
n_known=$(ls "$work/known" | wc -l)
n_unknown=$(ls "$work/unknown" | wc -l)
log "KNOWN: $n_known photos, UNKNOWN: $n_unknown photos"
cat "$work"/unknown/* >/dev/null  # page cache: neither tool pays the first disk read

# --- machine --------------------------------------------------------------------
{
  echo "date: $(date -Is)"
  echo "biosense source: $src_desc"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
  echo "memory: $(free -g | awk '/Mem:/ {print $2}') GB"
  echo "kernel: $(uname -r)"
  echo "compiler: $(c++ --version | head -1)"
  echo "dlib (biosense): $(dpkg-query -W -f '${Version}' libdlib-dev 2>/dev/null || echo '?')"
  echo "openblas: $(dpkg-query -W -f '${Version}' libopenblas0-pthread 2>/dev/null || echo '?')"
  echo "blas alternative: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo '?')"
  if [ "$reference" = 1 ]; then
    echo "reference: $("$refvenv/bin/python" -c 'import importlib.metadata, face_recognition, dlib; print("face_recognition", importlib.metadata.version("face_recognition"), "dlib", dlib.__version__, "AVX" if dlib.USE_AVX_INSTRUCTIONS else "no AVX", "BLAS" if dlib.DLIB_USE_BLAS else "no BLAS")')"
  fi
  echo "loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "OPENBLAS_NUM_THREADS: ${OPENBLAS_NUM_THREADS:-unset}"
} >"$out/machine.txt"
cat "$out/machine.txt" >&2

pin() {  # N -> taskset prefix for the first N cores
  if command -v taskset >/dev/null; then echo "taskset -c 0-$(($1 - 1))"; fi
}

# --- the two CLIs ---------------------------------------------------------------
for c in $cpus_list; do
  log "biosense compare --cpus $c"
  python3 "$repo"/bench/measure.py --json "$out/biosense-cpus$c.json" --stdout "$out/biosense-cpus$c.txt" \
    --stderr "$out/biosense-cpus$c.err" -- $(pin "$c") "$biosense" compare --cpus "$c" --show-distance \
    "$work/known" "$work/unknown" || fail "biosense compare failed (see $out/biosense-cpus$c.err)"
  if [ "$reference" = 1 ]; then
    log "face_recognition --cpus $c"
    python3 "$repo"/bench/measure.py --json "$out/face_recognition-cpus$c.json" --stdout "$out/face_recognition-cpus$c.txt" \
      --stderr "$out/face_recognition-cpus$c.err" -- $(pin "$c") "$fr" --cpus "$c" --show-distance true \
      "$work/known" "$work/unknown" || fail "face_recognition failed (see $out/face_recognition-cpus$c.err)"
    sort -o "$out/face_recognition-cpus$c.txt" "$out/face_recognition-cpus$c.txt"
  fi
  sort -o "$out/biosense-cpus$c.txt" "$out/biosense-cpus$c.txt"
done

first_cpus=${cpus_list%% *}
ref_txt="$out/face_recognition-cpus$first_cpus.txt"
if [ "$reference" = 0 ]; then
  ref_txt=""
  if [ -n "$reference_dir" ]; then ref_txt=$(ls "$reference_dir"/face_recognition-cpus*.txt | head -1); fi
fi
agree() {  # CANDIDATE.txt LABEL -> $out/agreement-LABEL.json
  [ -n "$ref_txt" ] || return 0
  python3 "$repo"/bench/agreement.py --truth "$celeba/identity.txt" --known-list "$out/known-images.txt" \
    --label-ref face_recognition --label-cand "$2" --json "$out/agreement-$2.json" "$ref_txt" "$1" \
    >"$out/agreement-$2.log"
  head -4 "$out/agreement-$2.log" >&2
}
agree "$out/biosense-cpus$first_cpus.txt" biosense
if [ "$reference" = 1 ]; then
  for c in $cpus_list; do  # the reference is deterministic: its runs must agree with each other
    [ "$c" = "$first_cpus" ] || cmp -s "$ref_txt" "$out/face_recognition-cpus$c.txt" ||
      log "WARNING: face_recognition --cpus $c answered differently from --cpus $first_cpus"
  done
fi

# --- stage split (and native) ---------------------------------------------------
run_bench() {  # LABEL BIN THREADS ARGS...
  local label=$1 bin=$2 t=$3
  shift 3
  log "bench_engine $label (threads $t $*)"
  $(pin "$t") "$bin" "$work/unknown" --threads "$t" --repeat "$repeat" --json "$out/bench-$label.json" "$@" \
    >"$out/bench-$label.txt"
  sed -n '3,4p' "$out/bench-$label.txt" >&2
}
for c in $cpus_list; do run_bench "engine-t$c" "$bench" "$c"; done
if [ -n "$native" ]; then
  for c in $cpus_list; do run_bench "native-engine-t$c" "$native/bench_engine" "$c"; done
fi

# --- prototypes -----------------------------------------------------------------
if [ "$variants" = 1 ]; then
  proto() {  # LABEL BIN ARGS...
    local label=$1 bin=$2
    shift 2
    run_bench "$label" "$bin" 1 --variant direct --known "$work/known" --output "$out/answers-$label.txt" "$@"
    sort -o "$out/answers-$label.txt" "$out/answers-$label.txt"
    agree "$out/answers-$label.txt" "$label"
  }
  proto direct "$bench"
  proto fallback "$bench" --fallback
  proto fallback-refine "$bench" --fallback --refine
  proto gray "$bench" --gray
  proto gray-fallback-refine "$bench" --gray --fallback --refine
  proto up0 "$bench" --upsample 0
  proto batch8 "$bench" --batch 8
  if [ -n "$native" ]; then
    proto native-direct "$native/bench_engine"
    proto native-fallback-refine "$native/bench_engine" --fallback --refine
  fi
  # BLAS threads: one worker, not pinned, OpenBLAS on 1 vs 2 threads.
  for b in 1 2; do
    log "bench_engine openblas$b-t1 (threads 1, OPENBLAS_NUM_THREADS=$b, not pinned)"
    OPENBLAS_NUM_THREADS=$b "$bench" "$work/unknown" --threads 1 --repeat "$repeat" --variant direct \
      --json "$out/bench-openblas$b-t1.json" >"$out/bench-openblas$b-t1.txt"
    sed -n '3,4p' "$out/bench-openblas$b-t1.txt" >&2
  done
fi

echo "loadavg after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"
python3 "$repo"/bench/summarize.py "$out" | tee "$out/summary.md"
