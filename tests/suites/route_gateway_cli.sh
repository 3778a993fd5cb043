#!/usr/bin/env bash
# `ingress-warden route --gateway-api`: forms, outputs, profiles, usage and input errors.
# usage: tests/suites/route_gateway_cli.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
P=tests/gateway/profiles.yaml
N=tests/gateway/ngf.yaml
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() {  # name, expected exit, command...
  local name=$1 want=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  [ "$rc" = "$want" ] && ok "$name" || { fail "$name (exit $rc, wanted $want)"; cat "$T/err"; }
}
# the outcome of a request: "STATUS SERVICE" from -o json
outcome() {
  "$BIN" route --gateway-api -o json "$@" 2>"$T/err" |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["service"] or d["redirect"] or "-")'
}
expect() {  # name, wanted outcome, route args...
  local name=$1 want=$2; shift 2
  local got; got=$(outcome "$@")
  [ "$got" = "$want" ] && ok "$name" || fail "$name: got '$got', wanted '$want'"
}

check "--help" 0 "$BIN" route --gateway-api --help
grep -q '^usage: ingress-warden route --gateway-api' "$T/out" && ok "--help prints usage" || fail "--help text"
for bad in "" "-f $P" "-f $P --host a" "-f $P --host a --path / -o yaml" "-f $P --host a --path / --controller traefik" \
           "-f $P --host a --path / --header novalue" "-f $P --host a --path / --port 0" "-f $P --host a --path / --bogus"; do
  # shellcheck disable=SC2086
  check "usage error: route --gateway-api $bad" 2 "$BIN" route --gateway-api $bad
  [ "$(wc -l <"$T/err")" = 1 ] && ok "one-line reason: $bad" || fail "reason lines: $(cat "$T/err")"
done
check "missing file" 2 "$BIN" route --gateway-api -f "$T/nope.yaml" --host a --path /
grep -q "^ingress-warden route: $T/nope.yaml: error: cannot read: No such file or directory$" "$T/err" && ok "missing file named" || fail "missing file: $(cat "$T/err")"
printf 'kind: HTTPRoute\n  bad: [\n' >"$T/broken.yaml"
check "broken YAML" 2 "$BIN" route --gateway-api -f "$T/broken.yaml" --host a --path /
grep -q "broken.yaml:[0-9]*:[0-9]*: " "$T/err" && ok "broken YAML has its position" || fail "broken: $(cat "$T/err")"
check "no Gateway" 2 "$BIN" route --gateway-api -f tests/router/ingresses.json --host a --path /
grep -q "no Gateway in the files" "$T/err" && ok "no Gateway said" || fail "no Gateway: $(cat "$T/err")"
check "unknown --gateway" 2 "$BIN" route --gateway-api -f "$P" --gateway infra/other --host a --path /
grep -q "no Gateway 'infra/other'" "$T/err" && ok "unknown Gateway named" || fail "--gateway: $(cat "$T/err")"

# the text explanation: request, listener, candidates with why each lost, decision, reason
check "text" 0 "$BIN" route --gateway-api -f "$P" --host SHOP.example.com:8080 --path '/api//v1/./x?debug=1'
grep -q '^request: host "SHOP.example.com:8080" -> "shop.example.com" (port removed, host lower-cased)' "$T/out" &&
  grep -q '^         path "/api//v1/./x?debug=1" -> "/api/v1/x" (query/fragment ignored, runs of .* merged, dot segments removed)' "$T/out" &&
  grep -q '^         method GET, query debug=1$' "$T/out" &&
  grep -q '^listener: \* infra/gw http (HTTP, port 80, hostname (none)): chosen$' "$T/out" &&
  grep -q '^  \* web/app spec.rules\[0\].matches\[0\] PathPrefix /api (hostname shop.example.com) -> service web/api:80: matches; chosen$' "$T/out" &&
  grep -q '^    web/app spec.rules\[1\].matches\[0\] RegularExpression /api/v\[0-9\]+ (hostname shop.example.com) -> service web/api-regex:80: does not match (path)$' "$T/out" &&
  grep -q '^  - web/catchall spec.rules\[0\].matches\[0\] PathPrefix / -> service web/web:80: matches, loses: a matching non-wildcard hostname with more characters wins$' "$T/out" &&
  grep -q '^decision: rule web/app spec.rules\[0\] -> service web/api:80$' "$T/out" &&
  ok "text explains every step" || { fail "text"; cat "$T/out"; }

check "json" 0 "$BIN" route --gateway-api -o json -f "$P" --host shop.example.com --path /api/v7
python3 - "$T/out" <<'PY' && ok "json fields" || fail "json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
want = {"match": "rule", "kind": "HTTPRoute", "route": "app", "route_namespace": "web",
        "namespace": "web", "service": "api", "port": 80, "status": 200, "redirect": None,
        "backends": [{"namespace": "web", "service": "api", "port": 80, "weight": 1}],
        "name": "app",
        "rule": {"host": "shop.example.com", "hostname": "shop.example.com", "path": "/api", "pathType": "PathPrefix", "index": 0, "match": 0},
        "listener": {"gateway": "gw", "gateway_namespace": "infra", "port": 80, "name": "http"},
        "profile": "spec"}
