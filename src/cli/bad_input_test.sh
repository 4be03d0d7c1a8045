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

# reduce, slice and rebin: damaged inputs fail naming the file and write nothing.
expect 1 "truncated.hspy" -- "$hc" slice truncated.hspy --isig 1.0:2.0 -o out.hspy
expect 1 "truncated.hspy" -- "$hc" rebin truncated.hspy --scale 2,2,1 -o out.npy
for percent in 30 60 90; do
  cp good.hspy corrupt.hspy
  printf 'not a chunk %.0s' {1..24} | dd of=corrupt.hspy bs=1 seek=$((gsize * percent / 100)) conv=notrunc status=none
  for args in "slice corrupt.hspy --inav 2:9 -o out.hspy" "rebin corrupt.hspy --scale 2,2,4 -o out.hspy" \
    "rebin corrupt.hspy --scale 1.5,1,1 -o out.npy" "reduce corrupt.hspy --op mean --axis navigation -o out.csv"; do
    # shellcheck disable=SC2086 # split on purpose
    if "$hc" $args >stdout.txt 2>stderr.txt; then
      echo "ok: damage at $percent% missed the data of: $args"
    else
      # shellcheck disable=SC2086
      expect 1 "corrupt.hspy" -- "$hc" $args
      [[ ! -e out.hspy && ! -e out.npy && ! -e out.csv ]] || { echo "FAIL: output left behind"; failures=$((failures + 1)); }
    fi
    rm -f out.hspy out.npy out.csv
  done
done
[[ ! -e out.hspy && ! -e out.npy ]] || { echo "FAIL: output left behind"; failures=$((failures + 1)); }

# Every output format refuses an existing target unless --overwrite, and leaves it untouched.
echo keep >keep.txt
for ext in hspy npy csv png; do
  cp keep.txt "target.$ext"
  expect 1 "target.$ext: exists; pass --overwrite" -- "$hc" reduce good.hspy --op sum --axis x,y -o "target.$ext"
  cmp -s keep.txt "target.$ext" || { echo "FAIL: target.$ext modified"; failures=$((failures + 1)); }
  if "$hc" reduce good.hspy --op sum --axis x,y -o "target.$ext" --overwrite && ! cmp -s keep.txt "target.$ext"; then
    echo "ok: --overwrite replaced target.$ext"
  else
    echo "FAIL: --overwrite did not replace target.$ext"
    failures=$((failures + 1))
  fi
done
expect 1 "no/such/folder/out.npy" -- "$hc" slice good.hspy --isig 1.0:2.0 -o no/such/folder/out.npy

# Values HyperSpy refuses: exit 1, HyperSpy's meaning, nothing written.
expect 1 "good.hspy: --isig '25.0:': Energy: Start value above axis high bound" -- "$hc" slice good.hspy --isig 25.0: -o out.hspy
expect 1 "good.hspy: --inav '99'.*index 99 is out of bounds" -- "$hc" slice good.hspy --inav 99 -o out.hspy
expect 1 "good.hspy: --isig ':0.1'.*Stop value below axis low bound" -- "$hc" slice good.hspy --isig :0.1 -o out.hspy
expect 1 "good.hspy: --op sum --axis 7: axis 7 does not exist" -- "$hc" reduce good.hspy --op sum --axis 7 -o out.npy
expect 1 "good.hspy: --scale 2,2 on \\(16, 16\\|256\\): Wrong scale size" -- "$hc" rebin good.hspy --scale 2,2 -o out.npy
expect 1 "Linear interpolation requires float dtype" -- "$hc" rebin good.hspy --scale 1.5,1,1 --dtype uint16 -o out.npy
expect 1 "collapses to zero" -- "$hc" rebin good.hspy --scale 1,1,300 -o out.npy
expect 1 "good.hspy: --inav '2,99'.*index 99 is out of bounds" -- "$hc" reduce good.hspy --inav 2,99 --op sum --axis navigation -o out.npy
[[ ! -e out.hspy && ! -e out.npy ]] || { echo "FAIL: output left behind"; failures=$((failures + 1)); }

# Bad usage of reduce, slice and rebin: exit 2.
expect 2 "unknown extension '.txt'" -- "$hc" reduce good.hspy --op sum --axis x -o out.txt
expect 2 "--isig: 'x' in index spec 'x:y' is neither" -- "$hc" slice good.hspy --isig x:y
expect 2 "--inav: 'abc' in index spec 'abc' is neither" -- "$hc" reduce good.hspy --inav abc --op sum --axis all
expect 2 "--scale '0,1,1': '0' is not a positive number" -- "$hc" rebin good.hspy --scale 0,1,1
expect 2 "--new-shape '0,1,1': lengths must be at least 1" -- "$hc" rebin good.hspy --new-shape 0,1,1
expect 2 "give exactly one of --scale or --new-shape" -- "$hc" rebin good.hspy
expect 2 "--chunks applies to .hspy output only" -- "$hc" slice good.hspy --isig 1 --chunks 2 -o x.npy

