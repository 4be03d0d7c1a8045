#!/usr/bin/env bash
# Configures and builds hyperchunk (Release, Ninja when available, all cores).
#
#   bash scripts/build.sh [BUILD_DIR] [extra cmake arguments...]
#
# BUILD_DIR (default: build) is relative to the repository root. Extra arguments go to the
# configure step and win over the defaults, e.g.
#   bash scripts/build.sh build-asan -DHC_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Environment: HC_JOBS (parallel compile jobs; default: one per core).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
  exit 0
fi

build_dir=build
if (($# > 0)) && [[ "$1" != -* ]]; then
  build_dir="$1"
  shift
fi

command -v cmake >/dev/null 2>&1 || hc_die "cmake not found: run 'bash scripts/setup.sh' first"
cd "$HC_ROOT"

# The generator is fixed when a build folder is first configured; only choose it then.
generator=()
if [[ ! -f "$build_dir/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi

jobs="$(hc_jobs)"
hc_log "build: configuring $build_dir ${*:+(extra: $*)}"
cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
hc_log "build: building $build_dir with $jobs jobs"
cmake --build "$build_dir" --parallel "$jobs"
hc_log "build: done ($build_dir)"
