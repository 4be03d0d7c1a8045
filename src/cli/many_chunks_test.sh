#!/usr/bin/env bash
# A file of more chunks than the offset index takes (8192 > 4096: raw chunks come through
# H5Dread_chunk) reads the same values as the same data in few chunks (read with pread).
#   many_chunks_test.sh HYPERCHUNK_BINARY
set -euo pipefail
hc="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
for compression in gzip none; do
  "$hc" --no-progress synth many.hspy --shape 64,128,16 --chunks 1,1,16 --dtype uint16 --compression "$compression" --overwrite
  "$hc" --no-progress convert many.hspy few.hspy --chunks 64,128,16 --compression "$compression" --overwrite
  "$hc" --no-progress reduce many.hspy --op sum --axis navigation -o many.npy --overwrite
  "$hc" --no-progress reduce few.hspy --op sum --axis navigation -o few.npy --overwrite
  cmp many.npy few.npy
  "$hc" --no-progress reduce many.hspy --op max --axis signal -o many_max.npy --overwrite
  "$hc" --no-progress reduce few.hspy --op max --axis signal -o few_max.npy --overwrite
  cmp many_max.npy few_max.npy
  echo "ok: 8192-chunk file ($compression) reads as the 1-chunk copy"
done
