#!/usr/bin/env bash
# `conformance --controller ingress-nginx` against real nginx running a
# faithful rendering of ingress-nginx v1.15.1's template
# (tests/router/ngx-conf.py) for tests/router/ngx-ingresses.json: regex
# hosts, rewrite-target, canaries, several Ingresses per host, default
# backends, wildcard hosts, TLS, host-less rules, app-root, server-alias.
# The emulation's expectations (status and backend of every probe, with
# letter case, percent-encoding and regex variants) must match what nginx
# answers: no divergence.  Then the same probes against
# `router --controller ingress-nginx`.
# usage: tests/suites/ngx_conformance.sh BUILD_DIR BINARY
# Ports: free ones of 19200-19299 chosen at run time (several worktrees may
# run make test at once).  Everything started here is stopped here, by PID.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
ING=tests/router/ngx-ingresses.json
T=$(mktemp -d)
pids=()
passed=0; failed=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
ok()   { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
if [ ! -x /usr/sbin/nginx ]; then
  echo "skipped: /usr/sbin/nginx is not installed (make deps installs nginx-light)"
  echo "0 passed, 0 failed, 1 skipped"; exit 0
fi

free_port() {
  python3 -c '
import random, socket
ports = list(range(19200, 19300)); random.shuffle(ports)
for p in ports:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()'
}
up() {  # PID PORT: alive and answering within 5 s, still alive a moment later
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 1
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$2/"; then
      sleep 0.3; kill -0 "$1" 2>/dev/null; return
    fi
    sleep 0.1
  done
  return 1
}

NPID=; NPORT=
mkdir -p "$T/nginx"
for _ in 1 2 3 4 5 6; do
  NPORT=$(free_port)
  python3 tests/router/ngx-conf.py "$ING" "$NPORT" "$T/nginx" >"$T/nginx/nginx.conf"
  /usr/sbin/nginx -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" -g 'daemon off;' \
    2>>"$T/nginx/error.log" &
  NPID=$!
  if up "$NPID" "$NPORT"; then pids+=("$NPID"); break; fi
  kill "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null; NPID=
done
[ -n "$NPID" ] && ok "nginx runs the rendering on $NPORT" || { fail "nginx starts"; cat "$T/nginx/error.log"; }

"$BIN" conformance --controller ingress-nginx --target "http://127.0.0.1:$NPORT" -f "$ING" \
  >"$T/c.txt" 2>&1; rc=$?
last=$(tail -n 1 "$T/c.txt")
n=$(sed -nE 's/^([0-9]+) probes, .*/\1/p' <<<"$last")
[ $rc = 0 ] && [ "${n:-0}" -gt 300 ] && grep -q ", 0 failed$" <<<"$last" \
  && ok "conformance --controller ingress-nginx vs nginx: $last" \
  || { fail "conformance vs nginx (exit $rc): $last"; grep -v '^ok' "$T/c.txt" | head -30; }
# the cases that make ingress-nginx different are among the probes, and pass
for want in \
  'ok   re.example.com/USERS: expected re/base/users:80 200' \
  'ok   re.example.com/v1/api/sub: expected re/regex/vn:80 200' \
  'ok   app.example.com/docs: expected none 301' \
  'ok   app.example.com/api%2Fsub: expected shop/app/api:80 200' \
  'ok   one.wild.example.com/: expected none 308' \
  'ok   canary.example.com/b: expected c/main/main-b:80 200' \
  'ok   approot.example.com/: expected none 302' \
  'ok   site.example.com/ingress-warden-probe-unmatched: expected default d/site/site-default:80 200'; do
  grep -qF "$want" "$T/c.txt" && ok "probe: ${want#ok   }" || fail "probe missing or failing: $want"
done
"$BIN" conformance --controller ingress-nginx --target "http://127.0.0.1:$NPORT" -f "$ING" -o json \
  >"$T/c.json" 2>&1; rc=$?
python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; assert s["failed"]==0 and s["passed"]==s["probes"]-s["skipped"]>300, s' "$T/c.json" \
  && [ $rc = 0 ] && ok "conformance -o json: 0 failed" || fail "conformance -o json (exit $rc)"

# the router answers with the emulation's statuses: the same probes pass
RPID=; RPORT=
for _ in 1 2 3 4 5 6; do
  RPORT=$(free_port)
  "$BIN" router --controller ingress-nginx --listen "127.0.0.1:$RPORT" -f "$ING" 2>"$T/router.log" &
  RPID=$!
  up "$RPID" "$RPORT" && break
  kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; RPID=
done
[ -n "$RPID" ] && pids+=("$RPID")
"$BIN" conformance --controller ingress-nginx --target "http://127.0.0.1:$RPORT" -f "$ING" \
  >"$T/r.txt" 2>&1; rc=$?
[ $rc = 0 ] && ok "conformance vs router --controller ingress-nginx: $(tail -n 1 "$T/r.txt")" \
  || { fail "conformance vs router (exit $rc)"; grep -v '^ok' "$T/r.txt" | head -20; }

# the spec expectations differ from ingress-nginx's: the same nginx diverges
"$BIN" conformance --target "http://127.0.0.1:$NPORT" -f "$ING" >"$T/s.txt" 2>&1; rc=$?
[ $rc = 1 ] && ok "conformance (spec) vs the ingress-nginx rendering diverges: $(tail -n 1 "$T/s.txt")" \
  || fail "conformance (spec) vs nginx (exit $rc)"

"$BIN" conformance --controller aws-alb --target "http://127.0.0.1:$NPORT" -f "$ING" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && ok "conformance --controller aws-alb: exit 2" || fail "aws-alb ($rc)"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
