#!/usr/bin/env bash
# Builds the libFuzzer target over the chunk codecs (tests/codec/fuzz_decode_chunk.cc) with clang
# in its own build folder and runs it for a while, starting from a generated seed corpus (real
# shuffled / deflated / checksummed chunks, written by fuzz_decode_chunk_seeds).
#
#   bash tests/codec/run_fuzz.sh [seconds]      default 30
#
# Environment: HC_FUZZ_BUILD_DIR (default build-fuzz), HC_JOBS (build jobs, default nproc).
# Inputs that found something new accumulate in $HC_FUZZ_BUILD_DIR/fuzz/corpus across runs.
# Exit status 0 when the run found nothing; otherwise libFuzzer's, with the failing input saved as
# $HC_FUZZ_BUILD_DIR/fuzz/crash-<sha1> (replay: fuzz_decode_chunk <that file>).
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
cmake --build "$build" -j "$jobs" --target fuzz_decode_chunk fuzz_decode_chunk_seeds

work="$build/fuzz"
rm -rf "$work/seeds"
mkdir -p "$work/corpus" "$work/seeds"
"$build/tests/codec/fuzz_decode_chunk_seeds" "$work/seeds"

cd "$work"
echo "fuzzing DecodeChunk for ${seconds}s"
exec "$build/tests/codec/fuzz_decode_chunk" -max_total_time="$seconds" -max_len=16384 -timeout=20 \
  -rss_limit_mb=2560 -print_final_stats=1 corpus seeds
