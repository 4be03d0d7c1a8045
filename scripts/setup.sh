#!/usr/bin/env bash
# Installs what building, testing and running hyperchunk needs on Debian 12 (bookworm).
#
#   bash scripts/setup.sh          install the missing packages (as root, or through sudo)
#   bash scripts/setup.sh --check  only list the missing packages; exit 1 if any
#
# Idempotent: it asks dpkg which packages are missing and touches apt only when some are.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

# ---- THE PACKAGE LIST: add new dependencies here, one per line ---------------------------------
PACKAGES=(
  # toolchain
  build-essential
  g++
  cmake
  ninja-build
  pkg-config
  git
  # libraries (headers + CMake configs)
  libfmt-dev
  libspdlog-dev
  libcli11-dev
  nlohmann-json3-dev
  libgtest-dev
  libgmock-dev
  libbenchmark-dev
  libhdf5-dev
  libdeflate-dev
  zlib1g-dev
  # PNG pictures (plot module): antialiased drawing and text; fonts-dejavu-core gives "DejaVu Sans"
  libcairo2-dev
  fonts-dejavu-core
  # the reference peer for interop tests and benchmarks: HyperSpy 1.7.3 (with dask, h5py, numpy)
  python3-hyperspy
  python3-numpy
  python3-h5py
  # fuzz targets (libFuzzer ships with clang's runtime)
  clang
  libclang-rt-14-dev
  # tools: formatting check, --graph .svg output, /usr/bin/time -v in benchmarks, scripts
  clang-format
  graphviz
  time
  python3
)
# -------------------------------------------------------------------------------------------------

check_only=0
case "${1:-}" in
  "") ;;
  --check) check_only=1 ;;
  -h | --help)
    sed -n '2,7s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    exit 0
    ;;
  *) hc_die "unknown argument '$1' (try --help)" ;;
esac

is_installed() {
  local status
  status="$(dpkg -s "$1" 2>/dev/null || true)"
  [[ "$status" == *$'\nStatus: install ok installed'* ]]
}

command -v dpkg >/dev/null 2>&1 || hc_die "dpkg not found: this script supports Debian 12; install by hand: ${PACKAGES[*]}"

if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  os_id="$(. /etc/os-release && echo "${ID:-}-${VERSION_ID:-}")"
  [[ "$os_id" == "debian-12" ]] || hc_log "warning: made for Debian 12, this is '$os_id'; trying anyway"
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  hc_log "setup: all ${#PACKAGES[@]} required packages are installed; nothing to do"
  exit 0
fi
hc_log "setup: missing packages: ${missing[*]}"
((check_only)) && exit 1

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  hc_die "installing packages needs root: run this script as root, or install sudo"
fi

apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=600)
"${apt_get[@]}" update
"${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
  is_installed "$pkg" || still_missing+=("$pkg")
done
((${#still_missing[@]} == 0)) || hc_die "setup: still missing after apt-get install: ${still_missing[*]}"
hc_log "setup: installed ${missing[*]}"
