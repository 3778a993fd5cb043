#!/usr/bin/env bash
# serve with a watched cluster (--kubeconfig) against tests/tools/kubefake:
# /readyz fails until the first lists are synced, then passes; the cluster
# metrics and the audit (a log line per finding, a gauge per check); bad
# flags; SIGTERM.   usage: tests/suites/serve_cluster.sh BUILD_DIR BINARY
set -uo pipefail
B=$1; BIN=$2
FAKE=$B/tools/kubefake
pass=0; fail=0
tmp=$(mktemp -d); fakepid=; servepid=
cleanup() {
  [ -n "$servepid" ] && kill "$servepid" 2>/dev/null && wait "$servepid" 2>/dev/null
  [ -n "$fakepid" ] && kill "$fakepid" 2>/dev/null && wait "$fakepid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
free_port() {
  python3 -c 'import random,socket
for _ in range(100):
    p = random.randint(19300, 19399); s = socket.socket()
    try: s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()'
}
KPORT=$(free_port); LPORT=$(free_port)
while [ "$LPORT" = "$KPORT" ]; do LPORT=$(free_port); done
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
L=http://127.0.0.1:$LPORT

# bad usage
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --unsynced maybe 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--unsynced must be allow, deny or local" "$tmp/e" && ok "bad --unsynced: exit 2 with the reason" || bad "bad --unsynced (rc $rc)"
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --kubeconfig /nonexistent/kc 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "/nonexistent/kc" "$tmp/e" && ok "missing kubeconfig: exit 2 naming it" || bad "missing kubeconfig (rc $rc)"
printf 'checks:\n  nope: off\n' >"$tmp/bad.yaml"
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --config "$tmp/bad.yaml" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q 'bad.yaml:2:3: unknown check "nope"' "$tmp/e" && ok "bad --config: exit 2 with file:line" || bad "bad --config (rc $rc)"

# the API server is not up yet: not ready
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --kubeconfig "$tmp/kubeconfig" --audit-interval 1 \
  2>"$tmp/serve.log" & servepid=$!
for _ in $(seq 50); do curl -s --max-time 1 "$L/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$L/readyz")
[ "$code" = 503 ] && ok "/readyz 503 while the cluster state is not synced" || bad "/readyz before sync: $code"
curl -s --max-time 2 "$L/metrics" >"$tmp/m0"
grep -qx 'ingress_warden_cluster_state_synced 0' "$tmp/m0" && ok "metric: not synced" || bad "metric synced 0"
# the API server comes up
"$FAKE" $KPORT s3cret >"$tmp/fake.out" 2>&1 & fakepid=$!
code=
for _ in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$L/readyz"); [ "$code" = 200 ] && break; sleep 0.1
done
[ "$code" = 200 ] && ok "/readyz 200 once synced (reconnected with backoff)" || bad "/readyz after sync: $code"
for _ in $(seq 150); do
  curl -s --max-time 1 "$L/metrics" >"$tmp/m1"
  grep -q '^ingress_warden_cluster_watch_relists_total 2' "$tmp/m1" &&
    grep -q '^ingress_warden_cluster_state_objects{kind="Ingress"} 3' "$tmp/m1" &&
    grep -q '^ingress_warden_audit_findings{check="no-ingress-class"} 3' "$tmp/m1" && break
  sleep 0.2
done
grep -qx 'ingress_warden_cluster_state_synced 1' "$tmp/m1" && ok "metric: synced" || bad "metric synced 1"
grep -q '^ingress_warden_cluster_state_objects{kind="Ingress"} 3' "$tmp/m1" && ok "metric: 3 Ingresses after the watch script (a, d, e)" || { bad "Ingress count"; grep cluster_state "$tmp/m1"; }
grep -q '^ingress_warden_cluster_watch_relists_total 2' "$tmp/m1" && ok "metric: 2 relists after 410 Gone" || { bad "relists"; grep relists "$tmp/m1"; }
grep -q '^ingress_warden_audit_findings{check="no-ingress-class"} 3' "$tmp/m1" && ok "audit gauge per check (no IngressClass in the cluster)" || { bad "audit gauge"; grep audit "$tmp/m1"; }
grep -q '^ingress_warden_audit_findings{check="host-path-conflict"} 0' "$tmp/m1" && ok "audit gauge for a check without findings" || bad "host-path-conflict gauge"
grep -q '"msg":"audit finding".*"check":"no-ingress-class".*"namespace":"default","name":"a"' "$tmp/serve.log" && ok "a log line per audit finding" || { bad "audit log line"; tail -5 "$tmp/serve.log"; }
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
stop_fake_and_restart() { kill "$fakepid" 2>/dev/null; wait "$fakepid" 2>/dev/null; "$FAKE" $KPORT s3cret >"$tmp/fake.out" 2>&1 & fakepid=$!; }
stop_fake_and_restart
"$BIN" serve --listen 127.0.0.1:$WPORT --tls-cert "$tmp/c/tls.crt" --tls-key "$tmp/c/tls.key" \
  --kubeconfig "$tmp/kubeconfig" --audit-interval 0 --unsynced deny 2>"$tmp/serve2.log" & servepid=$!