# navigator: a damaged input, values HyperSpy refuses (exit 1), bad usage (exit 2); nothing written.
expect 1 "truncated.hspy" -- "$hc" navigator truncated.hspy -o out.npy
expect 1 "good.hspy: compute_navigator: Index out of signal range: index \\[256\\]" -- "$hc" navigator good.hspy --index 256 -o out.npy
expect 1 "good.hspy: compute_navigator: Index out of signal range: index \\[-1\\]" -- "$hc" navigator good.hspy --index=-1 -o out.npy
expect 1 "good.hspy: compute_navigator: index on Energy: the value 99 is out of the limits" -- "$hc" navigator good.hspy --index 99.0 -o out.png
expect 1 "good.hspy: compute_navigator: chunks_number 300 is more than the 256 channels of Energy" -- "$hc" navigator good.hspy --chunks-number 300 -o out.hspy
[[ ! -e out.hspy && ! -e out.npy && ! -e out.png ]] || { echo "FAIL: navigator output left behind"; failures=$((failures + 1)); }
expect 2 "--index 'x': 'x' is neither an index" -- "$hc" navigator good.hspy --index x
expect 2 "--index '1:3': '1:3' is neither an index" -- "$hc" navigator good.hspy --index 1:3
expect 2 "--chunks-number '0': '0' is not a positive number" -- "$hc" navigator good.hspy --chunks-number 0
expect 2 "--chunks-number excludes --full" -- "$hc" navigator good.hspy --full --chunks-number 2
expect 2 "unknown extension '.txt'" -- "$hc" navigator good.hspy -o out.txt

# lines: a damaged input, values the file cannot give (exit 1), bad usage (exit 2); nothing written.
# good.hspy's energy axis ends at 5.26 keV: Fe_Ka (6.40 keV) is outside it.
expect 1 "truncated.hspy" -- "$hc" lines truncated.hspy -o out.npy
expect 1 "good.hspy: --lines Fe_Ka: not in the data energy range: lines must lie strictly between 0.16 and 5.26 keV" -- "$hc" lines good.hspy --lines Fe_La,Fe_Ka -o out.npy
expect 1 "good.hspy: no X-ray line to integrate: no line of Fe, Pt \\(--only-lines Kb\\)" -- "$hc" lines good.hspy --only-lines Kb -o out.npy
expect 1 "good.hspy: --integration-windows gives 1 window for 2 lines \\(Fe_La, Pt_Ma\\)" -- "$hc" lines good.hspy --integration-windows 0.6:0.8 -o out.png
expect 1 "good.hspy: C_Ka: background windows .* out of the limits of the \"Energy\" axis" -- "$hc" lines good.hspy --lines C_Ka --background -o out.hspy
"$hc" --no-progress reduce good.hspy --op sum --axis signal -o sum_map.hspy
expect 1 "sum_map.hspy: not an EDS spectrum: a LazySignal \\(16, 16\\|\\)" -- "$hc" lines sum_map.hspy -o out.npy
cp keep.txt lines_Pt_Ma.hspy
expect 1 "lines_Pt_Ma.hspy: exists; pass --overwrite" -- "$hc" lines good.hspy -o lines.hspy
cmp -s keep.txt lines_Pt_Ma.hspy || { echo "FAIL: lines_Pt_Ma.hspy modified"; failures=$((failures + 1)); }
[[ ! -e lines_Fe_La.hspy ]] || { echo "FAIL: lines_Fe_La.hspy written though lines_Pt_Ma.hspy exists"; failures=$((failures + 1)); }
"$hc" --no-progress slice good.hspy --inav 1,1 -o spectrum.hspy
expect 1 "lines.png: the maps are \\(1\\|\\): .png draws 2-D maps" -- "$hc" lines spectrum.hspy -o lines.png
[[ ! -e out.hspy && ! -e out.npy && ! -e out.png && ! -e lines.png ]] || { echo "FAIL: lines output left behind"; failures=$((failures + 1)); }
expect 2 "--elements: unknown element 'Xx'" -- "$hc" lines good.hspy --elements Fe,Xx
expect 2 "--lines: 'Fe_Kz': Fe has no X-ray line 'Kz'" -- "$hc" lines good.hspy --lines Fe_Kz
expect 2 "--lines: 'FeKa' is not an X-ray line" -- "$hc" lines good.hspy --lines FeKa
expect 2 "--lines 'Fe_La,': an item is empty" -- "$hc" lines good.hspy --lines Fe_La,
expect 2 "--integration-windows: 'abc' is not a number" -- "$hc" lines good.hspy --integration-windows abc
expect 2 "--integration-windows: window '0.8:0.6' must have LEFT < RIGHT" -- "$hc" lines good.hspy --integration-windows 0.8:0.6
expect 2 "unknown extension '.csv': write .npy, .hspy or .png" -- "$hc" lines good.hspy -o out.csv