for k, v in want.items():
    assert d[k] == v, (k, d[k], v)
assert d["reason"].startswith("PathPrefix /api matches /api/v7 on hostname shop.example.com; "), d["reason"]
PY

# profiles: where the specification leaves the order to the implementation
expect "spec: the longer PathPrefix wins over a RegularExpression" "200 api" -f "$P" --host shop.example.com --path /api/v1
expect "envoy-gateway: RegularExpression before PathPrefix" "200 api-regex" -f "$P" --host shop.example.com --path /api/v1 --controller envoy-gateway
expect "envoy-gateway: the regex matches the whole path" "200 api" -f "$P" --host shop.example.com --path /api/v1/x --controller envoy-gateway
expect "istio: PathPrefix before RegularExpression" "200 api" -f "$P" --host shop.example.com --path /api/v1 --controller istio
expect "nginx-gateway-fabric: a regex location before a prefix one" "200 api-regex" -f "$P" --host shop.example.com --path /api/v1 --controller nginx-gateway-fabric
expect "nginx-gateway-fabric: the regex is anchored at the start only" "200 api-regex" -f "$P" --host shop.example.com --path /api/v1/x --controller nginx-gateway-fabric
expect "spec: a hostname without a matching rule falls through" "200 web" -f "$P" --host shop.example.com --path /about
for p in envoy-gateway istio nginx-gateway-fabric; do
  expect "$p: one virtual host per hostname, no fall-through" "404 -" -f "$P" --host shop.example.com --path /about --controller "$p"
  expect "$p: another host reaches the catch-all" "200 web" -f "$P" --host other.example.com --path /about --controller "$p"
done
expect "spec: a method-only rule does not match GET" "200 web" -f "$P" --host shop.example.com --path /cart
expect "spec: POST /cart" "200 cart" -f "$P" --host shop.example.com --path /cart --method POST
expect "nginx-gateway-fabric: the location /cart has no match for GET" "404 -" -f "$P" --host shop.example.com --path /cart --controller nginx-gateway-fabric
expect "spec: PathPrefix /docs/ matches /docs" "200 docs" -f "$N" --host www.example.com --path /docs
expect "nginx-gateway-fabric: PathPrefix /docs/ is only the location /docs/" "200 web" -f "$N" --host www.example.com --path /docs --controller nginx-gateway-fabric
expect "spec: header regexes match the whole value" "200 v2-prefix" -f "$N" --host www.example.com --path /v2 --header x-env=preprod
expect "nginx-gateway-fabric: header regexes are searched" "200 v2-exact" -f "$N" --host www.example.com --path /v2 --header X-Env=preprod --controller nginx-gateway-fabric
expect "nginx-gateway-fabric: the Exact location has no match without the header" "404 -" -f "$N" --host www.example.com --path /v2 --controller nginx-gateway-fabric
expect "spec: a wildcard listener takes a deeper name" "200 web" -f "$N" --host a.b.example.com --path /x
expect "spec: the listener hostname refuses other names" "404 -" -f "$N" --host example.com --path /x

# objects the API server refuses: errors at their fields (exit 2), as route says
# of Ingresses; with --allow-invalid, warnings and the object left out
cat >"$T/refused.yaml" <<'EOY'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: x
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bad}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /a//b}}]
    backendRefs: [{name: s, port: 80}]
EOY
check "refused route" 2 "$BIN" route --gateway-api -f "$T/refused.yaml" --host a --path /a/b
grep -q "^ingress-warden route: $T/refused.yaml:14:16: error: HTTPRoute default/bad: spec.rules\[0\].matches\[0\].path: Invalid value: \"object\": must not contain '//' when type one of \['Exact', 'PathPrefix'\]$" "$T/err" &&
  grep -q "^ingress-warden route: 1 object the API server would refuse (above); --allow-invalid routes it as written (Gateway API objects: left out)$" "$T/err" &&
  [ ! -s "$T/out" ] && ok "refused route: error at its field" || fail "refused: $(cat "$T/err" "$T/out")"
check "refused route, --allow-invalid" 0 "$BIN" route --gateway-api --allow-invalid -f "$T/refused.yaml" --host a --path /a/b
grep -q "^ingress-warden route: $T/refused.yaml:14:16: warning: HTTPRoute default/bad: spec.rules\[0\].matches\[0\].path: Invalid value" "$T/err" &&
  grep -q '^decision: none -> 404$' "$T/out" && ok "refused route left out with its reason" || fail "refused: $(cat "$T/err" "$T/out")"
# a regular expression that does not compile: a note, and the match never matches
cat >"$T/regex.yaml" <<'EOY'
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: x, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: re}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: RegularExpression, value: "/(a"}}]
    backendRefs: [{name: s, port: 80}]
EOY
check "broken regex" 0 "$BIN" route --gateway-api -f "$T/regex.yaml" --host a --path /a
grep -q '^note: HTTPRoute default/re spec.rules\[0\].matches\[0\].path.value: regular expression /(a: missing ) at offset 3: the match never matches' "$T/out" &&
  grep -q 'does not match (its regular expression does not compile)' "$T/out" && ok "broken regex noted" || fail "regex: $(cat "$T/out")"
echo "route-gateway-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
