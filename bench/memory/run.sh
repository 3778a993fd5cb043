#!/usr/bin/env bash
# bench/memory: peak RSS of `serve` as the Deployment runs it (manifests/base:
# IW_THREADS=2, the probe listener, the cluster watched), with 10,000 cached
# Ingresses, under the worst concurrent requests.  Figures: README.md here.
#   bench/memory/run.sh [BINARY]          (default ./ingress-warden)
# Each scenario runs on a fresh `serve`; "peak" is its VmHWM, "after" its
# VmRSS once the scenario is over.  Ports 19470-19479.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-./ingress-warden}")
D=bench/memory
T=$(mktemp -d /tmp/iw-bench-memory.XXXXXX)
KPORT=19471; PORT=19472; PROBE=19473
pids=()
cleanup() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

"$BIN" certs --out "$T/c" --service ingress-warden --namespace iw --host localhost --host 127.0.0.1 >/dev/null
python3 $D/gen.py state 10000 "$T/state.json"
for k in numbers keys string; do python3 $D/gen.py $k 3100000 "$T/$k.json"; done
cat >"$T/kubeconfig" <<EOK
apiVersion: v1
kind: Config
current-context: b
contexts: [{name: b, context: {cluster: b, user: b}}]
clusters: [{name: b, cluster: {server: "http://127.0.0.1:$KPORT"}}]
users: [{name: b, user: {token: t}}]
EOK
python3 $D/fakeapi.py $KPORT "$T/state.json" >/dev/null & pids+=($!)
sleep 1

start() {   # a fresh serve, as the Deployment's env sets it; waits until synced
  IW_THREADS=2 IW_PROBE_LISTEN=127.0.0.1:$PROBE "$BIN" serve --listen 127.0.0.1:$PORT \
    --tls-cert "$T/c/tls.crt" --tls-key "$T/c/tls.key" --kubeconfig "$T/kubeconfig" \
    --log-level warn --shutdown-delay 0 2>/dev/null &
  SP=$!; pids+=($SP)
  for _ in $(seq 300); do   # the probe port, or the webhook port for a binary without one
    [ "$(curl -s --max-time 1 "http://127.0.0.1:$PROBE/readyz")" = ok ] && break
    [ "$(curl -s --max-time 1 --cacert "$T/c/ca.crt" "https://localhost:$PORT/readyz")" = ok ] && break
    sleep 0.2
  done
  sleep 1   # the first audit runs at sync
}
mem() { awk -v k="$1" '$1 == k":" {printf "%.1f", $2 / 1024}' /proc/$SP/status; }
finish() {  # scenario-name result
  sleep 1
  printf '%-58s %8s %8s  %s\n' "$1" "$(mem VmHWM)" "$(mem VmRSS)" "$2"
  kill "$SP"; wait "$SP" 2>/dev/null
}
C=$T/c/ca.crt
printf '%-58s %8s %8s  %s\n' "scenario (10,000 Ingresses cached)" "peak MB" "after MB" "answers"

start; finish "synced and audited, no request" "-"
for k in numbers keys string; do
  start; r=$(python3 $D/load.py $PORT "$C" "$T/$k.json" 16 2)
  finish "16 x 2 concurrent 3.1 MB reviews ($k)" "$r"
done
start; r=$(python3 $D/hold.py $PORT "$C" 800 5 | tail -1)
finish "800 kept-alive TLS connections, idle" "$r"
start; r=$(python3 $D/slow.py $PORT "$C" 900 60000 8)
finish "900 connections uploading 60 KB each over 8 s" "$r"
start
python3 $D/hold.py $PORT "$C" 400 30 >/dev/null & h=$!
python3 $D/slow.py $PORT "$C" 400 60000 8 >"$T/slow.out" & s=$!
r=$(python3 $D/load.py $PORT "$C" "$T/numbers.json" 16 2)
wait $s; kill $h 2>/dev/null; wait $h 2>/dev/null
finish "all at once: 400 idle + 400 slow 60 KB + 16 x 2 numbers" "$r; slow: $(cat "$T/slow.out")"
