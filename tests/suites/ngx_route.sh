#!/usr/bin/env bash
# route --controller ingress-nginx on the ingress-nginx documentation's own
# examples (tests/router/ngx-docs/, copied from /work/staging/profiles with
# their source lines: docs/user-guide/ingress-path-matching.md,
# docs/examples/canary/README.md, docs/examples/rewrite/README.md of
# kubernetes/ingress-nginx controller-v1.15.1): the decisions the docs
# describe, whole JSON objects; then route --compare (text and JSON) and the
# usage errors.
# usage: tests/suites/ngx_route.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
D=tests/router/ngx-docs
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# route: FILES... -- HOST PATH -- WANT (compact JSON without "reason")
check() {
  local files=() host path want got
  while [ "$1" != -- ]; do files+=(-f "$1"); shift; done; shift
  host=$1 path=$2 want=$4
  got=$("$BIN" route --controller ingress-nginx -o json "${files[@]}" --host "$host" --path "$path" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("reason",None); print(json.dumps(d,separators=(",",":")))')
  [ "$got" = "$want" ] && ok "$host$path" || fail "$host$path: want $want, got $got"
}
R='"status":200,"profile":"ingress-nginx"'
# ingress-path-matching.md lines 104-125: the location order and what each URI reaches
check $D/path-priority-1.yaml $D/path-priority-2.yaml -- test.com /foo/bar/1 -- \
  '{"match":"rule","namespace":"default","ingress":"test-ingress-2","service":"service3","port":80,"rule":{"host":"test.com","path":"/foo/bar/(.+)","pathType":"ImplementationSpecific"},'"$R"'}'
check $D/path-priority-1.yaml $D/path-priority-2.yaml -- test.com /foo/bar/ -- \
  '{"match":"rule","namespace":"default","ingress":"test-ingress-1","service":"service2","port":80,"rule":{"host":"test.com","path":"/foo/bar/","pathType":"Prefix"},'"$R"'}'
check $D/path-priority-1.yaml $D/path-priority-2.yaml -- test.com /foo/bar -- \
  '{"match":"rule","namespace":"default","ingress":"test-ingress-1","service":"service1","port":80,"rule":{"host":"test.com","path":"/foo/bar","pathType":"Prefix"},'"$R"'}'
# "IMPORTANT NOTES": the case-insensitive modifier applies to every path of the host
check $D/path-priority-1.yaml $D/path-priority-2.yaml -- test.com /FOO/BAR -- \
  '{"match":"rule","namespace":"default","ingress":"test-ingress-1","service":"service1","port":80,"rule":{"host":"test.com","path":"/foo/bar","pathType":"Prefix"},'"$R"'}'
# test-ingress-1 alone: Prefix /foo/bar and /foo/bar/ on a host without regex: nginx refuses it
check $D/path-priority-1.yaml -- test.com /foo/bar -- '{"match":"none","profile":"ingress-nginx"}'
reason=$("$BIN" route --controller ingress-nginx -o json -f $D/path-priority-1.yaml --host test.com --path /foo/bar \
         | python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])')
[ "$reason" = 'nginx refuses this configuration (duplicate location "/foo/bar/" in server "test.com"): the outcome is that of the previous configuration [ingress-nginx]' ] \
  && ok "refused configuration: reason" || fail "refused configuration: reason: $reason"
# "Warning": /foo/bar/bar reaches the first regex, not the longest path
check $D/path-first-match-warning.yaml -- test.com /foo/bar/bar -- \
  '{"match":"rule","namespace":"default","ingress":"test-ingress-3","service":"test","port":80,"rule":{"host":"test.com","path":"/foo/bar/[A-Z0-9]{3}","pathType":"ImplementationSpecific"},'"$R"'}'
# canary/README.md: weight 50: a random half goes to the canary; the main backend is reported
check $D/canary-production.yaml $D/canary-weight-50.yaml -- echo.prod.mydomain.com / -- \
  '{"match":"rule","namespace":"default","ingress":"production","service":"production","port":80,"rule":{"host":"echo.prod.mydomain.com","path":"/","pathType":"Prefix"},'"$R"'}'
