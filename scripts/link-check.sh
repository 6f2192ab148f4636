#!/usr/bin/env bash
# Issue 16, item 4 (a first part): does a real link limit the redis transport as a link model says?
# In a network namespace of its own (root; iproute2), whose loopback a tc token bucket limits to
# RATE, moves 4 KiB pages to a local redis-server and back and prints the pages per second and the
# page payload throughput they make, for the loopback as it is and for each RATE. Traffic stays on
# the namespace's 127.0.0.1. Usage: scripts/link-check.sh [RATE...]  (default: 100mbit 50mbit)
# (netem, for delay, is missing from some kernels; the token bucket, tbf, is there.)
set -euo pipefail
cd "$(dirname "$0")/.."
NS="remora-link-$$"
trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
echo "loopback: $(ip netns exec "$NS" timeout 300 node --import ./host/register.mjs scripts/link-check.ts)"
for rate in "${@:-100mbit 50mbit}"; do
  for r in $rate; do
    ip netns exec "$NS" tc qdisc replace dev lo root tbf rate "$r" burst 16kb latency 100ms
    echo "$r: $(ip netns exec "$NS" timeout 300 node --import ./host/register.mjs scripts/link-check.ts)"
  done
done
