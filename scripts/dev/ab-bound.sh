#!/bin/bash
# Dev helper: the C kernels' own times (kernel_ns, --policy local) under the code as it is and the
# two bound variants of scripts/dev/bound-no-bookkeeping.patch (nocount, direct), run in turn
# N times each per kernel, each side's median in ms. Run from a checkout with the patch applied
# and built; each variant has a cache of its own (the cache's key is the code, not the switch).
# Usage: N=5 scripts/dev/ab-bound.sh [KERNEL.wasm ...]   (default: build/bench-c/ and its held-out/)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-5}
km() {
  local v=$1 f=$2
  if [ "$v" = base ]; then REMORA_CACHE=/tmp/cb-base ./bin/remora run "$f" --policy local --quiet
  else REMORA_BOUND=$v REMORA_CACHE=/tmp/cb-$v ./bin/remora run "$f" --policy local --quiet; fi | sed -n 's/^kernel_ns=\([0-9]*\).*/\1/p'
}
med() { printf "%s\n" "$@" | sort -n | awk '{a[NR]=$1} END{printf "%d", a[int((NR+1)/2)]/1e6}'; }
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(build/bench-c/*.wasm build/bench-c/held-out/*.wasm)
for f in "${files[@]}"; do
  b=(); n=(); d=()
  for _ in $(seq "$N"); do b+=("$(km base "$f")"); n+=("$(km nocount "$f")"); d+=("$(km direct "$f")"); done
  echo "$(basename "$f" .wasm) base $(med "${b[@]}") nocount $(med "${n[@]}") direct $(med "${d[@]}")"
done
