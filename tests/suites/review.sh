#!/usr/bin/env bash
# `review`: the validation corpus through the AdmissionReview codec
# (tests/tools/score-validation), then the checks beyond the API server in
# the response (403 per finding, warnings), v1beta1, and bad input.
# usage: tests/suites/review.sh BUILD_DIR BINARY
set -uo pipefail
BIN=$2
D=tests/checks
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

python3 tests/tools/score-validation tests/corpus/validation.jsonl "$BIN" >"$tmp/score" 2>&1
last=$(tail -1 "$tmp/score")
[ "${last##* }" = "0" ] 2>/dev/null || [[ "$last" == *" 0 failed" ]] && ok "validation corpus through review: $last" \
  || { bad "validation corpus through review: $last"; grep -E '^(FAIL|MSG)' "$tmp/score" | head -20; }

# AdmissionReview for a manifest: wrap OBJECT-FILE (YAML) [v1|v1beta1] [OPERATION]
wrap() {
  python3 - "$@" <<'EOP'
import json, sys
doc = sys.argv[1]; ver = sys.argv[2] if len(sys.argv) > 2 else "v1"; op = sys.argv[3] if len(sys.argv) > 3 else "CREATE"
import yaml
obj = yaml.safe_load(open(doc))
gvk = {"group": "networking.k8s.io", "version": "v1", "kind": "Ingress"}
m = obj["metadata"]
print(json.dumps({"apiVersion": "admission.k8s.io/" + ver, "kind": "AdmissionReview",
  "request": {"uid": "uid-" + m["name"], "kind": gvk, "resource": {"group": "networking.k8s.io", "version": "v1", "resource": "ingresses"},
              "namespace": m.get("namespace", "default"), "name": m["name"], "operation": op,
              "object": obj, "oldObject": obj if op == "UPDATE" else None}}))
EOP
}
if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "python3 has no yaml module: the policy cases are skipped"
  echo "review: $pass passed, $fail failed"; [ $fail -eq 0 ]; exit
fi
wrap $D/team-b-exact.yaml >"$tmp/exact.json"

"$BIN" review --against $D/cluster.json "$tmp/exact.json" >"$tmp/out"; rc=$?
python3 - "$tmp/out" <<'EOP' && [ $rc -eq 1 ] && ok "policy denial: 403 Forbidden, one cause per finding with the check ID, exit 1" || { bad "policy denial (rc $rc)"; cat "$tmp/out"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
st = r["status"]
assert r["allowed"] is False and st["code"] == 403 and st["reason"] == "Forbidden", st
# class nginx is ingress-nginx (the snapshot's IngressClass): web's Prefix /api comes
# first, so late's and grab's Exact /api are both added and nginx refuses the two
# `location = /api` (SEMANTICS-ingress-nginx sec. 6.4, 10): controller-rejects too
assert [c["reason"] for c in st["details"]["causes"]] == ["controller-rejects", "host-path-conflict"], st
assert st["details"]["name"] == "grab" and st["details"]["kind"] == "Ingress"
assert "team-c/late" in st["message"], st["message"]
EOP
"$BIN" review "$tmp/exact.json" >"$tmp/out"; rc=$?
[ $rc -eq 0 ] && ok "without --against nothing to conflict with: allowed" || bad "alone (rc $rc)"
# --controller gce: GKE makes one load balancer of each Ingress, nothing to conflict with
"$BIN" review --controller gce --against $D/cluster.json "$tmp/exact.json" >"$tmp/out"; rc=$?
python3 - "$tmp/out" <<'EOP' && [ $rc -eq 0 ] && ok "--controller gce: one load balancer per Ingress, allowed" || { bad "--controller gce (rc $rc)"; cat "$tmp/out"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
# no conflict; the one warning: GKE takes no action on spec.ingressClassName alone
assert r["allowed"] is True and [w.split(":")[0] for w in r["warnings"]] == ["deprecated-class-annotation"], r
EOP
"$BIN" review --controller haproxy "$tmp/exact.json" >"$tmp/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "unknown controller profile haproxy" "$tmp/out" && ok "--controller: an unknown profile is a usage error" || { bad "--controller haproxy (rc $rc)"; cat "$tmp/out"; }
wrap $D/team-a-same-ns.yaml >"$tmp/same.json"
python3 -c 'import sys,json,yaml; print(json.dumps({"apiVersion":"v1","kind":"List","items":[yaml.safe_load(open(sys.argv[1]))]}))' $D/team-a.yaml >"$tmp/team-a.json"
"$BIN" review --against "$tmp/team-a.json" "$tmp/same.json" >"$tmp/out"; rc=$?
python3 - "$tmp/out" <<'EOP' && [ $rc -eq 0 ] && ok "same-namespace conflict: allowed with a warning" || { bad "warning (rc $rc)"; cat "$tmp/out"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True and any(w.startswith("host-path-conflict: ") for w in r["warnings"]), r
EOP
"$BIN" review --against $D/cluster.json --config $D/lenient.conf "$tmp/exact.json" >"$tmp/out"; rc=$?
python3 - "$tmp/out" <<'EOP' && [ $rc -eq 1 ] && ok "--config lowers the check to a warning (controller-rejects still denies)" || { bad "--config (rc $rc)"; cat "$tmp/out"; }
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert any(w.startswith("host-path-conflict: ") for w in r["warnings"]), r
assert [c["reason"] for c in r["status"]["details"]["causes"]] == ["controller-rejects"], r
EOP
wrap $D/web-update.yaml v1beta1 UPDATE >"$tmp/upd.json"
"$BIN" review --against $D/cluster.json "$tmp/upd.json" >"$tmp/out"; rc=$?
grep -q '^{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":"uid-web","allowed":true' "$tmp/out" && [ $rc -eq 0 ] \
  && ok "v1beta1 echoed; an UPDATE against its own old version is allowed" || { bad "v1beta1 update (rc $rc)"; cat "$tmp/out"; }
echo '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"d","kind":{"kind":"Ingress"},"operation":"DELETE"}}' \
  | "$BIN" review - >"$tmp/out"; rc=$?
grep -q '"allowed":true' "$tmp/out" && [ $rc -eq 0 ] && ok "DELETE: allowed" || bad "DELETE (rc $rc)"
echo '{"kind":"AdmissionReview"}' | "$BIN" review - >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "not an AdmissionReview request" "$tmp/err" && ok "not an AdmissionReview: exit 2 with the reason" || bad "bad input (rc $rc)"
echo '{"apiVersion":' | "$BIN" review - >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "malformed JSON at line [0-9]* column" "$tmp/err" && ok "malformed JSON: exit 2 with line and column" || bad "malformed (rc $rc)"
"$BIN" review --bogus 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown option '--bogus'" "$tmp/err" && ok "unknown option: exit 2" || bad "usage (rc $rc)"

echo "review: $pass passed, $fail failed"
[ $fail -eq 0 ]
