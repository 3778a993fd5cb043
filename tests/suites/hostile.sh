#!/usr/bin/env bash
# Hostile inputs (issue 11): every request and every file costs linear time,
# capped memory and capped output.  Each case is one attack from the issue,
# a few seconds at most.  Costs are asserted on CPU time and peak RSS of the
# process (tests/tools/measure, /proc/PID/stat for a server), with bounds far
# from both the target and the figure before the fix, so a busy machine does
# not fail them.
# usage: tests/suites/hostile.sh BUILD_DIR BINARY     last line: "hostile: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/default}
BIN=$(realpath "${2:-$B/ingress-warden}")
MEASURE=tests/tools/measure
T=$(mktemp -d /tmp/iw-hostile.XXXXXX)
pass=0; fail=0; PIDS=()

ok()    { pass=$((pass + 1)); echo "ok   - $1"; }
bad()   { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
eq()    { [ "$1" = "$2" ] || { echo "   expected: $2"; echo "   got:      $1"; return 1; }; }
# le A B: A <= B (integers), saying both when not
le()    { [ "$1" -le "$2" ] || { echo "   $1 > $2"; return 1; }; }

cleanup() {
  local p i
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] || continue
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  rm -rf "$T"
}
trap cleanup EXIT

# run_measured NAME [--in F] [--out F] -- CMD...: runs CMD through
# tests/tools/measure; sets CPU (ms), RSS (KB), RC and OUTB (bytes of stdout).
run_measured() {
  local line
  line=$("$MEASURE" "$@")
  CPU=$(sed -E 's/.*cpu_ms=([0-9]+).*/\1/' <<<"$line")
  RSS=$(sed -E 's/.*rss_kb=([0-9]+).*/\1/' <<<"$line")
  RC=$(sed -E 's/.*rc=(-?[0-9]+).*/\1/' <<<"$line")
  OUTB=$(sed -E 's/.*out_bytes=([0-9]+).*/\1/' <<<"$line")
  echo "   ($line)"
}

# CPU time (ms) a running process has used so far.
proc_cpu_ms() {
  python3 -c 'import os, sys
f = open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")", 1)[1].split()
print((int(f[11]) + int(f[12])) * 1000 // os.sysconf("SC_CLK_TCK"))' "$1"
}

# Ports: 19500-19599, random among the free ones.
free_port() {
  python3 -c 'import random,socket
for _ in range(200):
    p = random.randint(19500, 19599); s = socket.socket()
    try: s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()'
}
# launch LOG ARGS...: starts `serve ARGS` (@P1@ and @P2@ replaced by free
# ports), waits for its "ready" log line; sets SPID, SP1, SP2.
launch() {
  local log=$1 try i a args; shift
  for try in $(seq 8); do
    SP1=$(free_port); SP2=$(free_port)
    [ "$SP1" = "$SP2" ] && continue
    args=(); for a in "$@"; do a=${a//@P1@/$SP1}; args+=("${a//@P2@/$SP2}"); done
    "$BIN" serve "${args[@]}" 2>"$log" &
    SPID=$!
    for i in $(seq 100); do
      grep -q '"msg":"ready"' "$log" 2>/dev/null && { PIDS+=("$SPID"); return 0; }
      kill -0 "$SPID" 2>/dev/null || break
      sleep 0.05
    done
    wait "$SPID" 2>/dev/null
    grep -q 'cannot listen' "$log" || return 1
  done
  return 1
}

# ==== cores (items 2-6)

# ---- item 4: YAML flow nesting is quadratic inside libyaml
# Before: `[` x 100,000 then `]` x 100,000 took 22.6 s (49.6 s on a busy
# machine); libyaml is now fed no further once its flow depth passes the
# bound, so the answer is the bound's error at the 101st level.
python3 -c 'n = 100000; print("[" * n + "]" * n)' >"$T/deep-seq.yaml"
python3 -c 'n = 100000; print("{a: " * n + "1" + "}" * n)' >"$T/deep-map.yaml"
for f in deep-seq deep-map; do
  run_measured --out "$T/$f.out" -- "$BIN" lint "$T/$f.yaml"
  col=101; [ $f = deep-map ] && col=401
  check "lint: 100,000-deep flow nesting ($f): exit 2" eq "$RC" 2
  check "   ... the bound's error at the 101st level" \
    eq "$(head -1 "$T/$f.out")" "$T/$f.yaml:1:$col: error: document nested too deeply"
  check "   ... within 500 ms of CPU (target 50 ms; was 22.6 s)" le "$CPU" 500
done

# the lint server: the same document answered, and the server's CPU for it
if launch "$T/lint.log" --lint-listen "127.0.0.1:@P1@" --max-body 1Mi --shutdown-delay 0; then
  LINT=$SPID; LU=http://127.0.0.1:$SP1/lint
  c0=$(proc_cpu_ms "$LINT")
  code=$(curl -sS --max-time 20 -H 'Content-Type: application/yaml' --data-binary "@$T/deep-seq.yaml" \
         -o "$T/deep-lint.json" -w '%{http_code}' "$LU")
  c1=$(proc_cpu_ms "$LINT")
  check "lint server: 100,000-deep flow nesting answered 200" eq "$code" 200
  check "   ... with the bound's error" \
    eq "$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["problems"][0]; print(p["line"], p["column"], p["message"])' "$T/deep-lint.json")" \
       "1 101 document nested too deeply"
  check "   ... within 500 ms of server CPU (target 50 ms)" le $((c1 - c0)) 500
else
  bad "lint server starts"; cat "$T/lint.log"
fi

# ==== servers (items 1, 7-12)

echo "hostile: $pass passed, $fail failed"
[ $fail -eq 0 ]
