#!/usr/bin/env bash
# Builds hyperchunk in Release and runs bench/engine_reduce under /usr/bin/time -v, then prints
# the machine, engine_reduce's table (medians, ratios) and the peak RSS of the whole run.
#
#   bench/run_engine_bench.sh [engine_reduce options]      e.g. --size small --repeat 3
#
# Environment: BUILD_DIR (default <repo>/build-bench), JOBS (default: nproc), CMAKE_ARGS (extra
# configure arguments, e.g. "-DHC_NATIVE=ON").
# Targets (the issue's): every op within 1.5x of the floor; peak RSS under 1 GiB + 100 MiB.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
# shellcheck disable=SC2086  # CMAKE_ARGS is a list of arguments
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHC_BUILD_TESTS=OFF -DHC_BUILD_BENCH=ON ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}" --target engine_reduce >/dev/null

time_log=$(mktemp)
trap 'rm -f "$time_log"' EXIT

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
echo "machine: $(nproc) CPUs ($cpu), $memory RAM, $(uname -sr)"
echo "command: bench/engine_reduce $*"
echo

status=0
/usr/bin/time -v -o "$time_log" "$build/bench/engine_reduce" "$@" || status=$?

rss_kib=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$time_log")
limit_kib=$(((1024 + 100) * 1024))
verdict="under"
if ((rss_kib >= limit_kib)); then verdict="OVER"; fi
echo "peak RSS of the whole process (/usr/bin/time -v, engine and floors): $((rss_kib / 1024)) MiB ($verdict the 1124 MiB target)"
exit "$status"
