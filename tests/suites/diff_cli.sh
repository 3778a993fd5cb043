#!/usr/bin/env bash
# `ingress-warden diff`: the three uses on hand-made examples (tests/diff/), outputs,
# exit status, usage and input errors.
# usage: tests/suites/diff_cli.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
D=tests/diff
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
check() {  # name, expected exit, command...
  local name=$1 want=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  [ "$rc" = "$want" ] && ok "$name" || { fail "$name (exit $rc, wanted $want)"; cat "$T/err"; head -20 "$T/out"; }
}
# the causes and counts of a JSON report: "cause=count;..."
causes() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(";".join("%s=%d" % (c["cause"], c["count"]) for c in d["causes"]))' "$T/out"; }
# one difference of a JSON report, as "host path: old-target -> new-target"
has() {  # name, cause, host, path, old target, new target
  python3 - "$T/out" "$@" <<'PY' && ok "$1" || fail "$1: $(cat "$T/out" | head -c 2000)"
import json, sys
d = json.load(open(sys.argv[1])); name, cause, host, path, old, new = sys.argv[2:8]
for c in d["causes"]:
    if c["cause"] != cause:
        continue
    for r in c["requests"]:
        if r["request"]["host"] == host and r["request"]["path"] == path and \
           r["old"]["target"] == old and r["new"]["target"] == new and \
           (r["old"]["where"] or r["new"]["where"]) and r["old"]["why"] and r["new"]["why"]:
            sys.exit(0)
sys.exit(1)
PY
}

check "--help" 0 "$BIN" diff --help
grep -q '^usage: ingress-warden diff OLD... --to NEW...' "$T/out" && ok "--help prints usage" || fail "--help"
for bad in "" "$D/same-ingress.yaml" "--to $D/same-ingress.yaml" "$D/same-ingress.yaml --to $D/same-ingress.yaml -o yaml" \
           "$D/same-ingress.yaml --to $D/same-ingress.yaml --bogus" "$D/same-ingress.yaml --to $D/same-httproute.yaml --new-controller ingress-nginx" \
           "$D/same-ingress.yaml --to $D/same-httproute.yaml --old-controller envoy-gateway" ; do
  # shellcheck disable=SC2086
  check "usage error: diff $bad" 2 "$BIN" diff $bad
  [ "$(wc -l <"$T/err")" = 1 ] && ok "one-line reason: $bad" || fail "reason lines: $(cat "$T/err")"
done
# input errors: each at its place (as route and lint say them), then a summary
check "missing file" 2 "$BIN" diff "$T/nope.yaml" --to "$D/same-ingress.yaml"
printf 'ingress-warden diff: %s/nope.yaml: error: cannot read: No such file or directory\ningress-warden diff: 1 input error (above)\n' "$T" >"$T/want"
diff -u "$T/want" "$T/err" >/dev/null && ok "missing file named" || fail "missing: $(cat "$T/err")"
check "not a manifest" 2 "$BIN" diff "$D/same-ingress.yaml" --to tests/corpus/README.md
grep -q '^ingress-warden diff: tests/corpus/README.md:[0-9]*:[0-9]*: error: ' "$T/err" &&
  [ "$(tail -n 1 "$T/err")" = "ingress-warden diff: 1 input error (above)" ] && [ ! -s "$T/out" ] &&
  ok "not a manifest: the place, then a summary" || fail "not a manifest: $(cat "$T/err")"
# an object the API server would refuse: an error at its field, unless --allow-invalid
cat >"$T/bad-ingress.yaml" <<'EOY'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bad, namespace: web}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
EOY
check "refused Ingress" 2 "$BIN" diff "$T/bad-ingress.yaml" --to "$D/same-ingress.yaml"
grep -q "^ingress-warden diff: $T/bad-ingress.yaml:9:16: error: Ingress web/bad: spec.rules\[0\].http.paths\[0\].path: Invalid value: \"api\": must be an absolute path$" "$T/err" &&
  ok "refused Ingress: error at its field" || fail "refused Ingress: $(cat "$T/err")"
check "refused Ingress, --allow-invalid" 1 "$BIN" diff --allow-invalid "$T/bad-ingress.yaml" --to "$D/same-ingress.yaml"
grep -q "^ingress-warden diff: $T/bad-ingress.yaml:9:16: warning: Ingress web/bad: " "$T/err" &&
  ok "refused Ingress, --allow-invalid: a warning" || fail "refused Ingress --allow-invalid: $(cat "$T/err")"

