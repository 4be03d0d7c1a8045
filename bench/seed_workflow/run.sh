#!/usr/bin/env bash
# The seed workflow (issue 5): every tutorial step through HyperSpy 1.7.3 and through hyperchunk on
# the same 2 GB files, uncompressed and gzip, against the raw read / decode floor of the chunks each
# step reads, with peak RSS; prints the machine, the command and a markdown table with the targets
# marked met / MISSED. See BENCHMARKS.md, "Seed workflow (issue 5)".
#
#   bench/seed_workflow/run.sh [--repeat N] [--steps a,b,...] [--kinds none,gzip] [--threads N] [--as-cached]
#
#   --repeat N    timed rounds after the warm-up round (default 3; medians are reported)
#   --steps LIST  a subset of navigator,navigator-full,lines,lines-1,rebin,roi,sum (default: all)
#   --kinds LIST  none, gzip or both (default none,gzip)
#   --threads N   threads of hyperchunk and of the floor (default: nproc); dask uses its default
#   --as-cached   measure the page cache as found; by default each data file is first evicted and
#                 read in once from start to end, since how long a file's pages have stayed cached
#                 on this shared machine moved a pass over them by up to 1.7x
#
# Environment:
#   BENCH_DATA  folder of the cached data (default /tmp/hyperchunk-bench), written once by
#               `hyperchunk synth` (512x512x992 float64, Fe/Pt EDS_TEM): file 1 tutorial_<kind>.hspy,
#               chunks (64, 512, 248) (shared with bench/hspy_read_bench.sh), file 2
#               tutorial16_<kind>.hspy, chunks (16, 512, 992) (shared with bench/rebin_bench.sh);
#               <kind> none (uncompressed) or gzip (level 4 + shuffle, HyperSpy's default)
#               and seedwarm_<kind>.hspy (16x16x992), on which HyperSpy runs each step once, untimed,
#               before its clock starts (`import hyperspy.api` is lazy: hs.load imports seconds of code)
#   SEED_SMALL  1: a quick check of the script on 128x128x992 files in $BENCH_DATA/small
#   SOURCE_DIR  the source tree to build and measure (default: this repository), e.g. a
#               `git archive HEAD | tar -x -C DIR` copy when the working tree holds others' edits
#   BUILD_DIR   Release build of hyperchunk and bench/raw_read_floor (default <source>/build-bench2)
#   HYPERCHUNK  the hyperchunk binary to measure (default: the one built in BUILD_DIR)
#   JOBS        build jobs (default: nproc)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
src=${SOURCE_DIR:-$repo}
build=${BUILD_DIR:-$src/build-bench2}
data=${BENCH_DATA:-/tmp/hyperchunk-bench}
py=/usr/bin/python3

cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHC_BUILD_TESTS=OFF -DHC_BUILD_BENCH=ON >/dev/null
targets=(raw_read_floor)
if [[ -z ${HYPERCHUNK:-} ]]; then targets+=(hyperchunk_command); fi
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target "${targets[@]}" >/dev/null
hc=${HYPERCHUNK:-$build/src/cli/hyperchunk}
floor=$build/bench/raw_read_floor

shape=512,512,992
chunks1=64,512,248
chunks2=16,512,992
if [[ ${SEED_SMALL:-0} == 1 ]]; then
  data=$data/small
  shape=128,128,992
  chunks1=16,128,248
  chunks2=4,128,992
fi

# The data, once: written under a temporary name, renamed when complete.
mkdir -p "$data"
file1=() file2=() warm=()
for kind in none gzip; do
  for spec in "tutorial:$chunks1" "tutorial16:$chunks2"; do
    name=${spec%%:*} chunks=${spec#*:}
    f=$data/${name}_$kind.hspy
    if [[ ! -s $f ]]; then
      echo "writing $f (hyperchunk synth, once) ..." >&2
      "$hc" --no-progress synth "$data/.${name}_$kind.partial.hspy" --shape "$shape" --chunks "$chunks" \
        --compression "$kind" --overwrite
      mv "$data/.${name}_$kind.partial.hspy" "$f"
    fi
  done
  small=$data/seedwarm_$kind.hspy  # HyperSpy's warm-up (its lazy imports), untimed
  if [[ ! -s $small ]]; then
    "$hc" --no-progress synth "$data/.seedwarm_$kind.partial.hspy" --shape 16,16,992 --compression "$kind" --overwrite
    mv "$data/.seedwarm_$kind.partial.hspy" "$small"
  fi
  warm+=("$kind=$small")
  file1+=("$kind=$data/tutorial_$kind.hspy")
  file2+=("$kind=$data/tutorial16_$kind.hspy")
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
versions=$($py -c 'import hyperspy, dask, numpy, h5py; print(f"HyperSpy {hyperspy.__version__}, dask {dask.__version__}, numpy {numpy.__version__}, h5py {h5py.__version__}")')
echo "machine: $(nproc) CPUs ($cpu), $memory RAM, $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "software: $versions; libdeflate $(pkg-config --modversion libdeflate 2>/dev/null || echo '?'); $(c++ --version | head -1)"
if [[ $src == "$repo" ]]; then
  revision="$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo ', with uncommitted changes in the tree')"
else
  revision="built from $src$([[ -f $src/.commit ]] && echo ", a copy of $(cat "$src/.commit")")"
fi
echo "hyperchunk: $hc ($revision)"
echo "command: bench/seed_workflow/run.sh $*"
echo

exec "$py" "$repo/bench/seed_workflow/seed_workflow.py" run --hyperchunk "$hc" --floor "$floor" \
  --file1 "${file1[@]}" --file2 "${file2[@]}" --warm "${warm[@]}" "$@"
