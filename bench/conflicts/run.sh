#!/usr/bin/env bash
# Review cost and memory with 100, 10,000 and 100,000 Ingresses in the state
# (tests/tools/statebench.c; see bench/conflicts/README.md).
#   usage: bench/conflicts/run.sh [ROUNDS]      (default 21)
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s unit >/dev/null
B=build/default/tools/statebench
R=${1:-21}
echo "== $(date -u '+%F %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 10000 100000; do
  echo "-- 100 vs $n Ingresses in state"
  "$B" --ratio 100 "$n" "$R"
done
echo "-- objects as the API server sends them"
"$B" --api 10000
