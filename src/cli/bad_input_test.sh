#!/usr/bin/env bash
# Bad input never crashes the command: one clear line naming the file and the problem, exit 1 (2
# for bad usage), no output left behind, the input untouched.
#   bad_input_test.sh HYPERCHUNK_BINARY
set -euo pipefail
hc="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
failures=0

# expect EXIT PATTERN -- command...: runs it, checks the exit code and that stderr is one line
# matching PATTERN (and no "HDF5-DIAG" noise).
expect() {
  local want="$1" pattern="$2"
  shift 3
  local rc=0
  "$@" >stdout.txt 2>stderr.txt || rc=$?
  local lines
  lines=$(grep -c '' stderr.txt || true)
  # Usage errors (exit 2) may add a second line pointing to --help.
  local max_lines=1
  [[ "$want" == 2 ]] && max_lines=2
  if [[ "$rc" != "$want" ]] || ! grep -Eq -- "$pattern" stderr.txt || ((lines > max_lines)) || grep -q "HDF5-DIAG" stderr.txt; then
    echo "FAIL: $* -> exit $rc (want $want), stderr:"
    sed 's/^/    /' stderr.txt
    failures=$((failures + 1))
  else
    echo "ok: $* -> exit $rc: $(head -n 1 stderr.txt)"
  fi
}

"$hc" --no-progress synth good.hspy --shape 16,16,256 --chunks 8,8,128 --dtype uint16 >/dev/null
"$hc" --no-progress synth raw.hspy --shape 8,8,64 --chunks 4,4,32 --compression none >/dev/null
sum_before=$(md5sum good.hspy raw.hspy)

# A missing file, a folder, random bytes, a truncated file.
expect 1 "missing.hspy: no such file" -- "$hc" info missing.hspy
expect 1 ": is a directory" -- "$hc" info "$work"
head -c 4096 /dev/urandom >random.hspy
expect 1 "random.hspy: not an HDF5 file" -- "$hc" info random.hspy
size=$(stat -c %s raw.hspy)
head -c $((size / 2)) raw.hspy >truncated.hspy
expect 1 "truncated.hspy" -- "$hc" reduce truncated.hspy --op sum --axis signal -o out.npy
[[ ! -e out.npy ]] || { echo "FAIL: out.npy left behind"; failures=$((failures + 1)); }

# Damaged files: garbage written over the file at several places (chunk data or HDF5's own
# structures): always one line naming the file, exit 1, nothing written.
gsize=$(stat -c %s good.hspy)
for percent in 30 45 60 75 90; do
  cp good.hspy corrupt.hspy
  printf 'not a chunk %.0s' {1..24} | dd of=corrupt.hspy bs=1 seek=$((gsize * percent / 100)) conv=notrunc status=none
  rc=0
  "$hc" reduce corrupt.hspy --op sum --axis all -o out.npy >stdout.txt 2>stderr.txt || rc=$?
  if ((rc == 0)); then
    echo "ok: damage at $percent% missed the data (exit 0)"
  else
    expect 1 "corrupt.hspy" -- "$hc" reduce corrupt.hspy --op sum --axis all -o out.npy
    [[ ! -e out.npy ]] || { echo "FAIL: out.npy left behind"; failures=$((failures + 1)); }
  fi
  rm -f out.npy
done

# A target that exists is refused; nothing is written or left behind.
cp raw.hspy target.hspy
tsum=$(md5sum target.hspy)
expect 1 "target.hspy: exists; pass --overwrite" -- "$hc" convert good.hspy target.hspy
[[ "$(md5sum target.hspy)" == "$tsum" ]] || { echo "FAIL: target modified"; failures=$((failures + 1)); }

# Bad usage: exit 2.
expect 2 "error" -- "$hc" reduce good.hspy --op median --axis signal
expect 2 "--chunks" -- "$hc" convert good.hspy x.hspy --chunks 0,4
expect 2 "error" -- "$hc" info

# The inputs are untouched and no temporary files remain.
[[ "$(md5sum good.hspy raw.hspy)" == "$sum_before" ]] || { echo "FAIL: an input changed"; failures=$((failures + 1)); }
if ls -a | grep -q '^\..*XXXXXX\|^\.[a-z]*\.hspy\.'; then
  echo "FAIL: temporary files left: $(ls -a)"
  failures=$((failures + 1))
fi
echo "bad input: $failures failures"
((failures == 0))
