#!/usr/bin/env bash
# serve with a watched cluster (--kubeconfig) against tests/tools/kubefake:
# /readyz fails until the first lists are synced, then passes; the cluster
# metrics and the audit (a log line per finding, a gauge per check); bad
# flags; SIGTERM; watch failures (403) logged, counted and named by /readyz;
# readiness and answers after --max-stale.
#   usage: tests/suites/serve_cluster.sh BUILD_DIR BINARY
# Timing: every wait polls its condition (0.1 s apart) until it holds or WAIT
# seconds pass (default 60: a bound for a busy 2-vCPU machine under ASan, not a
# delay; a quiet machine leaves each loop at the first success).  A state that
# lasts only a while (not ready before --max-stale) is checked in a run whose
# --max-stale is far beyond WAIT; the transition itself in a run with a short
# one, and its time is bounded from below by the test's own clock.
set -uo pipefail
B=$1; BIN=$2
FAKE=$B/tools/kubefake
pass=0; fail=0
tmp=$(mktemp -d); fakepid=; servepid=
cleanup() {
  [ -n "$servepid" ] && kill "$servepid" 2>/dev/null && wait "$servepid" 2>/dev/null
  [ -n "$fakepid" ] && kill -CONT "$fakepid" 2>/dev/null && kill "$fakepid" 2>/dev/null && wait "$fakepid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
WAIT=${IW_TEST_WAIT:-60}
until_ok() {  # SECONDS CMD...: CMD every 0.1 s until it succeeds (status 0) or SECONDS pass (1)
  local end=$((SECONDS + $1)); shift
  while ! "$@"; do [ "$SECONDS" -lt "$end" ] || return 1; sleep 0.1; done
}
# get URL [CURL-ARGS...]: sets code and body from ONE request
get() { code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 "${@:2}" "$1"); body=$(cat "$tmp/body" 2>/dev/null); }
# is CODE REGEX URL [CURL-ARGS...]: one request answered CODE with a body matching REGEX
is() { get "${@:3}"; [ "$code" = "$1" ] && grep -q -- "$2" <<<"$body"; }
in_log() { grep -q -- "$2" "$1" 2>/dev/null; }   # FILE REGEX (basic)
free_port() {
  python3 -c 'import random,socket
for _ in range(100):
    p = random.randint(20000, 29999); s = socket.socket()
    try: s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()'
}
KPORT=$(free_port); LPORT=$(free_port)
while [ "$LPORT" = "$KPORT" ]; do LPORT=$(free_port); done
write_kubeconfig() {
cat >"$tmp/kubeconfig" <<EOK
apiVersion: v1
kind: Config
current-context: fake
contexts:
- name: fake
  context: {cluster: fake, user: tester}
clusters:
- name: fake
  cluster: {server: "http://127.0.0.1:$KPORT"}
users:
- name: tester
  user: {token: s3cret}
EOK
}
write_kubeconfig
start_fake_here() {  # OUT [ENV...]: the fake API server on $KPORT (a serve already has it), listening
  local out=$1 end=$((SECONDS + WAIT)); shift
  while :; do
    env "$@" "$FAKE" $KPORT s3cret >"$out" 2>&1 & fakepid=$!
    listening $fakepid "$out" '^READY' && return 0
    wait $fakepid 2>/dev/null; fakepid=
    [ "$SECONDS" -lt "$end" ] || { echo "note: port $KPORT stayed taken: $(cat "$out")"; return 1; }
    sleep 0.5
  done
}
start_fake() {  # OUT [ENV...]: the fake API server, listening; another port (and kubeconfig) if $KPORT is taken
  local out=$1 try; shift
  for try in 1 2 3 4 5; do
    env "$@" "$FAKE" $KPORT s3cret >"$out" 2>&1 & fakepid=$!
    listening $fakepid "$out" '^READY' && return 0
    wait $fakepid 2>/dev/null; fakepid=
    echo "note: port $KPORT taken by another process: another one"
    KPORT=$(free_port); write_kubeconfig
  done
  return 1
}
L=http://127.0.0.1:$LPORT
# Ports are shared with everything else on the machine (other engineers' suites
# run the same tools at once): a process of ours is only talked to once it has
# said that it listens (kubefake: READY; serve: its "ready" log line).  A port
# taken meanwhile gives a new port (serve_lint/serve_w, start_fake), except
# where the port must stay (the fake restarted under a running serve).
listening() {  # PID FILE REGEX: the process said REGEX, or it ended (1)
  until_ok $WAIT sh -c 'grep -q "$2" "$3" 2>/dev/null || ! kill -0 "$1" 2>/dev/null' _ "$1" "$3" "$2"
  grep -q "$3" "$2" 2>/dev/null && kill -0 "$1" 2>/dev/null
}
serve_lint() {  # LOG ARGS...: serve --lint-listen in the background, listening
  local log=$1 try; shift
  for try in 1 2 3 4 5; do
    "$BIN" serve --lint-listen 127.0.0.1:$LPORT "$@" 2>"$log" & servepid=$!
    listening $servepid "$log" '"msg":"ready"' && return 0
    wait $servepid 2>/dev/null; servepid=
    grep -q "cannot listen" "$log" || break
    echo "note: port $LPORT taken by another process: another one"
    LPORT=$(free_port); L=http://127.0.0.1:$LPORT
  done
  echo "note: serve did not start: $(tail -n 2 "$log")"; return 1
}

