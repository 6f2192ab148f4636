#!/bin/bash
# Dev helper: a C kernel's own time (kernel_ns) under remora (--policy local) from two checkouts,
# run in turn REPS times each, and each side's median: for changes to the instrumenter, judged in
# one sitting on a machine whose times drift. OLD is the other checkout (built: npm run build).
# Usage: OLD=/tmp/old scripts/dev/ab-kernels.sh KERNEL REPS [ARGS...]   (held-out kernels: DIR=held-out/)
set -euo pipefail
k=$1; n=$2; shift 2
new=$(cd "$(dirname "$0")/../.." && pwd)
kernel_ms() { local dir=$1; shift; (cd "$dir" && ./bin/remora run "build/bench-c/${DIR:-}$k.wasm" --policy local --quiet -- "$@") | sed -n 's/^kernel_ns=\([0-9]*\).*/\1/p'; }
o=(); w=()
for _ in $(seq "$n"); do
  o+=("$(kernel_ms "$OLD" "$@")")
  w+=("$(kernel_ms "$new" "$@")")
done
med() { printf "%s\n" "$@" | sort -n | awk '{a[NR]=$1} END{printf "%d", a[int((NR+1)/2)]/1e6}'; }
ms() { printf "%s\n" "$@" | awk '{printf "%d ", $1/1e6}'; }
echo "$k old $(med "${o[@]}") ms new $(med "${w[@]}") ms (old: $(ms "${o[@]}")new: $(ms "${w[@]}"))"
