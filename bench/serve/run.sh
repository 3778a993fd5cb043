#!/usr/bin/env bash
# wrk against `ingress-warden serve` and the reference servers in the same run,
# rounds interleaved: nginx (fixed answer), bare-mhd-json (libmicrohttpd +
# GnuTLS + a jansson parse of the whole request), bare-mhd-fixed (HTTP + TLS
# alone).  Self-contained: the reference servers, the certificates script and
# the wrk script were copied here from ../shared/bench (see README.md).
#
#   bench/serve/run.sh [keepalive|close]                 (default keepalive)
#   env: ROUNDS=3 DURATION=5s WARMUP=2s CONNS=32 THREADS=1
#        SERVERS="nginx bare-mhd-json bare-mhd-fixed ingress-warden"   (order of a round)
#        BIN=./ingress-warden  SERVE_ARGS="..."   the binary `ingress-warden` runs
#        BEFORE=/path/to/ingress-warden           adds server "iw-before" (A/B)
#        BASE_PORT=18460  WORK=/tmp/iw-serve-bench
# Prints every round's RESULT line, then the medians and the ratios of
# ingress-warden (and iw-before) to nginx and to bare-mhd-json.  "srv us/req"
# is the server's CPU (user+sys of the process tree) per request: steadier
# than req/s on a shared machine.  Every server started is stopped by its pid.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
MODE=${1:-keepalive}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-32}; THREADS=${THREADS:-1}; BASE_PORT=${BASE_PORT:-18460}
SERVERS=${SERVERS:-nginx bare-mhd-json bare-mhd-fixed ingress-warden}
BIN=${BIN:-$ROOT/ingress-warden}
WORK=${WORK:-/tmp/iw-serve-bench}
CERTS=$WORK/certs
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
UID_WANT='"uid":"705ab4f5-6393-11e8-b7cc-42010a800002"'
TICK=$(getconf CLK_TCK)
[ -n "${BEFORE:-}" ] && SERVERS="$SERVERS iw-before"

for t in gcc pkg-config wrk curl certtool "$NGINX"; do
  command -v "$t" >/dev/null || { echo "missing: $t (apt-get install wrk nginx-light gnutls-bin)" >&2; exit 1; }
done
[ -x "$BIN" ] || make -C "$ROOT" ingress-warden >/dev/null
mkdir -p "$WORK"
[ -s "$CERTS/server.pem" ] || "$HERE/make-certs.sh" "$CERTS" >/dev/null
BARE=$WORK/bare-mhd
if [ ! -x "$BARE" ] || [ "$HERE/bare-mhd.c" -nt "$BARE" ]; then
  gcc -O2 -Wall -Wextra -o "$BARE" "$HERE/bare-mhd.c" $(pkg-config --cflags --libs libmicrohttpd jansson gnutls)
fi

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_pid() {   # TERM, wait up to 5 s, then KILL; only the pid we started
  local p=$1 i
  kill -TERM "$p" 2>/dev/null || return 0
  for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}

sys_ticks() {   # "busy total" clock ticks of the whole machine
  awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

tree_ticks() {  # user+sys clock ticks of a pid and its descendants
  local p=$1 sum c
  sum=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)
  for c in $(pgrep -P "$p" || true); do sum=$((sum + $(tree_ticks "$c"))); done
  echo "$sum"
}

wait_ready() {  # POST the request until a 200 with our uid comes back
  local port=$1 pid=$2 i out=""
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { echo "server on port $port exited" >&2; return 1; }
    out=$(curl -sS --max-time 2 --cacert "$CERTS/ca.pem" -H 'Content-Type: application/json' \
      --data-binary @"$HERE/admission-request.json" -w ' HTTP%{http_code}' \
      "https://localhost:$port/validate" 2>/dev/null || true)
    [[ $out == *"$UID_WANT"* && $out == *HTTP200 ]] && return 0
    sleep 0.1
  done
  echo "server on port $port not answering correctly: $out" >&2
  return 1
}

port_of() {
  case $1 in
    nginx) echo "$BASE_PORT" ;; bare-mhd-json) echo $((BASE_PORT + 1)) ;;
    bare-mhd-fixed) echo $((BASE_PORT + 2)) ;; ingress-warden) echo $((BASE_PORT + 3)) ;;
    iw-before) echo $((BASE_PORT + 4)) ;;
  esac
}

start_server() {  # start_server NAME PORT -> sets SPID
  local name=$1 port=$2 log=$WORK/$1.log
  case $name in
    nginx)
      local nd=$WORK/nginx; mkdir -p "$nd"
      sed -e "s#@PORT@#$port#g" -e "s#@CERTDIR@#$CERTS#g" -e "s#@RUNDIR@#$nd#g" \
          "$HERE/nginx.conf.in" > "$nd/nginx.conf"
      "$NGINX" -p "$nd" -c "$nd/nginx.conf" >"$log" 2>&1 & SPID=$! ;;
    bare-mhd-json)  "$BARE" "$port" json  pool2-epoll "$CERTS" >"$log" 2>&1 & SPID=$! ;;
    bare-mhd-fixed) "$BARE" "$port" fixed pool2-epoll "$CERTS" >"$log" 2>&1 & SPID=$! ;;
    ingress-warden|iw-before)
      local b=$BIN; [ "$name" = iw-before ] && b=$BEFORE
      # shellcheck disable=SC2086
      "$b" serve --listen "127.0.0.1:$port" --tls-cert "$CERTS/server.pem" \
        --tls-key "$CERTS/server-key.pem" --shutdown-delay 0 ${SERVE_ARGS:-} >"$log" 2>&1 & SPID=$! ;;
    *) echo "unknown server $name" >&2; return 1 ;;
  esac
  PIDS+=("$SPID")
  wait_ready "$port" "$SPID" || { tail -5 "$log" >&2; return 1; }
}

