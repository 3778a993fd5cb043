#!/usr/bin/env bash
# bench/hostile/review_cpu.sh [BIN [BEFORE]]: the server CPU that `serve` spends on
# one AdmissionReview of each of issue 11's large shapes (item 2), as ms per request.
#
#   bench/hostile/review_cpu.sh ./ingress-warden /path/to/old/ingress-warden
#
# For each binary: one `serve` (its defaults, a development certificate), one warm-up
# POST of each body, then N (default 10) POSTs of it with curl; the figure is the
# server process's user+system time (/proc/PID/stat) over the N, divided by N.  Each
# shape is also sent as a Pod (the same bytes but the kind: decoded, not checked), the
# cost of reading the body.  Binaries run one after the other, shape by shape, so that
# a busy machine weighs on both alike.  Needs python3 and curl.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BINS=("${1:-$ROOT/ingress-warden}")
[ -n "${2:-}" ] && BINS+=("$2")
N=${N:-10}
SHAPES=${SHAPES:-"paths 30000;rules 10000;same-paths 30000;rules-tls 10000"}
T=$(mktemp -d /tmp/iw-review-cpu.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT

sed -n '/^cat >"$T\/gen.py" <<.EOP.$/,/^EOP$/p' "$ROOT/tests/suites/hostile.sh" | sed '1d;$d' >"$T/gen.py"
"${BINS[0]}" certs --out "$T/c" --service iw --namespace t --host localhost --host 127.0.0.1 \
  >/dev/null 2>&1

cpu_ticks() {
  python3 -c 'import sys
f = open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")", 1)[1].split()
print(int(f[11]) + int(f[12]))' "$1"
}
post() {   # PORT FILE
  curl -sS --max-time 60 --cacert "$T/c/ca.crt" -H 'Content-Type: application/json' \
    --data-binary "@$2" -o "$T/out" "https://localhost:$1/validate"
}
# per_request BIN FILE -> ms of server CPU per request
per_request() {
  local port pid i t0 t1 hz
  hz=$(getconf CLK_TCK)
  for try in 1 2 3 4 5; do
    port=$((19800 + RANDOM % 150))
    "$1" serve --listen "127.0.0.1:$port" --tls-cert "$T/c/tls.crt" --tls-key "$T/c/tls.key" \
      --shutdown-delay 0 --log-level warn 2>"$T/serve.log" &
    pid=$!
    for i in $(seq 100); do
      curl -sk --max-time 1 "https://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -0 "$pid" 2>/dev/null && break
    wait "$pid" 2>/dev/null || true
  done
  post "$port" "$2"   # warm-up: the first request maps the memory the others reuse
  t0=$(cpu_ticks "$pid")
  for i in $(seq "$N"); do post "$port" "$2"; done
  t1=$(cpu_ticks "$pid")
  grep -q '"allowed":' "$T/out" || { echo "no AdmissionReview answer: $(head -c 200 "$T/out")" >&2; exit 1; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 -c "print('%.1f' % (($t1 - $t0) * 1000.0 / $hz / $N))"
}

echo "# $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg), N=$N requests each after a warm-up"
printf '%-26s' "shape"
for b in "${BINS[@]}"; do printf ' %22s %12s' "$(basename "$(dirname "$b")")/$(basename "$b")" "as a Pod"; done
echo
IFS=';' read -ra list <<<"$SHAPES"
for shape in "${list[@]}"; do
  set -- $shape
  python3 "$T/gen.py" "$1" "$2" >"$T/r.json"
  python3 "$T/gen.py" "$1" "$2" Pod >"$T/p.json"
  printf '%-26s' "$2 $1 ($(($(stat -c %s "$T/r.json") / 1024)) KB)"
  for b in "${BINS[@]}"; do
    printf ' %19s ms %9s ms' "$(per_request "$b" "$T/r.json")" "$(per_request "$b" "$T/p.json")"
  done
  echo
done
