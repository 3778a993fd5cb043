#!/usr/bin/env bash
# `ingress-warden router` and nginx (faithful and naive configurations
# generated from the same Ingresses) probed by `ingress-warden conformance`.
# usage: tests/suites/router_conformance.sh BUILD_DIR BINARY
# Ports: free ones of 19100-19199 (the router engineer's range), chosen at
# run time, because every worktree's `make test` runs this suite and two may
# run at once.  Everything started here is stopped here, by PID.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
ING=tests/router/ingresses.json
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

free_port() {  # a port of 19100-19199 that nobody listens on right now
  python3 -c '
import random, socket
ports = list(range(19100, 19200)); random.shuffle(ports)
for p in ports:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()'
}

# up PID PORT: our process is alive and answers HTTP on PORT (5 s at most);
# alive again a moment later (a server that lost a bind race exits at once)
up() {
  for _ in $(seq 50); do
    kill -0 "$1" 2>/dev/null || return 1
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$2/"; then
      sleep 0.3; kill -0 "$1" 2>/dev/null; return
    fi
    sleep 0.1
  done
  return 1
}

cp "$ING" "$T/ing.json"
RPID=; RPORT=
for _ in 1 2 3 4 5 6; do
  RPORT=$(free_port)
  "$BIN" router --listen "127.0.0.1:$RPORT" -f "$T/ing.json" 2>"$T/router.log" &
  RPID=$!
  up "$RPID" "$RPORT" && grep -q 'ready: listening' "$T/router.log" && break
  kill "$RPID" 2>/dev/null; wait "$RPID" 2>/dev/null; RPID=
done
[ -n "$RPID" ] && pids+=("$RPID") && ok "router listens on $RPORT" || { fail "router listens"; cat "$T/router.log"; }
declare -A NPID NPRT
for mode in faithful naive redirect; do
  mkdir -p "$T/$mode"
  for _ in 1 2 3 4 5 6; do
    port=$(free_port)
    python3 tests/router/nginx-conf.py $mode "$ING" "$port" "$T/$mode" >"$T/$mode/nginx.conf"
    /usr/sbin/nginx -p "$T/$mode" -e "$T/$mode/error.log" -c "$T/$mode/nginx.conf" -g 'daemon off;' \
      2>>"$T/$mode/error.log" &
    pid=$!
    if up "$pid" "$port"; then NPID[$mode]=$pid; NPRT[$mode]=$port; pids+=("$pid"); break; fi
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  done
  [ -n "${NPID[$mode]:-}" ] && ok "$mode nginx listens on ${NPRT[$mode]}" || { fail "$mode nginx listens"; cat "$T/$mode/error.log"; }
done
FPORT=${NPRT[faithful]:-0}; NPORT=${NPRT[naive]:-0}; XPORT=${NPRT[redirect]:-0}

# --- the router's own answers -------------------------------------------
h=$(curl -s -D - -o "$T/body" -H 'Host: APP.example.com:8080' "http://127.0.0.1:$RPORT/foo/bar?x=1")
grep -qi '^X-Ingress-Warden-Backend: shop/app/foo-old:8080' <<<"$h" && grep -q '^HTTP/1.1 200' <<<"$h" \
  && ok "router: header names the oldest Prefix /foo" || fail "router: header ($h)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["match"]=="rule" and d["service"]=="foo-old" and d["port"]==8080 and d["ingress"]=="app" and d["namespace"]=="shop" and d["host"]=="APP.example.com:8080", d' "$T/body" \
  && ok "router: JSON body" || fail "router: JSON body $(cat "$T/body")"
code=$(curl -s -o /dev/null -w '%{http_code}' --path-as-is -H 'Host: app.example.com' "http://127.0.0.1:$RPORT/foo%2Fbar")
# %2F is not a separator: /foo%2Fbar is not under Prefix /foo; the host's default answers
hdr=$(curl -s -D - -o /dev/null --path-as-is -H 'Host: app.example.com' "http://127.0.0.1:$RPORT/foo%2Fbar" | tr -d '\r' | grep -i '^x-ingress-warden-backend')
[ "$code" = 200 ] && [ "$hdr" = "X-Ingress-Warden-Backend: shop/app/app-default:80" ] \
  && ok "router: %2F stays inside its element" || fail "router: %2F ($code $hdr)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example.com' "http://127.0.0.1:$RPORT/exact/")
[ "$code" = 200 ] && ok "router: default backend of the host for /exact/" || fail "router: /exact/ ($code)"

# --- conformance against the router and the faithful nginx: no divergence --
"$BIN" conformance --target "http://127.0.0.1:$RPORT" -f "$ING" >"$T/c-router.txt" 2>&1; rc=$?
[ $rc = 0 ] && ok "conformance vs router: $(tail -n 1 "$T/c-router.txt")" \
  || { fail "conformance vs router (exit $rc)"; grep FAIL "$T/c-router.txt" | head; }
"$BIN" conformance --target "http://127.0.0.1:$FPORT" -f "$ING" >"$T/c-faithful.txt" 2>&1; rc=$?
[ $rc = 0 ] && ok "conformance vs faithful nginx: $(tail -n 1 "$T/c-faithful.txt")" \
  || { fail "conformance vs faithful nginx (exit $rc)"; grep FAIL "$T/c-faithful.txt" | head -20; }