# roi: a damaged input, values HyperSpy refuses (exit 1), bad usage (exit 2); nothing written.
# good.hspy's navigation is x, y 0 ... 15 nm (scale 1).
expect 1 "truncated.hspy" -- "$hc" roi truncated.hspy --rect 1,1,3,3 -o out.npy
expect 1 "truncated.hspy" -- "$hc" roi truncated.hspy --line 0,0,9,9,2 -o out.hspy
expect 1 "good.hspy: --rect 20,20,30,30: x: the value 20 is out of the limits of the \"x\" axis" -- "$hc" roi good.hspy --rect 20,20,30,30 -o out.hspy
expect 1 'good.hspy: --span 3,1: `left` \(3\) must be smaller than `right` \(1\)' -- "$hc" roi good.hspy --span 3,1 -o out.hspy
expect 1 "good.hspy: --point 99: x: the value 99 is out of the limits" -- "$hc" roi good.hspy --point 99 -o out.npy
expect 1 "good.hspy: --circle 4,4,1,2: r_inner \\(2\\) must lie in \\[0, r\\)" -- "$hc" roi good.hspy --circle 4,4,1,2 -o out.npy
expect 1 'good.hspy: --circle 4,4,-1: `r` \(-1\) must be >= `r_inner` \(0\)' -- "$hc" roi good.hspy --circle 4,4,-1 -o out.npy
expect 1 "good.hspy: --line 0,0,5,5,-1: linewidth must be positive number" -- "$hc" roi good.hspy --line 0,0,5,5,-1 -o out.csv
expect 1 "good.hspy: --rect 1,1,3,3: --axes signal: the signal \\(16, 16\\|256\\) has 1 signal axis; this ROI spans 2" -- "$hc" roi good.hspy --rect 1,1,3,3 --axes signal -o out.npy
expect 1 "spectrum.hspy: --circle 1,1,1: Could not find valid axes configuration: a 2-D ROI on a \\(\\|256\\) signal" -- "$hc" roi spectrum.hspy --circle 1,1,1 -o out.npy
expect 1 "good.hspy: the result \\(16, 16\\|256\\) has 65536 values: write it to a file with -o" -- "$hc" roi good.hspy --rect=-1,-1,99,99
expect 1 "out.png: the result \\(2, 2\\|256\\) has 3 dimensions" -- "$hc" roi good.hspy --rect 1,1,3,3 -o out.png
cp keep.txt roi_target.npy
expect 1 "roi_target.npy: exists; pass --overwrite" -- "$hc" roi good.hspy --span 1,3 --op sum -o roi_target.npy
cmp -s keep.txt roi_target.npy || { echo "FAIL: roi_target.npy modified"; failures=$((failures + 1)); }
[[ ! -e out.hspy && ! -e out.npy && ! -e out.png && ! -e out.csv ]] || { echo "FAIL: roi output left behind"; failures=$((failures + 1)); }
expect 2 "give exactly one shape: --rect, --span, --point, --circle or --line \\(0 given\\)" -- "$hc" roi good.hspy
expect 2 "give exactly one shape: .*\\(2 given\\)" -- "$hc" roi good.hspy --span 1,2 --point 3
expect 2 "--rect '1,1,3': 3 numbers given, expected LEFT,TOP,RIGHT,BOTTOM" -- "$hc" roi good.hspy --rect 1,1,3
expect 2 "--circle '1,1,nan': 'nan' is not a number" -- "$hc" roi good.hspy --circle 1,1,nan
expect 2 "--line '0,0,1,1,1,1': 6 numbers given, expected X1,Y1,X2,Y2\\[,WIDTH\\]" -- "$hc" roi good.hspy --line 0,0,1,1,1,1
expect 2 "--op sum: --point selects one pixel" -- "$hc" roi good.hspy --point 1,2 --op sum
expect 2 "--op: median not in" -- "$hc" roi good.hspy --span 1,2 --op median
expect 2 "--axes: both not in" -- "$hc" roi good.hspy --span 1,2 --axes both
expect 2 "unknown extension '.txt'" -- "$hc" roi good.hspy --span 1,2 -o out.txt

# The inputs are untouched and no temporary files remain.
[[ "$(md5sum good.hspy raw.hspy)" == "$sum_before" ]] || { echo "FAIL: an input changed"; failures=$((failures + 1)); }
if ls -a | grep -q '^\..*XXXXXX\|^\.[a-z]*\.hspy\.'; then
  echo "FAIL: temporary files left: $(ls -a)"
  failures=$((failures + 1))
fi
echo "bad input: $failures failures"
((failures == 0))