# a migration that keeps every route: exit 0 (named ports resolved through the Service)
check "migration, equivalent" 0 "$BIN" diff "$D/same-ingress.yaml" --to "$D/same-httproute.yaml"
grep -q '^[0-9]* requests checked, 0 differ$' "$T/out" && ok "equivalent: 0 differ" || fail "equivalent: $(tail -1 "$T/out")"
check "the same files" 0 "$BIN" diff "$D/same-httproute.yaml" --to "$D/same-httproute.yaml" --old-controller spec --new-controller spec

# a migration: *.example.com covers one label under Ingress, any depth under Gateway API
check "migration, wildcard depth" 1 "$BIN" diff -o json "$D/wildcard-ingress.yaml" --to "$D/wildcard-httproute.yaml"
[ "$(causes)" = "wildcard depth: *.domain matches one label under Ingress, any number under Gateway API=3" ] &&
  ok "wildcard depth is the only cause" || fail "wildcard causes: $(causes)"
has "wildcard depth: y.x.example.com/" "wildcard depth: *.domain matches one label under Ingress, any number under Gateway API" \
  y.x.example.com / "404 (no rule: the controller's default backend)" "service web/tenants:80"
# a migration: Exact /foo against a longer Prefix /foo/
check "migration, Exact-versus-prefix" 1 "$BIN" diff -o json "$D/exact-ingress.yaml" --to "$D/exact-httproute.yaml"
has "Exact /foo against Prefix /foo/" "Exact-versus-longest-prefix precedence" app.example.com /foo \
  "service web/prefix:80" "service web/exact:80"
[ "$(causes)" = "Exact-versus-longest-prefix precedence=2" ] && ok "precedence is the only cause" || fail "precedence causes: $(causes)"
# a migration: an exact host without the path lets the wildcard's route serve (Gateway API), not the Ingress
check "migration, fall-through" 1 "$BIN" diff -o json "$D/wildcard-ingress.yaml" "$D/exact-ingress.yaml" --to "$D/wildcard-httproute.yaml" "$D/exact-httproute.yaml"
has "app.example.com/ falls through to *.example.com" "fall-through: Ingress stops at the most specific host that matches, Gateway API lets a less specific hostname's route serve" \
  app.example.com / "404 (no rule: the controller's default backend)" "service web/tenants:80"
# ... also when the Ingress side answers with its defaultBackend; an Exact rule against another
# object's prefix (the other side's Exact rule has a header condition) is no precedence question
check "migration, fall-through to a defaultBackend" 1 "$BIN" diff -o json "$D/default-ingress.yaml" --to "$D/default-httproute.yaml"
has "shop.example.com/apix: defaultBackend against the wildcard's route" "fall-through: Ingress stops at the most specific host that matches, Gateway API lets a less specific hostname's route serve" \
  shop.example.com /apix "service web/fallback:80" "service web/tenant:80"
has "host case: the same fall-through" "fall-through: Ingress stops at the most specific host that matches, Gateway API lets a less specific hostname's route serve" \
  SHOP.EXAMPLE.COM / "service web/fallback:80" "service web/tenant:80"
has "Exact /login against another route's prefix" "another rule serves the request" shop.example.com /login \
  "service web/auth:80" "service web/tenant:80"
# a change under review: main's Ingresses against a branch's
check "change under review" 1 "$BIN" diff -o json "$D/review-main.yaml" --to "$D/review-branch.yaml"
has "the branch's Exact /api leaves /api/x to /" "another rule serves the request" shop.example.com /api/x \
  "service web/api:80" "service web/web:80"
has "another team's Ingress takes /api/v2" "another rule serves the request" shop.example.com /api/v2 \
  "service web/api:80" "service team-b/api-v2:80"
has "Exact /api no longer takes /api/" "trailing slash" shop.example.com /api/ "service web/api:80" "service web/web:80"
# a controller switch among Gateway API implementations: where RegularExpression ranks
check "controller switch (Gateway API)" 1 "$BIN" diff -o json tests/gateway/profiles.yaml --to tests/gateway/profiles.yaml --new-controller envoy-gateway
has "envoy-gateway: a regex before a longer prefix" "RegularExpression precedence" shop.example.com /api/v1 \
  "service web/api:80" "service web/api-regex:80"
has "envoy-gateway: no fall-through" "one virtual host per hostname: no fall-through to less specific hostnames" \
  shop.example.com /cart "service web/web:80" "404 (no rule)"
