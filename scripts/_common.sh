# Shared helpers of scripts/*.sh (sourced, not run). Keep it small and dependency-free.
# shellcheck shell=bash

# The repository root, whatever the caller's working directory.
HC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export HC_ROOT

hc_log() { printf '[hyperchunk] %s\n' "$*" >&2; }
hc_die() {
  printf '[hyperchunk] error: %s\n' "$*" >&2
  exit 1
}

# Parallel jobs for builds and tests: $HC_JOBS, else one per core.
hc_jobs() {
  if [[ -n "${HC_JOBS:-}" ]]; then
    printf '%s\n' "$HC_JOBS"
  else
    nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2
  fi
}