W=https://127.0.0.1:$WPORT
for _ in $(seq 100); do
  curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/metrics" 2>/dev/null >"$tmp/m2"
  grep -q '^ingress_warden_cluster_watch_relists_total 2' "$tmp/m2" &&
    grep -q '^ingress_warden_cluster_state_objects{kind="Ingress"} 3' "$tmp/m2" && break; sleep 0.1
done
curl -s --cacert "$tmp/c/ca.crt" --max-time 5 -H 'Content-Type: application/json' --data-binary @"$tmp/req.json" "$W/validate" >"$tmp/resp.json"
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
curl -s --cacert "$tmp/c/ca.crt" --max-time 5 -H 'Content-Type: application/json' --data-binary @"$tmp/req2.json" "$W/validate" >"$tmp/resp2.json"
python3 - "$tmp/resp2.json" <<'EOP' && ok "same namespace: allowed with a warning" || { bad "same-namespace warning"; cat "$tmp/resp2.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True, r
assert any(w.startswith("host-path-conflict: spec.rules[0].http.paths[0]: ") for w in r["warnings"]), r
EOP
kill -TERM $servepid; wait $servepid; servepid=
# --unsynced=deny: while the API server is unreachable, 503
kill "$fakepid" 2>/dev/null; wait "$fakepid" 2>/dev/null; fakepid=
"$BIN" serve --listen 127.0.0.1:$WPORT --tls-cert "$tmp/c/tls.crt" --tls-key "$tmp/c/tls.key" \
  --kubeconfig "$tmp/kubeconfig" --unsynced deny 2>"$tmp/serve3.log" & servepid=$!
for _ in $(seq 50); do curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$tmp/c/ca.crt" --max-time 5 -H 'Content-Type: application/json' --data-binary @"$tmp/req.json" "$W/validate")
[ "$code" = 503 ] && ok "--unsynced=deny: 503 before the state is synced" || bad "--unsynced=deny answered $code"
kill -TERM $servepid; wait $servepid; servepid=
"$BIN" serve --listen 127.0.0.1:$WPORT --tls-cert "$tmp/c/tls.crt" --tls-key "$tmp/c/tls.key" \
  --kubeconfig "$tmp/kubeconfig" 2>"$tmp/serve4.log" & servepid=$!
for _ in $(seq 50); do curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -s --cacert "$tmp/c/ca.crt" --max-time 5 -H 'Content-Type: application/json' --data-binary @"$tmp/req.json" "$W/validate" >"$tmp/resp4.json"
python3 - "$tmp/resp4.json" <<'EOP' && ok "--unsynced=allow (default): allowed with the not-synced warning" || { bad "--unsynced=allow"; cat "$tmp/resp4.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True and "ingress-warden: cluster state not synced yet: cross-object checks skipped" in r["warnings"], r
EOP
kill -TERM $servepid; wait $servepid; servepid=

# ---- watch failures are visible (issue 12 §3): a 403 is logged at warn with the
# API server's message, counted, and /readyz says why; after --max-stale a
# start that cannot list answers degraded instead of leaving no endpoints
KUBEFAKE_FORBID=ingresses "$FAKE" $KPORT s3cret >"$tmp/fake5.out" 2>&1 & fakepid=$!
# listening before serve starts: its first failure must be the 403, not a refused connection
for _ in $(seq 50); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$KPORT/" && break; sleep 0.1; done
"$BIN" serve --lint-listen 127.0.0.1:$LPORT --kubeconfig "$tmp/kubeconfig" --max-stale 3 \
  2>"$tmp/serve5.log" & servepid=$!
for _ in $(seq 50); do grep -q '"event":"watch_failure"' "$tmp/serve5.log" 2>/dev/null && break; sleep 0.1; done
grep -q '"level":"warn","msg":"cluster watch failed".*list /apis/networking.k8s.io/v1/ingresses failed: HTTP 403: ingresses is forbidden: User .*cannot list resource.*(RBAC: the service account lacks this permission)' "$tmp/serve5.log" \
  && ok "a 403 is logged at warn with the status, the API server's message and the hint" || { bad "403 log line"; grep watch "$tmp/serve5.log" | head -3; }
for _ in $(seq 20); do body=$(curl -s --max-time 2 "$L/readyz"); grep -q forbidden <<<"$body" && break; sleep 0.1; done
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$L/readyz")
[ "$code" = 503 ] && grep -q "^not ready: ingresses not listed yet: list /apis/networking.k8s.io/v1/ingresses failed: HTTP 403: ingresses is forbidden" <<<"$body" \
  && ok "/readyz 503 says why: $(cut -c1-80 <<<"$body")..." || bad "/readyz while forbidden: $code $body"
curl -s --max-time 2 "$L/metrics" >"$tmp/m5"
grep -Eq '^ingress_warden_cluster_watch_failures_total\{resource="ingresses"\} [1-9]' "$tmp/m5" && grep -q '^ingress_warden_cluster_watch_failures_total{resource="services"} 0' "$tmp/m5" \
  && ok "metric: failures counted per resource" || { bad "failure metric"; grep failures "$tmp/m5"; }
for _ in $(seq 60); do code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$L/readyz"); [ "$code" = 200 ] && break; sleep 0.1; done
body=$(curl -s --max-time 2 "$L/readyz")
[ "$code" = 200 ] && grep -q "^ok (degraded): ingresses not listed yet" <<<"$body" \
  && ok "after --max-stale: ready, degraded, still saying why (--unsynced=allow)" || bad "degraded readiness: $code $body"
kill -TERM $servepid; wait $servepid; servepid=
kill "$fakepid"; wait "$fakepid" 2>/dev/null; fakepid=

# ---- losing the API server after the sync: the state serves --max-stale
# seconds, then the answers and readiness follow --unsynced
"$FAKE" $KPORT s3cret >"$tmp/fake6.out" 2>&1 & fakepid=$!
"$BIN" serve --listen 127.0.0.1:$WPORT --tls-cert "$tmp/c/tls.crt" --tls-key "$tmp/c/tls.key" \
  --kubeconfig "$tmp/kubeconfig" --max-stale 2 2>"$tmp/serve6.log" & servepid=$!
for _ in $(seq 100); do
  [ "$(curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/readyz")" = ok ] && break; sleep 0.1
done
[ "$(curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/readyz")" = ok ] && ok "synced: /readyz ok" || bad "not ready after sync"
kill "$fakepid"; wait "$fakepid" 2>/dev/null; fakepid=
body=
for _ in $(seq 80); do body=$(curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/readyz"); grep -q degraded <<<"$body" && break; sleep 0.1; done
grep -q "^ok (degraded): .*no contact with the API server for [0-9]* s" <<<"$body" && ok "API server gone for --max-stale: ready but degraded, saying why" || bad "stale readiness: $body"
curl -s --cacert "$tmp/c/ca.crt" --max-time 5 -H 'Content-Type: application/json' --data-binary @"$tmp/req.json" "$W/validate" >"$tmp/resp6.json"
python3 - "$tmp/resp6.json" <<'EOP' && ok "stale state is not used: allowed with the no-contact warning" || { bad "stale answer"; cat "$tmp/resp6.json"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True and "ingress-warden: no contact with the API server: cross-object checks skipped" in r["warnings"], r
EOP
curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/metrics" | grep -qx 'ingress_warden_cluster_state_fresh 0' && ok "metric: state not fresh" || bad "fresh metric"
grep -q '"level":"warn","msg":"cluster state stale"' "$tmp/serve6.log" && ok "the loss is logged at warn" || bad "stale log"
"$FAKE" $KPORT s3cret >"$tmp/fake7.out" 2>&1 & fakepid=$!
for _ in $(seq 150); do [ "$(curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/readyz")" = ok ] && break; sleep 0.1; done
[ "$(curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/readyz")" = ok ] && grep -q '"msg":"cluster state fresh again"' "$tmp/serve6.log" \
  && ok "the API server back: fresh again, logged" || bad "recovery"
kill -TERM $servepid; wait $servepid; servepid=
kill "$fakepid"; wait "$fakepid" 2>/dev/null; fakepid=
"$FAKE" $KPORT s3cret >"$tmp/fake8.out" 2>&1 & fakepid=$!
"$BIN" serve --listen 127.0.0.1:$WPORT --tls-cert "$tmp/c/tls.crt" --tls-key "$tmp/c/tls.key" \
  --kubeconfig "$tmp/kubeconfig" --max-stale 2 --unsynced deny 2>"$tmp/serve8.log" & servepid=$!
for _ in $(seq 100); do [ "$(curl -s --cacert "$tmp/c/ca.crt" --max-time 1 "$W/readyz")" = ok ] && break; sleep 0.1; done
kill "$fakepid"; wait "$fakepid" 2>/dev/null; fakepid=
code=
for _ in $(seq 80); do code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$tmp/c/ca.crt" --max-time 1 "$W/readyz"); [ "$code" = 503 ] && break; sleep 0.1; done
[ "$code" = 503 ] && ok "--unsynced=deny: not ready once stale" || bad "deny + stale readiness: $code"
kill -TERM $servepid; wait $servepid; servepid=

echo "serve-cluster: $pass passed, $fail failed"
[ $fail -eq 0 ]
