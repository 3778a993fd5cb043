#!/usr/bin/env bash
# Silencing checks on one object with the ingress-warden.io/ignore annotation (issue 15):
# the same object through review (allowed, no warning for a silenced check, denied when
# the annotation names another check) and lint (-o sarif: the result marked suppressed).
# The lint text and JSON outputs are golden cases: tests/golden/lint/ignore-annotation*.
# usage: tests/suites/silence.sh BUILD_DIR BINARY     last line: "silence: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-build/default/ingress-warden}")
T=$(mktemp -d /tmp/iw-silence.XXXXXX); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "ok   - $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

# review: an AdmissionReview for an Ingress with IGNORE as its annotation value
review() {  # IGNORE -> the response's allowed and warnings as one line
  python3 - "$1" >"$T/req.json" <<'PY'
import json, sys
ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
       "metadata": {"name": "web", "namespace": "shop", "annotations": {
           "ingress-warden.io/ignore": sys.argv[1],
           "nginx.ingress.kubernetes.io/configuration-snippet": "more_set_headers \"X: y\";"}},
       "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example.com", "http": {"paths": [
           {"path": "/api/v[0-9]", "pathType": "Prefix",
            "backend": {"service": {"name": "api", "port": {"number": 80}}}}]}}]}}
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "u1", "kind": {"group": "networking.k8s.io", "version": "v1", "kind": "Ingress"},
    "namespace": "shop", "name": "web", "operation": "CREATE", "object": ing}}))
PY
  "$BIN" review "$T/req.json" | python3 -c '
import json, sys
r = json.load(sys.stdin)["response"]
print(r["allowed"], sorted(w.split(":")[0] for w in r.get("warnings", [])))'
}
check "review: nothing silenced: denied (dangerous-annotation), regex-in-path warns" \
  test "$(review '')" = "False ['regex-in-path']"
check "review: dangerous-annotation silenced: allowed, regex-in-path still warns" \
  test "$(review 'dangerous-annotation')" = "True ['regex-in-path']"
check "review: both silenced (blanks and commas tolerated): allowed, no warning" \
  test "$(review ' regex-in-path ,dangerous-annotation,')" = "True []"
check "review: a name that is only a prefix of the check silences nothing" \
  test "$(review 'dangerous-annotationx, regex-in')" = "False ['regex-in-path']"

# lint -o sarif: the silenced finding is a result with an inSource suppression
"$BIN" lint -o sarif tests/golden/lint/ignore-annotation/ingress.yaml >"$T/out.sarif"; rc=$?
check "lint -o sarif: exit 1 (the second object is denied)" test "$rc" = 1
check "lint -o sarif: the silenced result carries an inSource suppression, the others none" python3 - "$T/out.sarif" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
sup = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in res if r.get("suppressions")]
assert sup == [("dangerous-annotation", 11)], sup
assert all(s["kind"] == "inSource" for r in res for s in r.get("suppressions", [])), res
assert len(res) == 3, res
PY
echo "silence: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