# leaving ingress-nginx (the emulation of route --controller ingress-nginx decides the old side):
# a migration to the HTTPRoutes ingress2gateway writes.  team-b's use-regex puts the whole host in
# regex mode: every location caseless, so upper case reaches team-a's status; Gateway API: 404
E=examples/leaving-ingress-nginx
check "ingress-nginx to Gateway API" 1 "$BIN" diff -o json "$E.yaml" --old-controller ingress-nginx --to "$E-gateway.yaml"
has "a caseless regex location: /API/V1/STATUS" "path case (case-insensitive matching)" shop.example.com /API/V1/STATUS \
  "service team-a/status:80" "404 (no rule)"
has "regex mode: Exact /api/v1/status is a prefix under ingress-nginx" "string prefix versus element-wise prefix" \
  shop.example.com /api/v1/statusx "service team-a/status:80" "404 (no rule)"
has "nginx decodes %2F before matching" "percent-encoded path" shop.example.com /api/v1%2Fstatus \
  "service team-a/status:80" "404 (no rule)"
# a dropped trailing-slash redirect: nginx answers /guide with a 301 to /guide/; PathPrefix
# /guide/ serves /guide.  Whole output.
check "dropped trailing-slash redirect" 1 "$BIN" diff "$D/nginx-slash-ingress.yaml" --old-controller ingress-nginx --to "$D/nginx-slash-httproute.yaml"
cat >"$T/want" <<EOT
old: 1 Ingress under ingress-nginx
new: 1 HTTPRoute on 1 Gateway under spec

trailing-slash redirect: 1 request
  GET http://docs.example.com/guide    (the path without its trailing slash)
    old: redirect (301)
         why: 301 redirect to "/guide/": location "/guide/" ends in '/' and no location is named "/guide" [ingress-nginx]
    new: service web/docs:80  <- HTTPRoute web/docs-docs-example-com ($D/nginx-slash-httproute.yaml:16) spec.rules[0].matches[0] PathPrefix /guide/ on hostname docs.example.com
         why: PathPrefix /guide/ matches /guide on hostname docs.example.com

9 requests checked, 1 differ
EOT
diff -u "$T/want" "$T/out" >"$T/d" && ok "the 301 against the route, whole report" || fail "slash redirect: $(cat "$T/d")"
# a controller switch to another Ingress controller: the same Ingresses under spec
check "ingress-nginx to spec" 1 "$BIN" diff -o json "$E.yaml" --to "$E.yaml" --old-controller ingress-nginx --new-controller spec
has "spec: Exact /api/v1/status is case-sensitive" "path case (case-insensitive matching)" shop.example.com /API/V1/STATUS \
  "service team-a/status:80" "404 (no rule: the controller's default backend)"
# Ingresses of no class: ingress-nginx serves none of them (its class is nginx), and says so
check "ingress-nginx ignores class-less Ingresses" 1 "$BIN" diff "$D/review-main.yaml" --old-controller ingress-nginx --to "$D/review-main.yaml"
[ "$(head -n 2 "$T/out")" = "old: 1 Ingress under ingress-nginx, 0 of them of a class it serves
new: 1 Ingress under spec" ] && ok "the class selection said" || fail "class selection: $(head -n 2 "$T/out")"
check "a profile without a router" 2 "$BIN" diff "$E.yaml" --to "$E.yaml" --new-controller traefik
[ "$(cat "$T/err")" = "ingress-warden diff: --new-controller 'traefik': routing is emulated for spec and ingress-nginx only" ] &&
  ok "traefik: said" || fail "traefik: $(cat "$T/err")"

# text: the causes, each request with both outcomes and where they come from, the summary
check "text report" 1 "$BIN" diff "$D/exact-ingress.yaml" --to "$D/exact-httproute.yaml"
grep -q '^Exact-versus-longest-prefix precedence: 2 requests$' "$T/out" &&
  grep -q '^  GET http://app.example.com/foo    (a configured path)$' "$T/out" &&
  grep -q "^    old: service web/prefix:80  <- Ingress web/app ($D/exact-ingress.yaml:1) Prefix /foo/ on host app.example.com$" "$T/out" &&
  grep -q "^    new: service web/exact:80  <- HTTPRoute web/app ($D/exact-httproute.yaml:6) spec.rules\[0\].matches\[0\] Exact /foo on hostname app.example.com$" "$T/out" &&
  grep -q '^11 requests checked, 2 differ$' "$T/out" && ok "text lists each request" || fail "text: $(cat "$T/out")"
check "--max 1" 1 "$BIN" diff --max 1 "$D/exact-ingress.yaml" --to "$D/exact-httproute.yaml"
grep -q '^  ... and 1 more$' "$T/out" && ok "--max keeps counting" || fail "--max: $(cat "$T/out")"
echo "diff-cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
