#!/usr/bin/env bash
# Silencing checks on one object with the ingress-warden.io/ignore annotation (issue 15):
# the same object through review (no warning for a silenced warning; a denial lifted only
# when the policy says ignoreAnnotation: all; the annotation not read with off) and lint (-o sarif: the result marked suppressed).
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
  "$BIN" review ${CONFIG:+--config "$CONFIG"} "$T/req.json" | python3 -c '
import json, sys
r = json.load(sys.stdin)["response"]
print(r["allowed"], sorted(w.split(":")[0] for w in r.get("warnings", [])))'
}
check "review: nothing silenced: denied (dangerous-annotation), regex-in-path warns" \
  test "$(review '')" = "False ['regex-in-path']"
check "review: the warning silenced: no warning, still denied" \
  test "$(review 'regex-in-path')" = "False []"
check "review: dangerous-annotation listed: still denied (by default the annotation lifts no denial)" \
  test "$(review 'dangerous-annotation')" = "False ['regex-in-path']"
printf 'ignoreAnnotation: all\n' >"$T/all.yaml"
printf 'ignoreAnnotation: off\n' >"$T/off.yaml"
check "review --config (ignoreAnnotation: all): dangerous-annotation silenced: allowed, regex-in-path still warns" \
  test "$(CONFIG=$T/all.yaml review 'dangerous-annotation')" = "True ['regex-in-path']"
check "review --config (all): both silenced (blanks and commas tolerated): allowed, no warning" \
  test "$(CONFIG=$T/all.yaml review ' regex-in-path ,dangerous-annotation,')" = "True []"
check "review --config (all): a name that is only a prefix of the check silences nothing" \
  test "$(CONFIG=$T/all.yaml review 'dangerous-annotationx, regex-in')" = "False ['regex-in-path']"
check "review --config (ignoreAnnotation: off): the annotation is not read" \
  test "$(CONFIG=$T/off.yaml review 'regex-in-path')" = "False ['regex-in-path']"
printf 'ignoreAnnotation: some\n' >"$T/bad.yaml"
"$BIN" review --config "$T/bad.yaml" "$T/req.json" >/dev/null 2>"$T/err"; rc=$?
check "review --config with ignoreAnnotation: some: exit 2 naming the values" \
  bash -c "[ $rc = 2 ] && grep -q 'ignoreAnnotation must be warnings (the default: the ingress-warden.io/ignore annotation silences warnings only), all or off' '$T/err'"

# lint -o sarif: the silenced finding is a result with an inSource suppression
"$BIN" lint -o sarif tests/golden/lint/ignore-annotation/ingress.yaml >"$T/out.sarif"; rc=$?
check "lint -o sarif: exit 1 (the first object is still denied)" test "$rc" = 1
check "lint -o sarif: the silenced warning carries an inSource suppression, the others none" python3 - "$T/out.sarif" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
sup = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in res if r.get("suppressions")]
assert sup == [("regex-in-path", 22)], sup
assert all(s["kind"] == "inSource" for r in res for s in r.get("suppressions", [])), res
assert sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in res) == \
    [("dangerous-annotation", 14), ("regex-in-path", 22), ("regex-in-path", 39)], res
PY
echo "silence: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
