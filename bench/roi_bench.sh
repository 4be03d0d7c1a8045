#!/usr/bin/env bash
# The tutorial's ROI at interactive speed (issue 6): on the 2 GB file, uncompressed and gzip, the
# 10x10 RectangularROI sum — first call, then after moving the ROI by one pixel — and the spectrum at
# one pixel, through hyperchunk (bench/roi_bench, one process, the Context's chunk cache) and
# through HyperSpy 1.7.3 (roi(s).sum().compute(), s.inav[x, y].compute()), with the targets marked.
# See BENCHMARKS.md, "ROI (issue 6)".
#
#   bench/roi_bench.sh [--repeat N] [--threads N] [--kinds none,gzip]
#
# Environment: BENCH_DATA (default /tmp/hyperchunk-bench; tutorial_<kind>.hspy, 512x512x992
# float64, chunks (64, 512, 248), written once by `hyperchunk synth`, shared with the seed
# workflow), BUILD_DIR (Release build, default <repo>/build-bench2), JOBS.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench2}
data=${BENCH_DATA:-/tmp/hyperchunk-bench}

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHC_BUILD_TESTS=OFF -DHC_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target roi_bench hyperchunk_command >/dev/null
hc=$build/src/cli/hyperchunk

mkdir -p "$data"
for kind in none gzip; do
  f=$data/tutorial_$kind.hspy
  if [[ ! -s $f ]]; then
    echo "writing $f (hyperchunk synth, once) ..." >&2
    "$hc" --no-progress synth "$data/.tutorial_$kind.partial.hspy" --compression "$kind" --overwrite
    mv "$data/.tutorial_$kind.partial.hspy" "$f"
  fi
  w=$data/seedwarm_$kind.hspy  # HyperSpy's warm-up file (its lazy imports), untimed
  if [[ ! -s $w ]]; then
    "$hc" --no-progress synth "$data/.seedwarm_$kind.partial.hspy" --shape 16,16,992 --compression "$kind" --overwrite
    mv "$data/.seedwarm_$kind.partial.hspy" "$w"
  fi
done

echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "hyperchunk: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo ' (uncommitted changes)')"
echo "command: bench/roi_bench.sh $*"
exec /usr/bin/python3 "$repo/bench/roi_bench.py" --bench "$build/bench/roi_bench" --data "$data" "$@"
