#!/usr/bin/env bash
# A full pass over the tutorial's 2 GB .hspy file (issue 3): hyperchunk against HyperSpy + dask,
# against the raw pread rate of the file and against the libdeflate decode rate, in one run, with
# the peak RSS of each (/usr/bin/time -v). See BENCHMARKS.md, ".hspy full pass (issue 3)".
#
#   bench/hspy_read_bench.sh [--repeat N] [--threads N] [--cold] [--as-cached]
#
#   --repeat N   timed rounds after the warm-up round (default 3; medians are reported)
#   --threads N  threads of hyperchunk and of the floor (default: nproc); dask uses its default
#   --cold       also one cold-cache run of each step (the file's pages are evicted first)
#   --as-cached  measure the page cache as found; by default each data file is first evicted and
#                read in once (BENCHMARKS.md, "The page cache's state")
#
# Environment:
#   BENCH_DATA  folder of the cached data files (default /tmp/hyperchunk-bench): tutorial_none.hspy
#               and tutorial_gzip.hspy, 512x512x992 float64, chunks (64, 512, 248), written once by
#               `hyperchunk synth` (uncompressed; gzip level 4 + shuffle)
#   BUILD_DIR   Release build of hyperchunk and bench/raw_read_floor (default <repo>/build-bench2)
#   HYPERCHUNK  the hyperchunk binary to measure (default: the one built in BUILD_DIR)
#   JOBS        build jobs (default: nproc)
#
# Steps (each a fresh process under /usr/bin/time -v, so each has its own peak RSS):
#   HyperSpy    /usr/bin/python3 bench/hspy_read_bench.py hyperspy: imports hyperspy.api, then times
#               hs.load(f, lazy=True); s.sum() (or s.sum(s.axes_manager.signal_axes)); .compute()
#   hyperchunk  hyperchunk reduce f --op sum --axis navigation|signal -o x.npy (the process's wall time)
#   floor       bench/raw_read_floor over the chunk byte ranges h5py lists (its own clock)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench2}
data=${BENCH_DATA:-/tmp/hyperchunk-bench}
py=/usr/bin/python3

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHC_BUILD_TESTS=OFF -DHC_BUILD_BENCH=ON >/dev/null
targets=(raw_read_floor)
if [[ -z ${HYPERCHUNK:-} ]]; then targets+=(hyperchunk_command); fi
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]}" >/dev/null
hc=${HYPERCHUNK:-$build/src/cli/hyperchunk}
floor=$build/bench/raw_read_floor

# The data, once: written under a temporary name, renamed when complete.
mkdir -p "$data"
for kind in none gzip; do
  f=$data/tutorial_$kind.hspy
  if [[ ! -s $f ]]; then
    echo "writing $f (hyperchunk synth, once) ..." >&2
    "$hc" --no-progress synth "$data/.tutorial_$kind.partial.hspy" --chunks 64,512,248 --compression "$kind" --overwrite
    mv "$data/.tutorial_$kind.partial.hspy" "$f"
  fi
done

if [[ ! -s $data/tiny_none.hspy ]]; then  # for hyperchunk's fixed cost
  "$hc" --no-progress synth "$data/.tiny_none.partial.hspy" --shape 4,4,992 --compression none --overwrite
  mv "$data/.tiny_none.partial.hspy" "$data/tiny_none.hspy"
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
versions=$($py -c 'import hyperspy, dask, numpy, h5py; print(f"HyperSpy {hyperspy.__version__}, dask {dask.__version__}, numpy {numpy.__version__}, h5py {h5py.__version__}")')
echo "machine: $(nproc) CPUs ($cpu), $memory RAM, $(uname -sr)"
echo "software: $versions; libdeflate $(pkg-config --modversion libdeflate 2>/dev/null || echo '?')"
echo "hyperchunk: $hc ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet 2>/dev/null || echo ', with uncommitted changes'))"
echo "command: bench/hspy_read_bench.sh $*"
echo

exec "$py" "$repo/bench/hspy_read_bench.py" run --hyperchunk "$hc" --floor "$floor" --data "$data" "$@"
