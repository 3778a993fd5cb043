#!/usr/bin/env bash
# Removed Ingress versions (issue 12, section 4): lint refuses them as kubectl
# does, naming networking.k8s.io/v1, and `convert` writes the v1 form that
# lints clean and routes as before.  The example is the one the Kubernetes
# docs showed before 1.19 (examples/docs-ingress-v1beta1.yaml, from
# https://kubernetes.io/docs/concepts/services-networking/ingress/ of 2019).
# usage: tests/suites/convert.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "$2")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    /' "$2" | head -n 40; }
same() {   # NAME WANT_RC EXPECTED -- CMD...: stdout compared whole, stderr to $T/err
  local name=$1 want=$2 exp=$3; shift 4
  NO_COLOR=1 "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ "$rc" = "$want" ] && diff -u "$exp" "$T/out" >"$T/diff"; then ok "$name"
  else bad "$name (exit $rc, want $want)" "$T/diff"; [ -s "$T/diff" ] || cat "$T/out" "$T/err"; fi
}

cat >"$T/want" <<'EOF'
examples/docs-ingress-v1beta1.yaml:1:13: error: Ingress default/test-ingress: no matches for kind "Ingress" in version "extensions/v1beta1" (removed in Kubernetes 1.22; every Kubernetes from 1.34 to 1.37 serves networking.k8s.io/v1: `ingress-warden convert FILE` writes it)
1 object checked, 1 denied: 1 error (1 from the API server's rules, 0 from checks, 0 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "lint denies the old docs example, naming networking.k8s.io/v1" 1 "$T/want" -- "$BIN" lint examples/docs-ingress-v1beta1.yaml

cat >"$T/want" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: test-ingress
  annotations:
    nginx.ingress.kubernetes.io/rewrite-target: /
spec:
  rules:
  - http:
      paths:
      - path: /testpath
        pathType: ImplementationSpecific
        backend:
          service:
            name: test
            port:
              number: 80
EOF
same "convert writes the networking.k8s.io/v1 form" 0 "$T/want" -- "$BIN" convert examples/docs-ingress-v1beta1.yaml
grep -qx "ingress-warden convert: 1 object converted to networking.k8s.io/v1, 1 document written" "$T/err" \
  && ok "convert says what it did on stderr" || bad "convert stderr" "$T/err"
cp "$T/out" "$T/v1.yaml"
cat >"$T/want" <<'EOF'
1 object checked, 0 denied: 0 errors (0 from the API server's rules, 0 from checks, 0 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "its output lints clean" 0 "$T/want" -- "$BIN" lint "$T/v1.yaml"
"$BIN" convert examples/docs-ingress-v1beta1.yaml 2>/dev/null | "$BIN" route -o json -f - --path /testpath >"$T/out" 2>&1
python3 - "$T/out" <<'EOP' && ok "route sends /testpath to service test port 80" || bad "route /testpath" "$T/out"
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["match"], d["ingress"], d["service"], d["port"]) == ("rule", "test-ingress", "test", 80), d
EOP
"$BIN" convert -o json examples/docs-ingress-v1beta1.yaml >"$T/v1.json" 2>/dev/null
python3 - "$T/v1.json" "$T/v1.yaml" <<'EOP' && ok "-o json: the same object" || bad "-o json" "$T/v1.json"
import json, sys, yaml
assert json.load(open(sys.argv[1])) == yaml.safe_load(open(sys.argv[2]))
EOP

# several documents: order kept, other kinds unchanged, List items converted,
# numbers and words that look like numbers stay what they were
cat >"$T/mixed.yaml" <<'EOF'
# a comment (not kept)
apiVersion: v1
kind: Service
metadata: {name: web, labels: {version: "1.0", enabled: "yes"}}
spec:
  ports: [{port: 80, name: http}]
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata:
  name: old
  namespace: shop
  annotations: {kubernetes.io/ingress.class: nginx}
spec:
  backend: {serviceName: web, servicePort: http}
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {serviceName: web, servicePort: 80}}
---
apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1beta1
  kind: IngressClass
  metadata: {name: nginx}
  spec: {controller: k8s.io/ingress-nginx}
EOF
cat >"$T/want" <<'EOF'
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    version: "1.0"
    enabled: "yes"
spec:
  ports:
  - port: 80
    name: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: old
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: nginx
spec:
  defaultBackend:
    service:
      name: web
      port:
        name: http
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
---
apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: IngressClass
  metadata:
    name: nginx
  spec:
    controller: k8s.io/ingress-nginx
EOF
same "several documents: order kept, others unchanged, a List's items converted" 0 "$T/want" -- "$BIN" convert "$T/mixed.yaml"
grep -qx "ingress-warden convert: 2 objects converted to networking.k8s.io/v1, 3 documents written" "$T/err" \
  && ok "convert counts what it converted" || bad "convert count" "$T/err"
"$BIN" convert - <"$T/mixed.yaml" >"$T/out2" 2>/dev/null && cmp -s "$T/out" "$T/out2" && ok "stdin: the same" || bad "stdin"
"$BIN" lint "$T/out" >"$T/lint.out" 2>&1; rc=$?
[ $rc = 0 ] && ! grep -q ": error: " "$T/lint.out" && ok "the converted documents lint without an error" || bad "lint of the converted (exit $rc)" "$T/lint.out"

# input errors: nothing is written
printf 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: a\n  name: b\n' >"$T/dup.yaml"
cat >"$T/want" <<'EOF'
EOF
same "an input error writes nothing" 2 "$T/want" -- "$BIN" convert "$T/dup.yaml"
grep -qx "ingress-warden convert: $T/dup.yaml:5:3: duplicate key \"name\"" "$T/err" && ok "and says where" || bad "dup message" "$T/err"
same "a directory is refused" 2 "$T/want" -- "$BIN" convert "$T"
same "two files are refused" 2 "$T/want" -- "$BIN" convert "$T/dup.yaml" "$T/mixed.yaml"

echo "convert: $pass passed, $fail failed"
[ "$fail" = 0 ]