# The same through the echoserver identity (JSON body fields only)
"$BIN" conformance --target "http://127.0.0.1:$FPORT" -f "$ING" --backend-header X-None -o json >"$T/c-json.json" 2>&1; rc=$?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["summary"]; assert s["failed"]==0 and s["probes"]==len(d["probes"])>20, s' "$T/c-json.json" && [ $rc = 0 ] \
  && ok "conformance -o json by body fields vs faithful nginx" || fail "conformance -o json (exit $rc)"

# A redirect to the same address (Prefix /api/ answering /api with a 301 to
# /api/) is followed, as the conformance suite does, and reaches the same backend
"$BIN" conformance --target "http://127.0.0.1:$XPORT" -f "$ING" >"$T/c-redirect.txt" 2>&1; rc=$?
[ $rc = 0 ] && grep -q '^ok   app.example.com/api: expected shop/app/api:80, got shop/app/api:80 after 1 redirect' "$T/c-redirect.txt" \
  && ok "conformance follows a redirect to the same address" || { fail "conformance redirect (exit $rc)"; grep -E 'FAIL|/api:' "$T/c-redirect.txt"; }

# --- the naive nginx: exactly the expected divergences ---------------------
"$BIN" conformance --target "http://127.0.0.1:$NPORT" -f "$ING" >"$T/c-naive.txt" 2>&1; rc=$?
grep '^FAIL' "$T/c-naive.txt" | awk '{print $2}' | sed 's/:$//' | sort >"$T/naive-got"
sort >"$T/naive-want" <<EOW
127.0.0.1:$NPORT/publicx
app.example.com/api
app.example.com/foox
app.example.com/shop/cartx
probe.example.org/docsx
EOW
[ $rc = 1 ] && diff -u "$T/naive-want" "$T/naive-got" >"$T/naive-diff" \
  && ok "conformance vs naive nginx: exactly the 5 expected divergences" \
  || { fail "conformance vs naive nginx (exit $rc)"; cat "$T/naive-diff"; grep FAIL "$T/c-naive.txt"; }
"$BIN" conformance --target "http://127.0.0.1:$NPORT" -f "$ING" -o junit >"$T/c-naive.xml" 2>&1; rc=$?
# the junit report: the same 5 failures, each with the text output's expected/got
python3 - "$T/c-naive.xml" "$T/c-naive.txt" >"$T/naive-junit" <<'EOP'
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
text = [l.rstrip("\n") for l in open(sys.argv[2]) if l.startswith("FAIL ")]
got = []
for t in root.iter("testcase"):
    f = t.find("failure")
    if f is None:
        continue
    line = "FAIL %s: %s (" % (t.get("name"), f.get("message"))
    got.append(t.get("name") + (" (as the text output)" if any(l.startswith(line) for l in text)
                                else " (NOT in the text output)"))
print("\n".join(sorted(got)))
print("failures=" + root.get("failures"))
EOP
{ sed 's/$/ (as the text output)/' "$T/naive-want"; echo "failures=5"; } >"$T/naive-junit-want"
[ $rc = 1 ] && diff -u "$T/naive-junit-want" "$T/naive-junit" >"$T/naive-diff" \
  && ok "conformance -o junit reports the 5 failures" || { fail "conformance -o junit (exit $rc)"; cat "$T/naive-diff"; }

# --- SIGHUP reload: a good file swaps the table, a bad one keeps it -------
python3 - "$T/ing.json" <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
d["items"][0]["spec"]["rules"][0]["http"]["paths"][1]["backend"]["service"]["name"] = "foo-reloaded"
json.dump(d, open(sys.argv[1], "w"))
EOP
kill -HUP "$RPID"
got=""
for _ in $(seq 30); do
  got=$(curl -s -D - -o /dev/null -H 'Host: app.example.com' "http://127.0.0.1:$RPORT/foo" | tr -d '\r' | grep -i '^x-ingress-warden-backend' || true)
  [ "$got" = "X-Ingress-Warden-Backend: shop/app/foo-reloaded:8080" ] && break; sleep 0.1
done
[ "$got" = "X-Ingress-Warden-Backend: shop/app/foo-reloaded:8080" ] && ok "SIGHUP reload" || fail "SIGHUP reload ($got)"
echo '{"kind": "List", "items": [' >"$T/ing.json"
kill -HUP "$RPID"
for _ in $(seq 30); do grep -q 'reload failed' "$T/router.log" && break; sleep 0.1; done
got=$(curl -s -D - -o /dev/null -H 'Host: app.example.com' "http://127.0.0.1:$RPORT/foo" | tr -d '\r' | grep -i '^x-ingress-warden-backend' || true)
grep -q 'reload failed, keeping the previous table' "$T/router.log" && [ "$got" = "X-Ingress-Warden-Backend: shop/app/foo-reloaded:8080" ] \
  && ok "bad reload keeps the old table" || { fail "bad reload ($got)"; cat "$T/router.log"; }

# --- usage errors ----------------------------------------------------------
"$BIN" conformance -f "$ING" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && ok "conformance without --target: exit 2" || fail "conformance usage ($rc)"
"$BIN" router -f "$ING" >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && ok "router without --listen: exit 2" || fail "router usage ($rc)"

# --- clean stop on SIGTERM (and, in the sanitizer build, no leak report) ---
kill -TERM "$RPID"; wait "$RPID"; rc=$?; pids=("${pids[@]:1}")
[ $rc = 0 ] && ! grep -q 'Sanitizer' "$T/router.log" && grep -q 'stopping on signal 15' "$T/router.log" \
  && ok "router stops cleanly on SIGTERM" || { fail "router stop (exit $rc)"; tail -30 "$T/router.log"; }

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
