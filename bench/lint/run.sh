#!/usr/bin/env bash
# Lint throughput on N generated Ingresses (default 100000), in one run on the same files:
#   lint-json / lint-jsonc / lint-yaml
#                           `ingress-warden lint -o json FILE` whole process: objects/s, peak RSS
#                           (indented JSON as kubectl -o json writes it, compact JSON, YAML)
#   jansson / jansson-c / libyaml
#                           the parsing library alone on the same file (bench/lint/parse_only.c)
#   jansson+a / jansson-c+a jansson alone with the allocator lint hands it (load/jarena.c), for reference
#   peer                    `node validate.mjs cases.jsonl --loop 0` (kubernetes-models schema
#                           check, /work/shared/bench/peer-lint), whole process
# Each is run ROUNDS times (default 3), interleaved; the median is reported.
# usage: bench/lint/run.sh [N]        (from anywhere; needs python3-yaml, node 20, npm)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
ROUNDS=${ROUNDS:-3}
D=${BENCH_DIR:-/tmp/iw-bench-lint}
PEER=${PEER_DIR:-/tmp/peer-lint}
make -s ingress-warden
if [ ! -f "$D/.n-$N" ]; then
  rm -rf "$D"; python3 bench/lint/gen.py "$N" "$D"; touch "$D/.n-$N"
fi
cc -O2 -I. -o "$D/parse_only" bench/lint/parse_only.c load/jarena.c $(pkg-config --cflags --libs jansson yaml-0.1)
if [ ! -d "$PEER/node_modules" ]; then
  rm -rf "$PEER"; cp -r /work/shared/bench/peer-lint "$PEER"
  (cd "$PEER" && npm ci --no-audit --no-fund >/dev/null)
fi
BIN=$PWD/ingress-warden

declare -A rate rss
add() { rate[$1]="${rate[$1]:-} $2"; rss[$1]="${rss[$1]:-} $3"; }
timed() {  # name cmd...: whole-process wall time -> objects/s; peak RSS
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$D/time.txt" "$@" > /dev/null 2>"$D/err.txt" || true
  read -r secs kb < <(tail -n 1 "$D/time.txt")
  add "$name" "$(awk -v n="$N" -v s="$secs" 'BEGIN{printf "%.0f", n/s}')" "$kb"
}
lib() {  # name mode file: in-process time of the library alone
  local out; out=$("$D/parse_only" "$2" "$3")
  add "$1" "$(sed -E 's/.*docs_per_s=([0-9]+).*/\1/' <<<"$out")" "-"
}
for r in $(seq "$ROUNDS"); do
  timed lint-json "$BIN" lint -o json "$D/ingresses.json"
  lib jansson json "$D/ingresses.json"
  lib jansson+a json-arena "$D/ingresses.json"
  timed lint-jsonc "$BIN" lint -o json "$D/compact.json"
  lib jansson-c json "$D/compact.json"
  lib jansson-c+a json-arena "$D/compact.json"
  timed lint-yaml "$BIN" lint -o json "$D/ingresses.yaml"
  lib libyaml yaml "$D/ingresses.yaml"
  timed peer node "$PEER/validate.mjs" "$D/cases.jsonl" --loop 0
done
med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
{ "$BIN" lint "$D/ingresses.yaml" || true; } | tail -n 1
echo "N=$N objects, rounds=$ROUNDS, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-10s %12s %22s %12s\n' what "objects/s" "all rounds" "peak RSS KB"
for k in lint-json jansson jansson+a lint-jsonc jansson-c jansson-c+a lint-yaml libyaml peer; do
  printf '%-10s %12s %22s %12s\n' "$k" "$(med "${rate[$k]}")" "$(echo ${rate[$k]} | tr ' ' ',')" "$(med "${rss[$k]}" 2>/dev/null || echo -)"
done
c=$(med "${rate[lint-jsonc]}"); C=$(med "${rate[jansson-c]}"); j=$(med "${rate[lint-json]}"); y=$(med "${rate[lint-yaml]}"); J=$(med "${rate[jansson]}"); Y=$(med "${rate[libyaml]}"); p=$(med "${rate[peer]}")
Ja=$(med "${rate[jansson+a]}"); Ca=$(med "${rate[jansson-c+a]}")
awk -v c="$c" -v C="$C" -v j="$j" -v y="$y" -v J="$J" -v Y="$Y" -v p="$p" -v Ja="$Ja" -v Ca="$Ca" 'BEGIN{
  printf "ratio lint-json / jansson   %.2f   (target >= 0.5)\n", j/J
  printf "ratio lint-jsonc / jansson-c %.2f  (target >= 0.5)\n", c/C
  printf "ratio lint-yaml / libyaml   %.2f   (target >= 0.5)\n", y/Y
  printf "ratio lint-json / peer      %.2f   (target >= 2)\n", j/p
  printf "ratio lint-jsonc / peer     %.2f   (target >= 2)\n", c/p
  printf "ratio lint-yaml / peer      %.2f   (target >= 2)\n", y/p
  printf "ratio jansson-c / peer      %.2f   (the parser alone, compact JSON)\n", C/p
  printf "ratio lint-json / jansson+a %.2f   (jansson with lint'"'"'s allocator)\n", j/Ja
  printf "ratio lint-jsonc / jansson-c+a %.2f\n", c/Ca }'
