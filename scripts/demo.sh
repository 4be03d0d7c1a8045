#!/usr/bin/env bash
# Installs what is missing, builds hyperchunk and runs its demo.
#
#   bash scripts/demo.sh [demo options...]     e.g.  bash scripts/demo.sh --help
#
# Environment: HC_SKIP_SETUP=1 (do not check the system packages), HC_BUILD_DIR (default: build),
# HC_JOBS (parallel compile jobs; default: one per core).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

build_dir="${HC_BUILD_DIR:-build}"
[[ "${HC_SKIP_SETUP:-0}" == 1 ]] || bash "$HC_ROOT/scripts/setup.sh"
bash "$HC_ROOT/scripts/build.sh" "$build_dir"

cd "$HC_ROOT"
cli="$build_dir/src/cli/hyperchunk"
[[ -x "$cli" ]] || hc_die "the build did not produce $cli"
hc_log "demo: $cli demo $*"
exec "$cli" demo "$@"
