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
for _ in $(seq 100); do
  curl -s --max-time 1 "$L/metrics" >"$tmp/m1"
  grep -q '^ingress_warden_cluster_watch_relists_total 2' "$tmp/m1" &&
    grep -q '^ingress_warden_cluster_state_objects{kind="Ingress"} 3' "$tmp/m1" &&
    grep -q '^ingress_warden_audit_runs_total [1-9]' "$tmp/m1" && break
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

echo "serve-cluster: $pass passed, $fail failed"
[ $fail -eq 0 ]
