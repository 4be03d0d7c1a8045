#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors and runs the tests.
#
#   bash scripts/test.sh [extra ctest arguments...]     e.g.  bash scripts/test.sh -R Planner
#
# Environment:
#   HC_TEST_SLOW=1   also run the tests labelled 'slow' (benchmarks are never run here)
#   HC_SKIP_SETUP=1  do not check the system packages
#   HC_BUILD_DIR     build folder (default: build);  HC_JOBS  parallel jobs (default: one per core)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,10s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
  exit 0
fi

build_dir="${HC_BUILD_DIR:-build}"
[[ "${HC_SKIP_SETUP:-0}" == 1 ]] || bash "$HC_ROOT/scripts/setup.sh"
bash "$HC_ROOT/scripts/build.sh" "$build_dir" -DHC_WERROR=ON -DHC_BUILD_TESTS=ON

exclude='slow|benchmark'
[[ "${HC_TEST_SLOW:-0}" == 1 ]] && exclude='benchmark'

cd "$HC_ROOT"
hc_log "test: ctest in $build_dir, excluding labels '$exclude'"
ctest --test-dir "$build_dir" --output-on-failure --no-tests=error -j "$(hc_jobs)" -LE "$exclude" "$@"
