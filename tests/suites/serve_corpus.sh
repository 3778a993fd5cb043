#!/usr/bin/env bash
# `serve` answers what `review` answers, byte for byte, for every case of the
# validation corpus (over HTTPS, one keep-alive connection; free port in 19200-19299).
# usage: tests/suites/serve_corpus.sh BUILD_DIR BINARY     last line: "N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/default}
BIN=$(realpath "${2:-$B/ingress-warden}")
T=$(mktemp -d /tmp/iw-serve-corpus.XXXXXX)
SPID=""
cleanup() {
  if [ -n "$SPID" ]; then
    kill -TERM "$SPID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
  fi
  rm -rf "$T"
}
trap cleanup EXIT
"$BIN" certs --out "$T/c" --service ingress-warden --namespace iw-system --host localhost \
  >/dev/null 2>"$T/certs.err" || { cat "$T/certs.err"; echo "0 passed, 1 failed"; exit 1; }
for try in $(seq 8); do
  PORT=$((19200 + RANDOM % 100))
  ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q . && continue
  "$BIN" serve --listen "127.0.0.1:$PORT" --tls-cert "$T/c/tls.crt" --tls-key "$T/c/tls.key" \
    2>"$T/serve.log" &
  SPID=$!
  for _ in $(seq 100); do
    grep -q '"msg":"ready"' "$T/serve.log" 2>/dev/null && break 2
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
  done
  wait "$SPID" 2>/dev/null; SPID=""
done
[ -n "$SPID" ] || { tail -5 "$T/serve.log"; echo "0 passed, 1 failed"; exit 1; }
python3 tests/e2e/serve_vs_review.py tests/corpus/validation.jsonl "$BIN" "$PORT" "$T/c/ca.crt"
