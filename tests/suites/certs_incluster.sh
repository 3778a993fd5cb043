#!/usr/bin/env bash
# `certs --in-cluster` against tests/tools/kubefake (the fake API server the
# watch tests use): the Secret is created once, the caBundle of the
# ValidatingWebhookConfiguration is written, a second run changes nothing, a
# renewal keeps the CA (and so the caBundle), a broken CA is replaced with a
# bundle that still trusts the old one, two runs at once agree, and a 403
# names the API server's message.   usage: tests/suites/certs_incluster.sh BUILD_DIR BINARY
set -uo pipefail
B=$1; BIN=$2
FAKE=$B/tools/kubefake
pass=0; fail=0
T=$(mktemp -d); fakepid=
cleanup() { [ -n "$fakepid" ] && kill "$fakepid" 2>/dev/null && wait "$fakepid" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
free_port() {
  python3 -c 'import random,socket
for _ in range(100):
    p = random.randint(19400, 19499); s = socket.socket()
    try: s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()'
}
P=$(free_port)
cat >"$T/kc" <<EOK
apiVersion: v1
kind: Config
current-context: f
contexts: [{name: f, context: {cluster: f, user: u}}]
clusters: [{name: f, cluster: {server: "http://127.0.0.1:$P"}}]
users: [{name: u, user: {token: tok}}]
EOK
API=http://127.0.0.1:$P
api() { curl -s -H "Authorization: Bearer tok" "$@"; }
start_fake() { "$FAKE" $P tok >"$T/fake.out" 2>&1 & fakepid=$!
  for _ in $(seq 50); do grep -q READY "$T/fake.out" 2>/dev/null && break; sleep 0.1; done; }
vwc='{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"ingress-warden"},"webhooks":[{"name":"validate.ingress-warden.io","clientConfig":{"service":{"name":"ingress-warden","namespace":"iw","path":"/validate"}}},{"name":"other.example.com","clientConfig":{"url":"https://other.example.com/x"}}]}'
certs() { "$BIN" certs --in-cluster --kubeconfig "$T/kc" --namespace iw --wait 3 "$@"; }
bundle_of() {  # the caBundle of the webhook that calls our Service, decoded
  api "$API/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ingress-warden" |
    python3 -c 'import base64, json, sys
for w in json.load(sys.stdin)["webhooks"]:
    if "service" in w["clientConfig"]: print(base64.b64decode(w["clientConfig"].get("caBundle", "")).decode(), end="")'
}
secret_field() { api "$API/api/v1/namespaces/iw/secrets/ingress-warden-tls" |
  python3 -c 'import base64, json, sys; print(base64.b64decode(json.load(sys.stdin)["data"][sys.argv[1]]).decode(), end="")' "$1"; }

start_fake
# no webhook configuration yet: waits, then fails naming it
certs --out "$T/o0" 2>"$T/e0"; rc=$?
[ $rc -eq 1 ] && grep -q "ValidatingWebhookConfiguration 'ingress-warden' does not exist" "$T/e0" \
  && ok "no webhook configuration: exit 1 naming it (after --wait)" || { bad "missing VWC (rc $rc)"; cat "$T/e0"; }
api -X POST -H 'Content-Type: application/json' --data "$vwc" "$API/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations" >/dev/null

certs --out "$T/o1" 2>"$T/e1"; rc=$?
# (the run that waited already created the Secret; this one finds it and writes the caBundle)
[ $rc -eq 0 ] && grep -q "Secret iw/ingress-warden-tls in place" "$T/e1" && grep -q "caBundle of ingress-warden written" "$T/e1" \
  && ok "first complete run: Secret in place, caBundle written" || { bad "first run (rc $rc)"; cat "$T/e1"; }
[ "$(grep -c '^POST /api/v1/namespaces/iw/secrets/ingress-warden-tls 201' "$T/fake.out")" = 1 ] && ok "the Secret was created once" || bad "Secret creations: $(grep -c 'secrets.*201' "$T/fake.out")"
[ "$(bundle_of)" = "$(cat "$T/o1/ca.crt")" ] && ok "caBundle written: the CA of the files written for the server" || bad "caBundle != ca.crt"
api "$API/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ingress-warden" |
  python3 -c 'import json,sys; w=json.load(sys.stdin)["webhooks"][1]; sys.exit(w["clientConfig"] != {"url": "https://other.example.com/x"})' \
  && ok "another webhook of the configuration is left alone" || bad "another webhook of the configuration got our caBundle"
[ "$(stat -c %a "$T/o1/tls.key")" = 600 ] && [ ! -e "$T/o1/ca.key" ] && ok "tls.key 0600; the CA key is not written for the server" || bad "modes / ca.key"
openssl_ok=$(python3 - "$T/o1" <<'EOP'
import ssl, sys, socket, threading
d = sys.argv[1]
ctx = ssl.create_default_context(cafile=d + "/ca.crt")
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); sctx.load_cert_chain(d + "/tls.crt", d + "/tls.key")
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1); port = ls.getsockname()[1]
def srv():
    c, _ = ls.accept()
    try: sctx.wrap_socket(c, server_side=True).recv(1)
    except Exception: pass
threading.Thread(target=srv, daemon=True).start()
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="ingress-warden.iw.svc")
print("ok"); s.close()
EOP
)
[ "$openssl_ok" = ok ] && ok "the pair verifies against the caBundle as ingress-warden.iw.svc (TLS handshake)" || bad "TLS handshake with the written pair"

