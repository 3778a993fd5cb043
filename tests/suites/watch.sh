#!/usr/bin/env bash
# The list/watch client (webhook/watch.c) against tests/tools/kubefake, a
# local libmicrohttpd server that speaks the Kubernetes list/watch protocol:
# paged lists, a chunked event stream with a slow pause and an event split
# across chunks, bookmarks, a dropped connection, 410 Gone as an ERROR event
# and as an HTTP status, a stream that ends, a server that is not up yet, and
# bearer tokens.   usage: tests/suites/watch.sh BUILD_DIR BINARY
set -uo pipefail
B=$1
FAKE=$B/tools/kubefake
DUMP=$B/tools/watchdump
PORT=
pass=0; fail=0
tmp=$(mktemp -d); fakepid=
cleanup() { [ -n "$fakepid" ] && kill "$fakepid" 2>/dev/null && wait "$fakepid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

ok()   { pass=$((pass + 1)); echo "ok   $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; }
check() { if grep -qxF -- "$2" "$3"; then ok "$1"; else bad "$1 (no line '$2' in $(basename "$3"))"; sed 's/^/    /' "$3" | head -60; fi; }

# Several worktrees run this suite at once: each kubefake takes a free port
# of 19300-19399 picked at random, retried when the bind fails.
start_fake() {  # [TOKEN]
  for _ in $(seq 30); do
    PORT=$((19300 + RANDOM % 100))
    "$FAKE" $PORT "$@" >"$tmp/fake.out" 2>&1 & fakepid=$!
    for _ in $(seq 50); do
      grep -q READY "$tmp/fake.out" 2>/dev/null && return 0
      kill -0 "$fakepid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$fakepid" 2>/dev/null; wait "$fakepid" 2>/dev/null; fakepid=
  done
  echo "kubefake did not start"; return 1
}
free_port() {  # a port of 19300-19399 nobody listens on now
  python3 -c 'import random,socket
for _ in range(100):
    p = random.randint(19300, 19399); s = socket.socket()
    try: s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()'
}
stop_fake() { kill "$fakepid" 2>/dev/null; wait "$fakepid" 2>/dev/null; fakepid=; }

# 1. the whole script
start_fake || exit 1
timeout 30 "$DUMP" http://127.0.0.1:$PORT --until e --timeout 20 >"$tmp/out" 2>"$tmp/err"
rc=$?
stop_fake
[ $rc -eq 0 ] && ok "script completes (ADDED e seen)" || { bad "script completes (rc $rc)"; cat "$tmp/out" "$tmp/err"; }
# paged list: both pages, one batch, then the state
check "paged list: second page requested with the continue token" "LIST ingresses continue=p2" "$tmp/fake.out"
check "first watch resumes from the list's resourceVersion, with bookmarks" "WATCH ingresses rv=10 bookmarks=true" "$tmp/fake.out"
# event split across chunks, slow stream, bookmark then drop: resume at 13
check "reconnect after a dropped stream resumes at the last event's resourceVersion" "WATCH ingresses rv=13 bookmarks=true" "$tmp/fake.out"
check "an event split across two chunks is delivered" "MODIFIED Ingress default/a" "$tmp/out"
check "items of a list get apiVersion/kind" "ADDED Ingress default/b" "$tmp/out"
# ERROR 410 event -> relist -> state replaced (b gone)
n=$(grep -c '^LIST ingresses continue=$' "$tmp/fake.out")
[ "$n" -eq 3 ] && ok "410 as an event and as a status both relist (3 lists)" || bad "expected 3 full lists, got $n"
check "relist replaces the state (b deleted while away)" "STATE a,c" "$tmp/out"
check "watch after a stream that ended resumes at the DELETED event's version" "WATCH ingresses rv=21 bookmarks=true" "$tmp/fake.out"
check "DELETED applied" "STATE a" "$tmp/out"
check "watch after the second relist starts at 30" "WATCH ingresses rv=30 bookmarks=true" "$tmp/fake.out"
check "final state" "STATE a,d,e" "$tmp/out"
check "synced once every resource is listed" "READY" "$tmp/out"
grep -q '^STATS .*relists=2 .*bookmarks=1 ' "$tmp/out" && ok "stats count relists and bookmarks" || { bad "stats"; grep STATS "$tmp/out"; }
# the RESET of a relist comes before its items and SYNCED after
awk '/^RESET Ingress$/{r++} /^SYNCED Ingress$/{s++} END{exit !(r==3 && s==3)}' "$tmp/out" \
  && ok "three RESET/SYNCED batches" || bad "RESET/SYNCED batches"

# 2. the server is not up yet: backoff, then sync once it is
PORT=$(free_port)
( sleep 1; exec "$FAKE" $PORT >"$tmp/fake2.out" 2>&1 ) & late=$!
timeout 30 "$DUMP" http://127.0.0.1:$PORT --until e --timeout 20 >"$tmp/out2" 2>"$tmp/err2"
rc=$?
kill $late 2>/dev/null; wait $late 2>/dev/null
[ $rc -eq 0 ] && ok "connection refused at first: retries with backoff, then syncs" || { bad "late server (rc $rc)"; tail -5 "$tmp/err2"; }
grep -q 'Could not connect\|Couldn.t connect\|refused' "$tmp/err2" && ok "refused connections are logged" || bad "no log line for refused connections"

# 3. bearer token: wrong token never syncs (401), right token does
start_fake s3cret || exit 1
timeout 10 "$DUMP" http://127.0.0.1:$PORT --token wrong --until e --timeout 1.5 >"$tmp/out3" 2>"$tmp/err3"
rc=$?
[ $rc -eq 1 ] && ! grep -q '^READY' "$tmp/out3" && ok "401: not synced" || bad "wrong token synced (rc $rc)"
grep -q 'HTTP 401' "$tmp/err3" && ok "401 logged" || bad "401 not logged"
stop_fake
start_fake s3cret || exit 1
timeout 30 "$DUMP" http://127.0.0.1:$PORT --token s3cret --until e --timeout 20 >"$tmp/out4" 2>"$tmp/err4"
rc=$?
stop_fake
[ $rc -eq 0 ] && ok "right token syncs" || bad "right token (rc $rc)"

# 4. the cluster cache: the same script ends with a, d, e in the state
start_fake || exit 1
timeout 30 "$DUMP" http://127.0.0.1:$PORT --cluster --until e --timeout 20 >"$tmp/out5" 2>"$tmp/err5"
rc=$?
stop_fake
[ $rc -eq 0 ] && ok "cluster cache follows the watch" || { bad "cluster cache (rc $rc)"; cat "$tmp/out5"; tail -5 "$tmp/err5"; }
check "cluster state after relists and deletes" "CLUSTER a,d,e" "$tmp/out5"
check "empty Service and IngressClass lists still count as known" "KNOWS services=1 classes=1" "$tmp/out5"
# no IngressClass at all (3 x no-ingress-class) and Service s missing for e (dangling-service)
check "audit of the cached state finds what the empty lists imply" "AUDIT 4" "$tmp/out5"

# 5. kubeconfig: the current context's cluster and user; CA data to a private file
CADATA=$(printf -- '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' | base64 -w0)
cat >"$tmp/kc" <<EOK
apiVersion: v1
kind: Config
current-context: two
contexts:
- {name: one, context: {cluster: c1, user: u1}}
- {name: two, context: {cluster: c2, user: u2}}
clusters:
- {name: c1, cluster: {server: "https://one.example:6443"}}
- {name: c2, cluster: {server: "https://10.0.0.2:6443", certificate-authority-data: "$CADATA"}}
users:
- {name: u1, user: {token: wrong}}
- {name: u2, user: {token: tok2, client-certificate: /etc/c.crt, client-key: /etc/c.key}}
EOK
"$DUMP" --kubeconfig "$tmp/kc" >"$tmp/kc.out" 2>&1
check "kubeconfig: current context's server, token, client certificate; CA data decoded to a temporary file" \
  "server=https://10.0.0.2:6443 token=tok2 tokenFile= ca=(temporary) ca_line=-----BEGIN CERTIFICATE----- insecure=0 cert=/etc/c.crt key=/etc/c.key tmp=1" "$tmp/kc.out"
printf 'apiVersion: v1\nkind: Config\ncurrent-context: nope\n' >"$tmp/kc2"
"$DUMP" --kubeconfig "$tmp/kc2" >"$tmp/kc2.out" 2>&1
grep -q 'ERROR .*no server for the current context "nope"' "$tmp/kc2.out" && ok "kubeconfig without the context: a clear error" || { bad "kubeconfig error"; cat "$tmp/kc2.out"; }
printf 'users:\n- {name: u, user: {exec: {command: aws}}}\ncontexts:\n- {name: c, context: {cluster: k, user: u}}\nclusters:\n- {name: k, cluster: {server: "https://x"}}\ncurrent-context: c\n' >"$tmp/kc3"
"$DUMP" --kubeconfig "$tmp/kc3" >"$tmp/kc3.out" 2>&1
grep -q 'ERROR .*exec credentials are not supported' "$tmp/kc3.out" && ok "exec credentials refused with the reason (nothing is executed)" || { bad "exec refusal"; cat "$tmp/kc3.out"; }

echo "watch: $pass passed, $fail failed"
[ $fail -eq 0 ]
