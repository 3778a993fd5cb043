#!/usr/bin/env bash
# The policy checks through `lint`: across the files given, against a cluster
# snapshot (--against), with a policy file (--config), and the offline audit
# of a snapshot.   usage: tests/suites/checks_lint.sh BUILD_DIR BINARY
set -uo pipefail
BIN=$2
D=tests/checks
pass=0; fail=0
out=$(mktemp); trap 'rm -f "$out"' EXIT

# t NAME WANT_RC GREP_PATTERN|!GREP_PATTERN -- ARGS...
t() {
  local name=$1 want=$2 pat=$3; shift 4
  "$BIN" lint "$@" >"$out" 2>&1; local rc=$?
  local okp=1
  if [ "${pat:0:1}" = "!" ]; then grep -qE -- "${pat:1}" "$out" && okp=0
  else grep -qE -- "$pat" "$out" || okp=0; fi
  if [ $rc -eq "$want" ] && [ $okp -eq 1 ]; then pass=$((pass + 1)); echo "ok   $name"
  else fail=$((fail + 1)); echo "FAIL $name (rc $rc, want $want; pattern '$pat')"; sed 's/^/    /' "$out"; fi
}

t "Exact /api in team-b takes /api from Prefix /api in team-a (across files)" 1 \
  'team-b-exact.yaml:12:[0-9]+: error: Ingress team-b/grab: host-path-conflict: Exact /api on host "shop.example.com" takes requests for "/api" from ingress team-a/web' \
  -- $D/team-a.yaml $D/team-b-exact.yaml
t "the conflict is reported once, on the object that takes the route" 1 '1 error \(0 from the API server.s rules, 1 from checks, 0 input\), 0 warnings' \
  -- $D/team-a.yaml $D/team-b-exact.yaml
t "Prefix /api next to Prefix /apis: no conflict" 0 '0 errors \(0 from the API server.s rules, 0 from checks, 0 input\), 0 warnings' \
  -- $D/team-a.yaml $D/team-b-apis.yaml
t "same namespace: a warning, not a denial" 0 'warning: Ingress [a-z0-9-]+/[a-z0-9-]+: host-path-conflict' \
  -- $D/team-a.yaml $D/team-a-same-ns.yaml
t "a directory is walked and its files checked against each other" 1 'host-path-conflict' \
  -- $D
t "JSON output carries the finding" 1 '"check":"host-path-conflict","severity":"error","field":"spec.rules\[0\].http.paths\[0\]"' \
  -- -o json $D/team-a.yaml $D/team-b-exact.yaml
t "--against: a change checked against a cluster snapshot" 1 \
  'error: Ingress team-b/grab: host-path-conflict: Exact /api on host "shop.example.com" is already served by ingress team-c/late' \
  -- --against $D/cluster.json $D/team-b-exact.yaml
t "--against: an UPDATE never conflicts with its own old version" 0 '!host-path-conflict' \
  -- --against $D/cluster.json $D/web-update.yaml
t "--against: Services known from the snapshot: a missing one is reported" 0 \
  'warning: Ingress [a-z0-9-]+/[a-z0-9-]+: dangling-service: service "team-b/apis" does not exist' \
  -- --against $D/cluster.json $D/team-b-apis.yaml
t "--against: the default IngressClass of the snapshot counts" 0 '!no-ingress-class' \
  -- --against $D/cluster.json $D/team-b-apis.yaml
t "without --against, Services in no snapshot: no dangling-service" 0 '!dangling-service' \
  -- $D/team-b-apis.yaml
t "--config: host-path-conflict lowered to a warning" 0 'warning: Ingress [a-z0-9-]+/[a-z0-9-]+: host-path-conflict' \
  -- --config $D/lenient.conf $D/team-a.yaml $D/team-b-exact.yaml
t "--config: a check turned off" 0 '!dangling-service' \
  -- --config $D/lenient.conf --against $D/cluster.json $D/team-b-apis.yaml
printf 'checks:\n  no-such-check: off\n' >"$out.cfg"
t "--config: an unknown check ID is a usage error naming file:line" 2 "$out.cfg:2:3: error: unknown check" \
  -- --config "$out.cfg" $D/team-a.yaml
rm -f "$out.cfg"
t "audit: conflicts already in the cluster are found offline" 1 \
  'cluster.json:[0-9]+:[0-9]+: error: Ingress [a-z0-9-]+/[a-z0-9-]+: host-path-conflict: Exact /api on host "shop.example.com" takes requests for "/api" from ingress team-a/web' \
  -- $D/cluster.json

t "audit: lint --against STATE alone checks the snapshot against itself" 1 \
  'cluster.json:[0-9]+:[0-9]+: error: Ingress [a-z0-9-]+/[a-z0-9-]+: host-path-conflict: Exact /api on host "shop.example.com" takes requests for "/api" from ingress team-a/web' \
  -- --against $D/cluster.json
t "audit: the snapshot's own Services and IngressClasses are known" 1 '!dangling-service|no-ingress-class' \
  -- --against $D/cluster.json
t "audit: a backend Service missing from the snapshot is reported" 1 \
  'audit.json:[0-9]+:[0-9]+: warning: Ingress [a-z0-9-]+/[a-z0-9-]+: dangling-service: service "team-d/gone" does not exist' \
  -- --against $D/audit.json

echo "checks-lint: $pass passed, $fail failed"
[ $fail -eq 0 ]
