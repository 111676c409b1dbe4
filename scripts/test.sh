#!/usr/bin/env bash
# The project's test command (CI runs it through .ci/run).
#
#   1. scripts/setup.sh      Debian packages and model weights (idempotent)
#   2. scripts/services.sh   MariaDB and RabbitMQ up on 127.0.0.1
#   3. build/                Release build with -Werror, then every ctest test
#   4. build-asan/           ASan+UBSan build with -Werror, then every ctest
#                            test again under the sanitizers
#
# Usage: scripts/test.sh [--fast]
#   --fast   skip the sanitizer build and run (steps 1-3 only)
#
# Environment:
#   BIOSENSE_TEST_DATA     datasets folder (default: <repo>/../shared/datasets);
#                          exported as an absolute path for cmake and ctest
#   BIOSENSE_TEST_TIMEOUT  default per-test ctest timeout in seconds (900)
#   BIOSENSE_MODELS_DIR    where the model weights live (see fetch_models.sh)
#
# Exits non-zero when any step, build or test fails. The last line is a summary
# in the form "tests: N passed, N failed".
set -euo pipefail
orig_pwd=$PWD
cd "$(dirname "$0")/.."
repo=$PWD

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

fast=0
for arg in "$@"; do
  case "$arg" in
    --fast) fast=1 ;;
    -h | --help) usage; exit 0 ;;
    *) printf 'test.sh: unknown argument: %s\n' "$arg" >&2; usage >&2; exit 1 ;;
  esac
done

# BIOSENSE_TEST_DATA: absolute, since cmake bakes it into the ctest files and
# tests run from other working directories.
data="${BIOSENSE_TEST_DATA:-$repo/../shared/datasets}"
case "$data" in /*) ;; *) data="$orig_pwd/$data" ;; esac
if [ -d "$data" ]; then
  data=$(cd "$data" && pwd -P)
else
  printf 'test.sh: warning: test data folder %s does not exist; tests needing photos will fail\n' "$data" >&2
fi
export BIOSENSE_TEST_DATA="$data"

jobs=$(nproc 2>/dev/null || echo 2)

# ccache, when the machine has it, shares compiled objects between builds and
# checkouts (paths are made relative to the checkout, so worktrees share too).
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$repo}"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
timeout_s="${BIOSENSE_TEST_TIMEOUT:-900}"
start=$SECONDS
stage="start"
passed=0
failed=0
ran_tests=0
summary=()

banner() { printf '\n======== %s ========\n' "$*"; }

elapsed() { local s=$1; printf '%dm%02ds' $((s / 60)) $((s % 60)); }

joined() { local IFS=';'; printf '%s' "${summary[*]}" | sed 's/;/; /g'; }

# Always say how it ended, also when a step fails under set -e.
finish() {
  local rc=$?
  echo
  if [ "$rc" -eq 0 ]; then
    printf 'test.sh: OK in %s: %s\n' "$(elapsed $((SECONDS - start)))" "$(joined)"
  else
    printf 'test.sh: FAILED at step "%s" (exit %d) after %s%s\n' "$stage" "$rc" \
      "$(elapsed $((SECONDS - start)))" "${summary:+; $(joined)}"
  fi
  if [ "$ran_tests" -eq 1 ]; then
    printf 'tests: %d passed, %d failed\n' "$passed" "$failed"
  fi
}
trap finish EXIT

# run_ctest NAME BUILD_DIR [extra ctest args...]: run ctest, tally its counts.
run_ctest() {
  local name=$1 dir=$2 log rc=0 counts nfail ntotal nskip skipped=""
  shift 2
  log=$(mktemp "${TMPDIR:-/tmp}/biosense-ctest.XXXXXX")
  ctest --test-dir "$dir" --output-on-failure -j1 --no-tests=error --timeout "$timeout_s" "$@" 2>&1 |
    tee "$log" || rc=$?
  counts=$(sed -n 's/.* \([0-9][0-9]*\) tests\{0,1\} failed out of \([0-9][0-9]*\).*/\1 \2/p' "$log" | tail -n 1)
  # Skipped tests (e.g. no compose client) are neither passed nor failed.
  nskip=$(grep -c '(Skipped)$' "$log" || true)
  [ "$nskip" -gt 0 ] && skipped=", $nskip skipped (not passed)"
  if [ -n "$counts" ]; then
    read -r nfail ntotal <<<"$counts"
    ran_tests=1
    passed=$((passed + ntotal - nfail - nskip))
    failed=$((failed + nfail))
    summary+=("$name $((ntotal - nfail - nskip))/$ntotal passed$skipped")
  fi
  rm -f "$log"
  return "$rc"
}

banner "setup"
stage="setup"
bash scripts/setup.sh

banner "services"
stage="services"
bash scripts/services.sh

banner "release build (build/)"
stage="release configure"
t0=$SECONDS
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBIOSENSE_WERROR=ON "${launcher[@]}"
stage="release build"
cmake --build build -j"$jobs"
echo "release build took $(elapsed $((SECONDS - t0)))"

banner "release tests"
stage="release tests"
run_ctest release build

if [ "$fast" -eq 1 ]; then
  summary+=("sanitizer build skipped (--fast)")
else
  banner "sanitizer build (build-asan/)"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  if [ -f tests/lsan.supp ]; then
    export LSAN_OPTIONS="suppressions=$repo/tests/lsan.supp:print_suppressions=0"
  fi
  stage="sanitizer configure"
  t0=$SECONDS
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBIOSENSE_SANITIZE=ON -DBIOSENSE_WERROR=ON "${launcher[@]}"
  stage="sanitizer build"
  cmake --build build-asan -j"$jobs"
  echo "sanitizer build took $(elapsed $((SECONDS - t0)))"

  banner "sanitizer tests"
  stage="sanitizer tests"
  run_ctest sanitizers build-asan
fi
stage="done"