# bad usage
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --unsynced maybe 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--unsynced must be allow, deny or local" "$tmp/e" && ok "bad --unsynced: exit 2 with the reason" || bad "bad --unsynced (rc $rc)"
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --kubeconfig /nonexistent/kc 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "/nonexistent/kc" "$tmp/e" && ok "missing kubeconfig: exit 2 naming it" || bad "missing kubeconfig (rc $rc)"
printf 'checks:\n  nope: off\n' >"$tmp/bad.yaml"
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --config "$tmp/bad.yaml" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'bad.yaml:2:3: unknown check "nope"' "$tmp/e" && ok "bad --config: exit 2 with file:line" || bad "bad --config (rc $rc)"
# IW_IN_CLUSTER (a flag's variable): 1/true turn it on, 0/false off, anything else is refused
for v in 0 false FALSE; do
  env -u KUBERNETES_SERVICE_HOST IW_IN_CLUSTER=$v "$BIN" serve --lint-listen 127.0.0.1:$LPORT --check >"$tmp/o" 2>"$tmp/e"; rc=$?
  [ $rc -eq 0 ] && [ "$(cat "$tmp/o")" = "configuration OK" ] && [ ! -s "$tmp/e" ] && ok "IW_IN_CLUSTER=$v: off" || bad "IW_IN_CLUSTER=$v (rc $rc): $(cat "$tmp/e")"
done
for v in 1 true True; do
  env -u KUBERNETES_SERVICE_HOST IW_IN_CLUSTER=$v "$BIN" serve --lint-listen 127.0.0.1:$LPORT --check >"$tmp/o" 2>"$tmp/e"; rc=$?
  [ $rc -eq 2 ] && [ "$(cat "$tmp/e")" = "ingress-warden serve: not in a cluster: KUBERNETES_SERVICE_HOST is not set (use --kubeconfig)" ] \
    && ok "IW_IN_CLUSTER=$v: on (outside a pod: exit 2 with the reason)" || bad "IW_IN_CLUSTER=$v (rc $rc): $(cat "$tmp/e")"
done
for v in yes 2 " 1"; do
  IW_IN_CLUSTER=$v "$BIN" serve --lint-listen 127.0.0.1:$LPORT --check >"$tmp/o" 2>"$tmp/e"; rc=$?
  [ $rc -eq 2 ] && [ ! -s "$tmp/o" ] && [ "$(cat "$tmp/e")" = "ingress-warden serve: IW_IN_CLUSTER must be 1, true, 0 or false, not '$v' (see --help)" ] \
    && ok "IW_IN_CLUSTER='$v': refused, exit 2" || bad "IW_IN_CLUSTER='$v' (rc $rc): $(cat "$tmp/e")"
