#!/usr/bin/env bash
# diff of N Ingresses against their HTTPRoute translation (bench/diff/gen.py):
# wall time, CPU time and peak RSS of ROUNDS runs of the same command.
# usage: bench/diff/run.sh [N] [BIN]   (defaults 10000, ./ingress-warden; ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-10000}
BIN=${2:-./ingress-warden}
D=${BENCH_DIR:-/tmp/iw-bench-diff}
python3 bench/diff/gen.py "$N" "$D" >/dev/null
echo "N=$N Ingresses, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
echo "command: $BIN diff $D/ingresses.json --to $D/httproutes.json"
for r in $(seq 1 "${ROUNDS:-3}"); do
  /usr/bin/time -f "%e %U %S %M" -o "$D/time" "$BIN" diff "$D/ingresses.json" --to "$D/httproutes.json" >"$D/out" || true
  read -r wall user sys rss < <(tail -n 1 "$D/time")
  echo "round $r: wall ${wall}s, cpu $(python3 -c "print(round($user+$sys,2))")s, peak RSS ${rss} KB; $(tail -n 1 "$D/out")"
done
grep -E '^[A-Za-z].*: [0-9]+ requests?$' "$D/out"