puts_before=$(grep -c '^PUT' "$T/fake.out")
certs --out "$T/o2" 2>"$T/e2"; rc=$?
[ $rc -eq 0 ] && grep -q "in place" "$T/e2" && grep -q "already current" "$T/e2" && [ "$(grep -c '^PUT' "$T/fake.out")" = "$puts_before" ] \
  && ok "second run: nothing written" || { bad "second run (rc $rc)"; cat "$T/e2"; }
cmp -s "$T/o1/tls.crt" "$T/o2/tls.crt" && ok "second run: the same pair" || bad "second run changed the pair"

certs --out "$T/o3" --renew-before 400 2>"$T/e3"; rc=$?
[ $rc -eq 0 ] && grep -q "renewed (same CA)" "$T/e3" && ok "renewal within --renew-before: a new pair" || { bad "renewal (rc $rc)"; cat "$T/e3"; }
! cmp -s "$T/o1/tls.crt" "$T/o3/tls.crt" && cmp -s "$T/o1/ca.crt" "$T/o3/ca.crt" && [ "$(bundle_of)" = "$(cat "$T/o1/ca.crt")" ] \
  && ok "renewal keeps the CA and the caBundle" || bad "renewal changed the CA"

# the Service name changed: the pair no longer names it -> renewed
certs --out "$T/o4" --service ingress-warden --host extra.example.com 2>"$T/e4"; rc=$?
[ $rc -eq 0 ] && grep -q "in place" "$T/e4" && ok "extra --host alone does not force a renewal" || { bad "extra host (rc $rc)"; cat "$T/e4"; }

# a broken CA key in the Secret: a new CA; the bundle trusts both
old_ca=$(secret_field ca.crt)
api "$API/api/v1/namespaces/iw/secrets/ingress-warden-tls" | python3 -c 'import json,sys,base64
s=json.load(sys.stdin); s["data"]["ca.key"]=base64.b64encode(b"not a key").decode(); print(json.dumps(s))' >"$T/broken.json"
api -X PUT -H 'Content-Type: application/json' --data @"$T/broken.json" "$API/api/v1/namespaces/iw/secrets/ingress-warden-tls" >/dev/null
certs --out "$T/o5" 2>"$T/e5"; rc=$?
[ $rc -eq 0 ] && grep -q "renewed with a new CA" "$T/e5" && ok "a broken CA key: a new CA" || { bad "new CA (rc $rc)"; cat "$T/e5"; }
b=$(bundle_of)
[ "$(grep -c 'BEGIN CERTIFICATE' <<<"$b")" = 2 ] && grep -qF "$(head -2 <<<"$old_ca" | tail -1)" <<<"$b" \
  && ok "the caBundle holds the new and the old CA" || bad "bundle after a new CA"

# two replicas at once: both succeed, the Secret ends in one state
api -X PUT -H 'Content-Type: application/json' --data "$(api "$API/api/v1/namespaces/iw/secrets/ingress-warden-tls" | python3 -c 'import json,sys; s=json.load(sys.stdin); s["data"]={}; print(json.dumps(s))')" \
  "$API/api/v1/namespaces/iw/secrets/ingress-warden-tls" >/dev/null
certs --out "$T/r1" 2>"$T/er1" & p1=$!
certs --out "$T/r2" 2>"$T/er2" & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] && ok "two runs at once both succeed" || { bad "concurrent runs ($r1 $r2)"; cat "$T/er1" "$T/er2"; }
certs --out "$T/r3" 2>/dev/null
cmp -s "$T/r3/tls.crt" "$(cmp -s "$T/r1/tls.crt" "$T/r3/tls.crt" && echo "$T/r1/tls.crt" || echo "$T/r2/tls.crt")" \
  && ok "the Secret ends with one of the two pairs, which a later run uses" || bad "concurrent runs left an inconsistent Secret"
kill "$fakepid"; wait "$fakepid" 2>/dev/null; fakepid=

# RBAC missing: the API server's message and the hint
"$FAKE" $P wrong-token >"$T/fake2.out" 2>&1 & fakepid=$!
for _ in $(seq 50); do grep -q READY "$T/fake2.out" 2>/dev/null && break; sleep 0.1; done
certs --out "$T/o6" 2>"$T/e6"; rc=$?
[ $rc -eq 1 ] && grep -q "HTTP 401" "$T/e6" && ok "refused by the API server: exit 1 with the HTTP status" || { bad "401 (rc $rc)"; cat "$T/e6"; }

# usage
"$BIN" certs --in-cluster --kubeconfig "$T/kc" 2>"$T/e7"; rc=$?
[ $rc -eq 2 ] && grep -q "namespace is required outside a pod" "$T/e7" && ok "outside a pod without --namespace: exit 2" || { bad "no namespace (rc $rc)"; cat "$T/e7"; }

# certs --out keeps its CA between runs (the caBundle stays valid); --new-ca replaces it
"$BIN" certs --out "$T/d" --service iw --namespace iw >"$T/b1"
"$BIN" certs --out "$T/d" --service iw --namespace iw >"$T/b2"
cmp -s "$T/b1" "$T/b2" && [ "$(stat -c %a "$T/d/ca.key")" = 600 ] && ok "certs --out twice: the same CA (caBundle), ca.key kept 0600" || bad "certs --out rotation changed the CA"
"$BIN" certs --out "$T/d" --service iw --namespace iw --new-ca >"$T/b3"
! cmp -s "$T/b1" "$T/b3" && ok "certs --new-ca: a new CA" || bad "--new-ca kept the CA"

echo "certs-incluster: $pass passed, $fail failed"
[ $fail -eq 0 ]
