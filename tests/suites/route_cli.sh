#!/usr/bin/env bash
# `ingress-warden route` as a command: inputs, forms, outputs, usage errors.
# usage: tests/suites/route_cli.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
ING=tests/router/ingresses.json
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() {  # name, expected exit, command...
  local name=$1 want=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  [ "$rc" = "$want" ] && ok "$name" || { fail "$name (exit $rc, wanted $want)"; cat "$T/err"; }
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get(sys.argv[2]))' "$T/out" "$1"; }

check "--help" 0 "$BIN" route --help
grep -q '^usage: ingress-warden route' "$T/out" && ok "--help prints usage" || fail "--help text"
for bad in "" "-f $ING" "-f $ING -o yaml --host a --path /" "-f $ING --host a http://x/" "-f $ING --bogus" "-f"; do
  # shellcheck disable=SC2086
  check "usage error: route $bad" 2 "$BIN" route $bad
  [ "$(wc -l <"$T/err")" = 1 ] && ok "one-line reason: route $bad" || fail "reason lines: $(cat "$T/err")"
done
check "missing file" 2 "$BIN" route -f "$T/nope.json" --host a --path /
grep -q "$T/nope.json: error: cannot read: No such file or directory" "$T/err" && ok "missing file named" || fail "missing file message: $(cat "$T/err")"
echo '{"kind": "List", "items": [' >"$T/broken.json"
check "broken JSON" 2 "$BIN" route -f "$T/broken.json" --host a --path /
grep -q "broken.json:" "$T/err" && ok "broken JSON has its position" || fail "broken JSON message: $(cat "$T/err")"

check "URL form" 0 "$BIN" route -o json -f "$ING" 'http://APP.example.com:8080/foo/x?q=1'
[ "$(field service)" = foo-old ] && [ "$(field port)" = 8080 ] && ok "URL form decision" || fail "URL form: $(cat "$T/out")"
check "stdin" 0 "$BIN" route -o json -f - --host app.example.com --path /img/logo.png <"$ING"
[ "$(field service)" = img ] && [ "$(field port)" = http ] && ok "stdin decision, named port" || fail "stdin: $(cat "$T/out")"
mkdir -p "$T/dir/sub"; cp "$ING" "$T/dir/sub/a.json"; echo 'not a manifest' >"$T/dir/README"
check "directory" 0 "$BIN" route -o json -f "$T/dir" --host x.example.org --path /docs
[ "$(field service)" = wild-docs ] && ok "directory walked" || fail "directory: $(cat "$T/out")"
check "default decision" 0 "$BIN" route -o json -f "$ING" --host nowhere.test --path /
[ "$(field match)" = default ] && [ "$(field ingress)" = app ] && ok "oldest defaultBackend for an unknown host" || fail "default: $(cat "$T/out")"
check "none decision" 0 "$BIN" route -o json -f "$ING" --class nginx --host app.example.com --path /
[ "$(field match)" = none ] && ok "--class with no Ingress of that class" || fail "none: $(cat "$T/out")"
check "text explanation" 0 "$BIN" route -f "$ING" --host app.example.com --path /foo
grep -q 'loses: same path and type: the oldest creationTimestamp wins \[spec silent\]' "$T/out" \
  && grep -q '^decision: rule shop/app -> service foo-old:8080' "$T/out" \
  && ok "text lists the losing candidate and why" || fail "text: $(cat "$T/out")"
check "no fall-through explained" 0 "$BIN" route -o json -f "$ING" --host app.example.com --path /public
[ "$(field match)" = default ] && field reason | grep -q 'no fall-through to rules without a host \[spec silent\]' \
  && ok "no fall-through said in the reason" || fail "fall-through: $(cat "$T/out")"
cat >"$T/multi.yaml" <<'EOY'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: y1, namespace: web, annotations: {kubernetes.io/ingress.class: nginx}}
spec:
  rules:
  - host: y.example.com
    http:
      paths:
      - {path: /a, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: y2, namespace: web}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: d, port: {name: http}}}
EOY
check "YAML, several documents" 0 "$BIN" route -o json -f "$T/multi.yaml" --class nginx --host Y.example.com --path /a/b
[ "$(field service)" = a ] && ok "YAML decision" || fail "YAML: $(cat "$T/out")"
check "YAML default" 0 "$BIN" route -o json -f "$T/multi.yaml" --class nginx --host other --path /
[ "$(field service)" = d ] && [ "$(field port)" = http ] && ok "YAML second document" || fail "YAML 2: $(cat "$T/out")"
printf 'a: [1\nb: 2\n' >"$T/bad.yaml"
check "YAML syntax error" 2 "$BIN" route -f "$T/bad.yaml" --host a --path /
grep -q "bad.yaml:2:" "$T/err" && ok "YAML error has its line" || fail "YAML error: $(cat "$T/err")"
long=$(python3 -c 'print("/" + "a" * 9000)')
check "path too long" 2 "$BIN" route -f "$ING" --host a --path "$long"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