# rewrite/README.md: app-root 302 for /, and the capture-group path
check $D/app-root.yaml -- approot.bar.com / -- '{"match":"none","status":302,"profile":"ingress-nginx"}'
check $D/rewrite-target-capture-groups.yaml -- rewrite.bar.com /something/new -- \
  '{"match":"rule","namespace":"default","ingress":"rewrite","service":"http-svc","port":80,"rule":{"host":"rewrite.bar.com","path":"/something(/|$)(.*)","pathType":"ImplementationSpecific"},'"$R"'}'
check $D/rewrite-target-capture-groups.yaml -- rewrite.bar.com /somethingelse -- \
  '{"match":"none","status":404,"profile":"ingress-nginx"}'
# a configuration-snippet (risk Critical): the Ingress is not served
check $D/configuration-snippet.yaml -- custom.configuration.com / -- \
  '{"match":"none","status":404,"profile":"ingress-nginx"}'
"$BIN" route --controller ingress-nginx -f $D/configuration-snippet.yaml --host custom.configuration.com --path / >"$T/snip.txt"
grep -qF 'note: default/nginx-configuration-snippet is not served: nginx.ingress.kubernetes.io/configuration-snippet: its risk is above the level High (annotations-risk-level) [ingress-nginx]' "$T/snip.txt" \
  && ok "explanation names the Ingress the controller drops" || { fail "snippet explanation"; cat "$T/snip.txt"; }

# route --compare: text (summary, both explanations of a difference) and JSON
"$BIN" route --compare spec,ingress-nginx -f examples/leaving-ingress-nginx.yaml >"$T/cmp.txt"; rc=$?
[ $rc = 1 ] && [ "$(tail -n 1 "$T/cmp.txt")" = "43 requests compared, 19 reach another outcome under ingress-nginx than under spec" ] \
  && ok "compare: $(tail -n 1 "$T/cmp.txt")" || fail "compare text (exit $rc): $(tail -n 1 "$T/cmp.txt")"
sed -n '/^shop.example.com\/api\/v1%2Fstatus /,/^$/p' "$T/cmp.txt" >"$T/one.txt"
grep -qx '  spec: none' "$T/one.txt" && grep -qx '  ingress-nginx: team-a/storefront/status:80' "$T/one.txt" \
  && grep -qF '    |          path "/api/v1%2Fstatus" -> "/api/v1%2Fstatus"' "$T/one.txt" \
  && grep -qF '    |          path "/api/v1%2Fstatus" -> "/api/v1/status" (every %XX decoded (%2F is a '"'"'/'"'"')) [ingress-nginx]' "$T/one.txt" \
  && ok "compare: %2F, with both explanations" || { fail "compare %2F"; cat "$T/one.txt"; }
"$BIN" route --compare spec,ingress-nginx -o json -f examples/leaving-ingress-nginx.yaml >"$T/cmp.json"; rc=$?
python3 - "$T/cmp.json" <<'EOP' && [ $rc = 1 ] && ok "compare -o json" || fail "compare -o json (exit $rc)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["compare"] == ["spec", "ingress-nginx"], d["compare"]
assert d["summary"] == {"requests": 43, "differ": 19, "undecided": 0, "truncated": False}, d["summary"]
e = [x for x in d["differences"] if x["path"] == "/docs"][0]
assert e["spec"]["outcome"] == "team-a/storefront/docs:80" and e["spec"]["match"] == "rule"
assert e["ingress-nginx"]["outcome"] == "none" and e["ingress-nginx"]["status"] == 404
assert e["ingress-nginx"]["explanation"].startswith("profile: ingress-nginx")
assert "regex mode" in e["ingress-nginx"]["explanation"]
EOP
# the same semantics on both sides: nothing to report, exit 0
cat >"$T/same.yaml" <<'EOY'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
EOY
"$BIN" route --compare spec,ingress-nginx -f "$T/same.yaml" >"$T/same.txt"; rc=$?
[ $rc = 0 ] && grep -qE '^[0-9]+ requests compared, 0 reach another outcome' "$T/same.txt" \
  && ok "compare: no difference, exit 0" || { fail "compare same (exit $rc)"; cat "$T/same.txt"; }

# usage errors: one line, exit 2
for args in "--controller aws-alb --host a --path /" "--controller nosuch --host a --path /" \
            "--compare spec" "--compare spec,gce" "--compare spec,ingress-nginx --host a"; do
  "$BIN" route -f "$T/same.yaml" $args >/dev/null 2>"$T/err"; rc=$?
  [ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ] && ok "usage: $args" || fail "usage: $args (exit $rc) $(cat "$T/err")"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
