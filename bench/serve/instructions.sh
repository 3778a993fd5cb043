#!/usr/bin/env bash
# Instructions per review of each server's process (user space), counted by
# callgrind: deterministic, so it shows what one change does when the shared
# machine's timing cannot (see README.md).  Each server answers N1 and then,
# started again, N2 keep-alive requests (post_n.py: one TLS connection); the
# difference of the two totals divided by N2 - N1 leaves out start and stop.
#   bench/serve/instructions.sh [BIN...]     (default ./ingress-warden)
#   env: N1=200 N2=1200 PORT=18470 WORK=/tmp/iw-serve-bench
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N1=${N1:-200}; N2=${N2:-1200}; PORT=${PORT:-18470}
WORK=${WORK:-/tmp/iw-serve-bench}; CERTS=$WORK/certs
[ $# -gt 0 ] || set -- "$ROOT/ingress-warden"
for t in valgrind python3 gcc pkg-config curl certtool; do
  command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
done
mkdir -p "$WORK"
[ -s "$CERTS/server.pem" ] || "$HERE/make-certs.sh" "$CERTS" >/dev/null
BARE=$WORK/bare-mhd
if [ ! -x "$BARE" ] || [ "$HERE/bare-mhd.c" -nt "$BARE" ]; then
  gcc -O2 -Wall -Wextra -o "$BARE" "$HERE/bare-mhd.c" $(pkg-config --cflags --libs libmicrohttpd jansson gnutls)
fi
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; true' EXIT

total() {  # total N CMD... -> instructions of the server's process after N requests
  local n=$1; shift
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >"$WORK/ir.log" 2>&1 & PID=$!
  for _ in $(seq 200); do
    curl -s -o /dev/null --max-time 2 --cacert "$CERTS/ca.pem" -H 'Content-Type: application/json' \
      --data-binary @"$HERE/admission-request.json" "https://localhost:$PORT/validate" && break
    sleep 0.3
  done
  python3 "$HERE/post_n.py" "$PORT" "$n" "$HERE/admission-request.json" "$CERTS/ca.pem" >/dev/null
  kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=
  sed -n 's/.*Collected : //p' "$WORK/ir.log"
}

per_review() {  # per_review NAME CMD...
  local name=$1; shift
  local a b
  a=$(total "$N1" "$@"); b=$(total "$N2" "$@")
  awk -v n="$name" -v a="$a" -v b="$b" -v d=$((N2 - N1)) 'BEGIN { printf "%-40s %9.0f instructions per review\n", n, (b - a) / d }'
}

echo "# $(date -u +%FT%TZ), N1=$N1 N2=$N2, the bench's admission-request.json"
per_review bare-mhd-json "$BARE" "$PORT" json pool2-epoll "$CERTS"
for b in "$@"; do
  per_review "$b" "$b" serve --listen "127.0.0.1:$PORT" --tls-cert "$CERTS/server.pem" \
    --tls-key "$CERTS/server-key.pem" --shutdown-delay 0
done
