#!/usr/bin/env bash
# The tutorial's rebin step (issue 4): s2.isig[:15.0].rebin(scale=(4, 4, 1)).compute() on the
# (16, 512, 992)-chunked 2 GB file — hyperchunk vs HyperSpy 1.7.3 vs one raw read of the file, in
# one run, with peak RSS. See BENCHMARKS.md, "Rebin (issue 4)".
#
#   bench/rebin_bench.sh [--repeat N] [--threads N]
#
# Environment:
#   BENCH_DATA  folder of the cached data (default /tmp/hyperchunk-bench): tutorial16_none.hspy,
#               512x512x992 float64, chunks (16, 512, 992), uncompressed, written once by
#               `hyperchunk synth --chunks 16,512,992` (the tutorial's second file)
#   BUILD_DIR   Release build of hyperchunk and bench/raw_read_floor (default <repo>/build-bench2)
#   JOBS        build jobs (default: nproc)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench2}
data=${BENCH_DATA:-/tmp/hyperchunk-bench}

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHC_BUILD_TESTS=OFF -DHC_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target raw_read_floor hyperchunk_command >/dev/null
hc=$build/src/cli/hyperchunk

mkdir -p "$data"
f=$data/tutorial16_none.hspy
if [[ ! -s $f ]]; then
  echo "writing $f (hyperchunk synth, once) ..." >&2
  "$hc" --no-progress synth "$data/.tutorial16_none.partial.hspy" --chunks 16,512,992 --compression none --overwrite
  mv "$data/.tutorial16_none.partial.hspy" "$f"
fi

echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(uname -sr)"
echo "hyperchunk: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo ' (uncommitted changes)')"
echo "command: bench/rebin_bench.sh $*"
exec /usr/bin/python3 "$repo/bench/rebin_bench.py" run --hyperchunk "$hc" --floor "$build/bench/raw_read_floor" \
  --file "$f" "$@"