bench() {  # bench NAME -> echoes and sets LAST
  local name=$1 port hdr=() line t0 t1 s0 s1 wt nreq
  port=$(port_of "$name")
  [ "$MODE" = close ] && hdr=(-H 'Connection: close')
  start_server "$name" "$port"
  (cd "$HERE" && wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${hdr[@]}" -s post.lua \
      "https://127.0.0.1:$port/validate" >/dev/null 2>&1) || true
  t0=$(tree_ticks "$SPID"); s0=$(sys_ticks)
  local TIMEFORMAT='%U %S'
  { time (cd "$HERE" && wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "${hdr[@]}" -s post.lua \
      "https://127.0.0.1:$port/validate" > "$WORK/wrk.out") ; } 2> "$WORK/wrk.time"
  t1=$(tree_ticks "$SPID"); s1=$(sys_ticks)
  stop_pid "$SPID"
  line=$(grep '^CEILING ' "$WORK/wrk.out") || { cat "$WORK/wrk.out" >&2; return 1; }
  wt=$(awk '{print $1 + $2}' "$WORK/wrk.time")
  nreq=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")
  LAST=$(awk -v l="${line#CEILING }" -v c="$MODE" -v s="$name" -v d="$((t1 - t0))" \
             -v tick="$TICK" -v n="$nreq" -v wt="$wt" -v dur="${DURATION%s}" \
             -v s0="$s0" -v s1="$s1" -v r="$ROUND" 'BEGIN {
    split(s0, a, " "); split(s1, b, " ")
    printf "RESULT round=%s mode=%s server=%s %s srv_us_per_req=%.1f wrk_cpu_pct=%.0f machine_busy_pct=%.0f\n",
           r, c, s, l, (n > 0 ? d / tick * 1e6 / n : 0), wt / dur * 100,
           (b[2] > a[2] ? (b[1] - a[1]) / (b[2] - a[2]) * 100 : 0) }')
  echo "$LAST"
}

table() {   # RESULT lines on stdin -> medians table + ratios
  awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      s = f["server"]; c = ++n[s]
      r[s, c] = f["rps"]; p50[s, c] = f["p50_us"]; p99[s, c] = f["p99_us"]
      cpu[s, c] = f["srv_us_per_req"]; wc[s, c] = f["wrk_cpu_pct"]; bz[s, c] = f["machine_busy_pct"]
      rnd[s, c] = f["round"]
      err[s] += f["connect_err"] + f["read_err"] + f["write_err"] + f["timeout_err"] + f["non2xx"]
      if (!(s in seen)) { seen[s] = 1; order[++k] = s } }
    function med(a, s, cnt,   i, j, t, v) {
      for (i = 1; i <= cnt; i++) v[i] = a[s, i] + 0
      for (i = 1; i <= cnt; i++) for (j = i + 1; j <= cnt; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2 }
    function lo(a, s, cnt,   i, m) { m = a[s, 1] + 0; for (i = 2; i <= cnt; i++) if (a[s, i] + 0 < m) m = a[s, i] + 0; return m }
    function hi(a, s, cnt,   i, m) { m = a[s, 1] + 0; for (i = 2; i <= cnt; i++) if (a[s, i] + 0 > m) m = a[s, i] + 0; return m }
    function ratio(a, b) {
      if (M[a] > 0 && M[b] > 0)
        printf "ratio %-30s req/s %.3f   server-CPU/req %.3f\n", a " / " b, M[a] / M[b], C[a] / C[b] }
    END {
      printf "%-26s %8s %17s %7s %7s %9s %5s %5s %4s\n", "server (median of n)", "req/s", "req/s min..max", "p50 ms", "p99 ms", "srv us/req", "wrk%", "busy%", "err"
      for (i = 1; i <= k; i++) { s = order[i]; c = n[s]; M[s] = med(r, s, c); C[s] = med(cpu, s, c)
        printf "%-26s %8.0f %8.0f..%-8.0f %7.2f %7.2f %9.1f %5.0f %5.0f %4d\n", s " (" c ")", M[s], lo(r, s, c), hi(r, s, c),
               med(p50, s, c) / 1000, med(p99, s, c) / 1000, C[s], med(wc, s, c), med(bz, s, c), err[s] }
      for (i = 1; i <= k; i++) { s = order[i]
        if (s == "ingress-warden" || s == "iw-before") { ratio(s, "nginx"); ratio(s, "bare-mhd-json") } }
      if (("ingress-warden" in seen) && ("bare-mhd-json" in seen)) {
        printf "per round, server-CPU/req ingress-warden / bare-mhd-json:"
        for (j = 1; j <= n["ingress-warden"] && j <= n["bare-mhd-json"]; j++)
          printf " %.3f", cpu["ingress-warden", j] / cpu["bare-mhd-json", j]
        printf "\n"
      }
      if (("iw-before" in seen) && ("bare-mhd-json" in seen)) {
        printf "per round, server-CPU/req iw-before / bare-mhd-json:     "
        for (j = 1; j <= n["iw-before"] && j <= n["bare-mhd-json"]; j++)
          printf " %.3f", cpu["iw-before", j] / cpu["bare-mhd-json", j]
        printf "\n"
      }
    }'
}

echo "# $(date -u +%FT%TZ) nproc=$(nproc) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# wrk -t$THREADS -c$CONNS -d$DURATION --latency (warm-up $WARMUP per server start), $MODE, rounds=$ROUNDS: $SERVERS"
all=""
for ROUND in $(seq "$ROUNDS"); do
  for s in $SERVERS; do
    bench "$s"
    all+="$LAST"$'\n'
  done
done
echo "== $MODE (medians) =="
printf '%s' "$all" | table