done
IW_CHECK=0 IW_IN_CLUSTER=0 timeout 10 "$BIN" serve --lint-listen 127.0.0.1:$LPORT --kubeconfig /nonexistent/kc 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "/nonexistent/kc" "$tmp/e" && ok "IW_IN_CLUSTER=0 does not clash with --kubeconfig (nor IW_CHECK=0 check)" || bad "IW_IN_CLUSTER=0 + --kubeconfig (rc $rc): $(cat "$tmp/e")"

# the API server is not up yet: not ready (for --max-stale, default 120 s > WAIT)
KPORT=$(free_port); write_kubeconfig   # chosen now: the fake must get this one (serve has it)
serve_lint "$tmp/serve.log" --kubeconfig "$tmp/kubeconfig" --audit-interval 1
until_ok $WAIT is 200 . "$L/healthz"
is 503 . "$L/readyz" && ok "/readyz 503 while the cluster state is not synced" || bad "/readyz before sync: $code"
curl -s --max-time 5 "$L/metrics" >"$tmp/m0"
grep -qx 'ingress_warden_cluster_state_synced 0' "$tmp/m0" && ok "metric: not synced" || bad "metric synced 0"
# the API server comes up (serve's retries have backed off meanwhile: up to 30 s apart)
start_fake_here "$tmp/fake.out"
until_ok $WAIT is 200 . "$L/readyz"
[ "$code" = 200 ] && ok "/readyz 200 once synced (reconnected with backoff)" || bad "/readyz after sync: $code"
m1_done() {
  curl -s --max-time 5 "$L/metrics" >"$tmp/m1"
  grep -q '^ingress_warden_cluster_watch_relists_total 2' "$tmp/m1" &&
    grep -q '^ingress_warden_cluster_state_objects{kind="Ingress"} 3' "$tmp/m1" &&
    grep -q '^ingress_warden_audit_findings{check="no-ingress-class"} 3' "$tmp/m1"
}
until_ok $WAIT m1_done
grep -qx 'ingress_warden_cluster_state_synced 1' "$tmp/m1" && ok "metric: synced" || bad "metric synced 1"
grep -q '^ingress_warden_cluster_state_objects{kind="Ingress"} 3' "$tmp/m1" && ok "metric: 3 Ingresses after the watch script (a, d, e)" || { bad "Ingress count"; grep cluster_state "$tmp/m1"; }
grep -q '^ingress_warden_cluster_watch_relists_total 2' "$tmp/m1" && ok "metric: 2 relists after 410 Gone" || { bad "relists"; grep relists "$tmp/m1"; }
grep -q '^ingress_warden_audit_findings{check="no-ingress-class"} 3' "$tmp/m1" && ok "audit gauge per check (no IngressClass in the cluster)" || { bad "audit gauge"; grep audit "$tmp/m1"; }
grep -q '^ingress_warden_audit_findings{check="host-path-conflict"} 0' "$tmp/m1" && ok "audit gauge for a check without findings" || bad "host-path-conflict gauge"
until_ok $WAIT in_log "$tmp/serve.log" '"msg":"audit finding".*"check":"no-ingress-class".*"namespace":"default","name":"a"' \
  && ok "a log line per audit finding" || { bad "audit log line"; tail -5 "$tmp/serve.log"; }
grep -q '"msg":"cluster state synced"' "$tmp/serve.log" && ok "sync logged" || bad "sync log"
kill -TERM $servepid; wait $servepid; rc=$?; servepid=
[ $rc -eq 0 ] && ok "SIGTERM: exit 0 with the watch running" || bad "SIGTERM exit $rc"

