#!/usr/bin/env bash
# Builds the libFuzzer target over the .hspy metadata decoder (tests/store/fuzz_hspy_metadata.cc)
# with clang in its own build folder and runs it for a while, starting from a generated seed corpus
# (input programs for HyperSpy-like files, written by fuzz_hspy_metadata_seeds).
#
#   bash tests/store/run_fuzz.sh [seconds]      default 30
#
# Environment: HC_FUZZ_BUILD_DIR (default build-fuzz), HC_JOBS (build jobs, default nproc).
# Inputs that found something new accumulate in $HC_FUZZ_BUILD_DIR/fuzz-hspy/corpus across runs.
# Exit status 0 when the run found nothing; otherwise libFuzzer's, with the failing input saved as
# $HC_FUZZ_BUILD_DIR/fuzz-hspy/crash-<sha1> (or timeout-/oom-; replay: fuzz_hspy_metadata <file>;
# add it to tests/store/hspy_fuzz_test.cc as a regression once fixed).
set -euo pipefail

seconds="${1:-30}"
[[ "$seconds" =~ ^[0-9]+$ ]] || {
  echo "usage: $0 [seconds]" >&2
  exit 2
}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${HC_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${HC_JOBS:-$(nproc 2>/dev/null || echo 2)}"
command -v clang++ >/dev/null 2>&1 || {
  echo "clang++ not found (bash scripts/setup.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
}

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DHC_BUILD_TESTS=ON -DHC_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j "$jobs" --target fuzz_hspy_metadata fuzz_hspy_metadata_seeds

work="$build/fuzz-hspy"
rm -rf "$work/seeds"
mkdir -p "$work/corpus" "$work/seeds"
"$build/tests/store/fuzz_hspy_metadata_seeds" "$work/seeds"

cd "$work"
echo "fuzzing the .hspy metadata decoder for ${seconds}s"
# fuzz_known_issues.supp silences findings reported but not yet fixed (each one named there).
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/tests/store/fuzz_known_issues.supp"
exec "$build/tests/store/fuzz_hspy_metadata" -max_total_time="$seconds" -max_len=4096 -timeout=20 \
  -rss_limit_mb=2560 -print_final_stats=1 corpus seeds