# the webhook decides with the cluster state: an Exact / in another namespace
# takes "/" of e.example.com from default/e (watched from the fake API server)
"$BIN" certs --out "$tmp/c" --service iw --namespace iw --host 127.0.0.1 >/dev/null 2>&1
review() {  # NAMESPACE TYPE
  python3 - "$1" "$2" <<'EOP'
import json, sys
ns, typ = sys.argv[1], sys.argv[2]
obj = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
       "metadata": {"name": "grab", "namespace": ns},
       "spec": {"rules": [{"host": "e.example.com", "http": {"paths": [{"path": "/", "pathType": typ,
                "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}}
gvk = {"group": "networking.k8s.io", "version": "v1", "kind": "Ingress"}
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                  "request": {"uid": "u-1", "kind": gvk, "resource": {"group": "networking.k8s.io", "version": "v1", "resource": "ingresses"},
                              "namespace": ns, "name": "grab", "operation": "CREATE", "object": obj}}))
EOP
}
review other Exact >"$tmp/req.json"
WPORT=$(free_port)
while [ "$WPORT" = "$KPORT" ] || [ "$WPORT" = "$LPORT" ]; do WPORT=$(free_port); done
W=https://127.0.0.1:$WPORT
CA=(--cacert "$tmp/c/ca.crt")
validate() {  # REQUEST OUT: POST /validate
  curl -s "${CA[@]}" --max-time 10 -H 'Content-Type: application/json' --data-binary @"$1" "$W/validate" >"$2"
}
serve_w() {  # LOG ARGS...: the webhook with the kubeconfig, in the background, listening
  local log=$1 try; shift
  for try in 1 2 3 4 5; do
    "$BIN" serve --listen 127.0.0.1:$WPORT --tls-cert "$tmp/c/tls.crt" --tls-key "$tmp/c/tls.key" \
      --kubeconfig "$tmp/kubeconfig" "$@" 2>"$log" & servepid=$!
    listening $servepid "$log" '"msg":"ready"' && return 0
    wait $servepid 2>/dev/null; servepid=
    grep -q "cannot listen" "$log" || break
    echo "note: port $WPORT taken by another process: another one"
    WPORT=$(free_port); W=https://127.0.0.1:$WPORT
  done
  echo "note: serve did not start: $(tail -n 2 "$log")"; return 1
}
stop_fake() { kill -CONT "$fakepid" 2>/dev/null; kill "$fakepid" 2>/dev/null; wait "$fakepid" 2>/dev/null; fakepid=; }
stop_serve() { kill -TERM "$servepid"; wait "$servepid"; servepid=; }
stop_fake; start_fake "$tmp/fake.out"
serve_w "$tmp/serve2.log" --audit-interval 0 --unsynced deny
m2_done() {
  curl -s "${CA[@]}" --max-time 5 "$W/metrics" 2>/dev/null >"$tmp/m2"
  grep -q '^ingress_warden_cluster_watch_relists_total 2' "$tmp/m2" &&
    grep -q '^ingress_warden_cluster_state_objects{kind="Ingress"} 3' "$tmp/m2"
}
until_ok $WAIT m2_done || { echo "note: the watch script did not finish"; cat "$tmp/m2"; }
validate "$tmp/req.json" "$tmp/resp.json"
python3 - "$tmp/resp.json" <<'EOP' && ok "webhook denies with the cluster state: 403, cause host-path-conflict naming default/e" || { bad "webhook + cluster state"; cat "$tmp/resp.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
st = r["status"]
assert r["allowed"] is False and st["code"] == 403 and st["reason"] == "Forbidden", r
c = st["details"]["causes"][0]
assert c["reason"] == "host-path-conflict" and c["field"] == "spec.rules[0].http.paths[0]", c
assert "default/e" in c["message"], c
EOP
review default Exact >"$tmp/req2.json"
validate "$tmp/req2.json" "$tmp/resp2.json"
python3 - "$tmp/resp2.json" <<'EOP' && ok "same namespace: allowed with a warning" || { bad "same-namespace warning"; cat "$tmp/resp2.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True, r
assert any(w.startswith("host-path-conflict: spec.rules[0].http.paths[0]: ") for w in r["warnings"]), r
EOP
stop_serve
# --unsynced=deny: while the API server is unreachable, 503
stop_fake
serve_w "$tmp/serve3.log" --unsynced deny
until_ok $WAIT is 200 . "$W/healthz" "${CA[@]}"
code=$(curl -s -o /dev/null -w '%{http_code}' "${CA[@]}" --max-time 10 -H 'Content-Type: application/json' --data-binary @"$tmp/req.json" "$W/validate")
[ "$code" = 503 ] && ok "--unsynced=deny: 503 before the state is synced" || bad "--unsynced=deny answered $code"
stop_serve
serve_w "$tmp/serve4.log"
until_ok $WAIT is 200 . "$W/healthz" "${CA[@]}"
validate "$tmp/req.json" "$tmp/resp4.json"
python3 - "$tmp/resp4.json" <<'EOP' && ok "--unsynced=allow (default): allowed with the not-synced warning" || { bad "--unsynced=allow"; cat "$tmp/resp4.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True and "ingress-warden: cluster state not synced yet: cross-object checks skipped" in r["warnings"], r
EOP
stop_serve

# ---- watch failures are visible (issue 12 §3): a 403 is logged at warn with the
# API server's message, counted, and /readyz says why; after --max-stale a
# start that cannot list answers degraded instead of leaving no endpoints.
# The fake listens before serve starts: serve's first failure is the 403, not a
# refused connection.  --max-stale 3600: not ready for the whole check.
start_fake "$tmp/fake5.out" KUBEFAKE_FORBID=ingresses
serve_lint "$tmp/serve5.log" --kubeconfig "$tmp/kubeconfig" --max-stale 3600
until_ok $WAIT in_log "$tmp/serve5.log" '"level":"warn","msg":"cluster watch failed".*list /apis/networking.k8s.io/v1/ingresses failed: HTTP 403: ingresses is forbidden: User .*cannot list resource.*(RBAC: the service account lacks this permission)' \
  && ok "a 403 is logged at warn with the status, the API server's message and the hint" || { bad "403 log line"; grep watch "$tmp/serve5.log" | head -3; }
until_ok $WAIT is 503 "^not ready: ingresses not listed yet: list /apis/networking.k8s.io/v1/ingresses failed: HTTP 403: ingresses is forbidden" "$L/readyz" \
  && ok "/readyz 503 says why: $(cut -c1-80 <<<"$body")..." || bad "/readyz while forbidden: $code $body"
m5_done() {
  curl -s --max-time 5 "$L/metrics" >"$tmp/m5"
  grep -Eq '^ingress_warden_cluster_watch_failures_total\{resource="ingresses"\} [1-9]' "$tmp/m5"
}
until_ok $WAIT m5_done && grep -q '^ingress_warden_cluster_watch_failures_total{resource="services"} 0' "$tmp/m5" \
  && ok "metric: failures counted per resource" || { bad "failure metric"; grep failures "$tmp/m5"; }
stop_serve
# the same start with --max-stale 3: ready (degraded) once 3 s have passed, not before
t0=$(date +%s.%N)
serve_lint "$tmp/serve5b.log" --kubeconfig "$tmp/kubeconfig" --max-stale 3
until_ok $WAIT is 200 . "$L/readyz"; t1=$(date +%s.%N)
[ "$code" = 200 ] && grep -q "^ok (degraded): ingresses not listed yet: .*HTTP 403" <<<"$body" \
  && python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) >= 3 else 1)' "$t0" "$t1" \
  && ok "after --max-stale: ready, degraded, still saying why (--unsynced=allow), not before 3 s" \
  || bad "degraded readiness: $code $body ($t0 -> $t1)"
stop_serve
stop_fake

# ---- losing the API server after the sync: the state serves --max-stale
# seconds, then the answers and readiness follow --unsynced
start_fake "$tmp/fake6.out"
serve_w "$tmp/serve6.log" --max-stale 2
until_ok $WAIT is 200 '^ok$' "$W/readyz" "${CA[@]}" && ok "synced: /readyz ok" || bad "not ready after sync: $code $body"
stop_fake
until_ok $WAIT is 200 '^ok (degraded): .*no contact with the API server for [0-9]* s' "$W/readyz" "${CA[@]}" \
  && ok "API server gone for --max-stale: ready but degraded, saying why" || bad "stale readiness: $code $body"
validate "$tmp/req.json" "$tmp/resp6.json"
python3 - "$tmp/resp6.json" <<'EOP' && ok "stale state is not used: allowed with the no-contact warning" || { bad "stale answer"; cat "$tmp/resp6.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True and "ingress-warden: no contact with the API server: cross-object checks skipped" in r["warnings"], r
EOP
curl -s "${CA[@]}" --max-time 5 "$W/metrics" | grep -qx 'ingress_warden_cluster_state_fresh 0' && ok "metric: state not fresh" || bad "fresh metric"
grep -q '"level":"warn","msg":"cluster state stale"' "$tmp/serve6.log" && ok "the loss is logged at warn" || bad "stale log"
start_fake_here "$tmp/fake7.out"
until_ok $WAIT is 200 '^ok$' "$W/readyz" "${CA[@]}" && until_ok $WAIT in_log "$tmp/serve6.log" '"msg":"cluster state fresh again"' \
  && ok "the API server back: fresh again, logged" || bad "recovery: $code $body"
stop_serve
stop_fake
start_fake "$tmp/fake8.out"
serve_w "$tmp/serve8.log" --max-stale 2 --unsynced deny
until_ok $WAIT is 200 '^ok$' "$W/readyz" "${CA[@]}" || echo "note: not ready after the sync: $code $body"
stop_fake
until_ok $WAIT is 503 '^not ready: .*no contact with the API server' "$W/readyz" "${CA[@]}" \
  && ok "--unsynced=deny: not ready once stale" || bad "deny + stale readiness: $code $body"
stop_serve

# ---- a hung API server (SIGSTOP: its connections stay open and nothing comes):
# the watch notices within --watch-idle (was: an open stream looked connected
# until its own timeout, 330 s), the state goes stale, answers and readiness
# follow --unsynced; the API server back (SIGCONT): fresh again
start_fake "$tmp/fake9.out"
serve_w "$tmp/serve9.log" --max-stale 2 --watch-idle 3
until_ok $WAIT is 200 '^ok$' "$W/readyz" "${CA[@]}" || echo "note: not ready after the sync: $code $body"
kill -STOP "$fakepid"; t0=$(date +%s.%N)
until_ok $WAIT is 200 '^ok (degraded): .*no contact with the API server for [0-9]* s' "$W/readyz" "${CA[@]}"; t1=$(date +%s.%N)
[ "$code" = 200 ] && grep -q '^ok (degraded): ' <<<"$body" \
  && ok "a hung API server: ready but degraded, saying why ($(python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$t1") s after SIGSTOP; --watch-idle 3)" \
  || bad "hung API server: $code $body"
validate "$tmp/req.json" "$tmp/resp9.json"
python3 - "$tmp/resp9.json" <<'EOP' && ok "a hung API server: its state is not used (no-contact warning)" || { bad "hung API server answer"; cat "$tmp/resp9.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True and "ingress-warden: no contact with the API server: cross-object checks skipped" in r["warnings"], r
EOP
until_ok $WAIT in_log "$tmp/serve9.log" '"level":"warn","msg":"cluster watch failed".*watch /apis/networking.k8s.io/v1/ingresses failed: timed out: no byte for 3 s' \
  && ok "the reopened watch that gets no answer is logged at warn, saying how long nothing came" || { bad "hung API server log"; grep watch "$tmp/serve9.log" | tail -3; }
kill -CONT "$fakepid"
until_ok $WAIT is 200 '^ok$' "$W/readyz" "${CA[@]}" && until_ok $WAIT in_log "$tmp/serve9.log" '"msg":"cluster state fresh again"' \
  && ok "the API server answers again (SIGCONT): fresh again" || bad "after SIGCONT: $code $body"
stop_serve
stop_fake

echo "serve-cluster: $pass passed, $fail failed"
[ $fail -eq 0 ]
