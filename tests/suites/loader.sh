#!/usr/bin/env bash
# The one manifest loader (load/manifest.h, src/files.h) behind lint, lint
# --against, review --against and route: a 21 MB cluster snapshot as
# `kubectl get ingress,ingressclass,service -A -o json` (and -o yaml) prints
# it, the 3 MiB bound per object, the same messages everywhere, directories
# (case, symlink loops, --exclude, Helm and Kustomize), encodings, duplicate
# keys, and whole documents from -o json / -o sarif whatever the input.
# usage: tests/suites/loader.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "$2")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/    /' "$2" | head -n 30; }

# run NAME WANT_RC EXPECTED_FILE -- ARGS: stdout+stderr compared whole
same() {
  local name=$1 want=$2 exp=$3; shift 4
  (cd "$T" && NO_COLOR=1 "$BIN" "$@" >"$T/out" 2>&1); local rc=$?
  if [ "$rc" = "$want" ] && diff -u "$exp" "$T/out" >"$T/diff"; then ok "$name"
  else bad "$name (exit $rc, want $want)" "$T/diff"; [ -s "$T/diff" ] || sed 's/^/    /' "$T/out"; fi
}

# ---- the snapshot: 3,000 Services, 1,000 Ingresses with managedFields (~21 MB)
python3 bench/snapshot/gen-snapshot.py >"$T/cluster.json"
python3 bench/snapshot/gen-snapshot.py --yaml >"$T/cluster.yaml"
size=$(stat -c %s "$T/cluster.json")
[ "$size" -gt 20000000 ] && ok "snapshot is $size bytes (over 20 MB, one List)" || bad "snapshot size $size"
cat >"$T/grab.yaml" <<'EOF'
# takes host app-7.example.com, path /api from team-7/app-7 in the snapshot
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: grab
  namespace: intruder
spec:
  ingressClassName: nginx
  rules:
  - host: app-7.example.com
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: app-7
            port:
              number: 80
EOF
cat >"$T/want.txt" <<'EOF'
grab.yaml:13:9: error: Ingress intruder/grab: host-path-conflict: Prefix /api on host "app-7.example.com" is already served by ingress team-7/app-7 (spec.rules[0].http.paths[1]): while both exist team-7/app-7 keeps it (it has a creationTimestamp, this object none yet); this path takes over when that Ingress goes away [profile ingress-nginx: class "nginx"]
grab.yaml:17:19: warning: Ingress intruder/grab: dangling-service: service "intruder/app-7" does not exist: requests for this backend get 503
1 object checked, 1 denied: 1 error (0 from the API server's rules, 1 from checks, 0 input), 1 warning; 0 documents of other kinds skipped
EOF
same "lint --against the 21 MB JSON snapshot: the intruder is denied" 1 "$T/want.txt" -- lint --against cluster.json grab.yaml
same "lint --against the same snapshot as -o yaml: the same answer" 1 "$T/want.txt" -- lint --against cluster.yaml grab.yaml
# peak memory: the List is read item by item, managedFields dropped
if [[ "$1" == *san* ]]; then
  echo "skipped: peak RSS under AddressSanitizer is the sanitizer's, not the program's"
else
python3 - "$BIN" "$T" <<'EOP' && ok "lint --against the snapshot: peak RSS under 150 MB" || bad "peak RSS"
import resource, subprocess, sys
b, t = sys.argv[1], sys.argv[2]
subprocess.run([b, "lint", "--against", t + "/cluster.json", t + "/grab.yaml"], stdout=subprocess.DEVNULL)
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("    peak RSS %d KB" % kb)
sys.exit(0 if kb < 150 * 1024 else 1)
EOP
fi
python3 - "$T/grab.yaml" >"$T/review.json" <<'EOP'
import json, sys, yaml
obj = yaml.safe_load(open(sys.argv[1]))
print(json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
    "uid": "u-grab", "kind": {"group": "networking.k8s.io", "version": "v1", "kind": "Ingress"},
    "resource": {"group": "networking.k8s.io", "version": "v1", "resource": "ingresses"},
    "namespace": "intruder", "name": "grab", "operation": "CREATE", "object": obj}}))
EOP
for snap in cluster.json cluster.yaml; do
  (cd "$T" && "$BIN" review --against "$snap" review.json >"$T/out" 2>&1); rc=$?
  python3 - "$T/out" <<'EOP' && [ $rc = 1 ] && ok "review --against $snap: 403 host-path-conflict naming team-7/app-7" || bad "review --against $snap (exit $rc)" "$T/out"
import json, sys
r = json.load(open(sys.argv[1]))["response"]
st = r["status"]
assert r["allowed"] is False and st["code"] == 403, st
assert [c["reason"] for c in st["details"]["causes"]] == ["host-path-conflict"], st
assert "team-7/app-7" in st["message"], st["message"]
EOP
done
# the snapshot audited as it is: nothing conflicts in it
cat >"$T/want.txt" <<'EOF'
1002 objects checked, 0 denied: 0 errors (0 from the API server's rules, 0 from checks, 0 input), 0 warnings; 3000 documents of other kinds skipped
EOF
same "lint --against the snapshot alone (audit): 1,002 objects, no finding" 0 "$T/want.txt" -- lint --against cluster.json

# ---- 3 MiB per object, not per file; the file cap is a flag
python3 - "$T" <<'EOP'
import json, sys
t = sys.argv[1]
big = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"}, "data": {"x": "y" * (4 << 20)}}
json.dump(big, open(t + "/big-object.json", "w"))
ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "ok", "namespace": "a"},
       "spec": {"rules": [{"host": "ok.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}}
json.dump({"apiVersion": "v1", "kind": "List", "items": [big, ing]}, open(t + "/big-list.json", "w"))
EOP
cat >"$T/want.txt" <<'EOF'
big-object.json:1:1: error: document too large (the limit is 3 MiB per object; only a List may be larger)
0 objects checked, 0 denied: 1 error (0 from the API server's rules, 0 from checks, 1 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "an object over 3 MiB: an input error naming the bound" 2 "$T/want.txt" -- lint big-object.json
cat >"$T/want.txt" <<'EOF'
big-list.json:1:48: error: items[0]: object too large (the limit is 3 MiB per object)
1 object checked, 0 denied: 1 error (0 from the API server's rules, 0 from checks, 1 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "a List over 3 MiB: read item by item, the large item refused alone" 2 "$T/want.txt" -- lint big-list.json
cat >"$T/want.txt" <<EOF
big-list.json: error: file too large: $(stat -c %s "$T/big-list.json") bytes, larger than the limit of 1 MiB (--max-file-bytes)
0 objects checked, 0 denied: 1 error (0 from the API server's rules, 0 from checks, 1 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "--max-file-bytes=1Mi caps a file" 2 "$T/want.txt" -- lint --max-file-bytes=1Mi big-list.json

# ---- the same input errors, in the same words, from every command
cat >"$T/bad.yaml" <<'EOF'
apiVersion: v1
kind: List
items:
- kind: Ingress
  metadata: {name: x}
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    name: y
    name: z
EOF
cat >"$T/want.txt" <<'EOF'
bad.yaml:10:5: error: duplicate key "name"
0 objects checked, 0 denied: 1 error (0 from the API server's rules, 0 from checks, 1 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "lint: a duplicate key fails at the second key" 2 "$T/want.txt" -- lint bad.yaml
cat >"$T/want.txt" <<'EOF'
ingress-warden route: bad.yaml:10:5: error: duplicate key "name"
ingress-warden route: 1 input error (above)
EOF
same "route: the same message" 2 "$T/want.txt" -- route -f bad.yaml --host a --path /
cat >"$T/want.txt" <<'EOF'
ingress-warden review: --against bad.yaml:10:5: error: duplicate key "name"
EOF
same "review --against: the same message" 2 "$T/want.txt" -- review --against bad.yaml review.json
sed -i '10d' "$T/bad.yaml"
cat >"$T/want.txt" <<'EOF'
bad.yaml:4:3: error: items[0]: Object 'apiVersion' is missing
ingress-warden route: bad.yaml:4:3: error: items[0]: Object 'apiVersion' is missing
ingress-warden review: --against bad.yaml:4:3: error: items[0]: Object 'apiVersion' is missing
EOF
(cd "$T" && { NO_COLOR=1 "$BIN" lint bad.yaml | head -n 1; "$BIN" route -f bad.yaml --host a --path / 2>&1 | head -n 1;
  "$BIN" review --against bad.yaml review.json 2>&1; } >"$T/out" 2>&1)
diff -u "$T/want.txt" "$T/out" >"$T/diff" && ok "an item without apiVersion: one message in lint, route and review" || bad "item message" "$T/diff"
printf '{"apiVersion": "v1", "kind": "Service",\n "metadata": {"name": "a", "name": "b"}}\n' >"$T/dup.json"
cat >"$T/want.txt" <<'EOF'
dup.json:2:28: error: duplicate key "name"
0 objects checked, 0 denied: 1 error (0 from the API server's rules, 0 from checks, 1 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "JSON: a duplicate key fails at the second key" 2 "$T/want.txt" -- lint dup.json

# ---- NDJSON, a UTF-8 BOM, UTF-16 JSON
python3 - "$T" <<'EOP'
import json, sys
t = sys.argv[1]
ing = lambda n: {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": n, "namespace": "a"},
                 "spec": {"rules": [{"host": n + ".example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                          "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}}
open(t + "/nd.json", "w").write("".join(json.dumps(ing(n)) + "\n" for n in ("a", "b", "c")))
open(t + "/bom.json", "wb").write(b"\xef\xbb\xbf" + json.dumps(ing("bom")).encode())
open(t + "/utf16.json", "wb").write(json.dumps(ing("sixteen"), indent=2).encode("utf-16"))      # with a BOM
open(t + "/utf16be.json", "wb").write(json.dumps(ing("sixteen-be")).encode("utf-16-be"))         # none: RFC 4627
EOP
cat >"$T/want.txt" <<'EOF'
6 objects checked, 0 denied: 0 errors (0 from the API server's rules, 0 from checks, 0 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "NDJSON, a UTF-8 BOM, UTF-16 with and without a BOM: all read" 0 "$T/want.txt" -- lint nd.json bom.json utf16.json utf16be.json
(cd "$T" && "$BIN" route -f utf16.json --host sixteen.example.com --path / -o json) >"$T/out" 2>&1
grep -q '"ingress":"sixteen"' "$T/out" && ok "route reads UTF-16 JSON" || bad "route UTF-16" "$T/out"

# ---- directories
mkdir -p "$T/d/sub" "$T/d/vendor" "$T/d/.hidden" "$T/chart/templates" "$T/kust"
cp "$T/nd.json" "$T/d/A.JSON"
python3 -c 'import sys,json; [print("---\n" + json.dumps(json.loads(l))) for l in open(sys.argv[1])]' "$T/nd.json" >"$T/d/sub/B.YML"
cp "$T/bom.json" "$T/d/vendor/c.yaml"
cp "$T/bom.json" "$T/d/.hidden/h.yaml"
ln -s .. "$T/d/sub/loop"
ln -s ../A.JSON "$T/d/sub/again.json"
cat >"$T/want.txt" <<'EOF'
6 objects checked, 0 denied: 0 errors (0 from the API server's rules, 0 from checks, 0 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "a directory: .JSON and .YML in any case, a symlink loop and a second link read once, --exclude" 0 "$T/want.txt" -- lint --exclude vendor d
cat >"$T/want.txt" <<'EOF'
7 objects checked, 0 denied: 0 errors (0 from the API server's rules, 0 from checks, 0 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "without --exclude the vendor folder is read too" 0 "$T/want.txt" -- lint d d/A.JSON
printf 'apiVersion: v2\nname: app\nversion: 1.0.0\n' >"$T/chart/Chart.yaml"
printf 'host: a.example.com\n' >"$T/chart/values.yaml"
printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ .Release.Name }}\n' >"$T/chart/templates/ing.yaml"
printf 'resources: [a.yaml]\n' >"$T/kust/kustomization.yaml"
cat >"$T/want.txt" <<'EOF'
chart: error: a Helm chart (Chart.yaml): render it with `helm template` first, e.g. `helm template NAME chart | ingress-warden lint -`
kust: error: a Kustomize directory (kustomization.yaml): render it with `kubectl kustomize` first, e.g. `kubectl kustomize kust | ingress-warden lint -`
chart/values.yaml: error: part of a Helm chart (values.yaml): render the chart with `helm template` first, e.g. `helm template NAME CHART_DIR | ingress-warden lint -`
chart/templates/ing.yaml:4:9: error: a Helm template ({{ ... }}), not a manifest: render the chart with `helm template` first, e.g. `helm template NAME CHART_DIR | ingress-warden lint -`
0 objects checked, 0 denied: 4 errors (0 from the API server's rules, 0 from checks, 4 input), 0 warnings; 0 documents of other kinds skipped
EOF
same "Helm and Kustomize: not read, a hint to render them first" 2 "$T/want.txt" -- lint chart kust chart/values.yaml chart/templates/ing.yaml

# ---- -o json and -o sarif: a whole document whatever the input
for args in "-o json missing.yaml" "-o json --bogus x.yaml" "--output=sarif missing.yaml" "-o sarif --config missing.conf grab.yaml"; do
  # shellcheck disable=SC2086
  (cd "$T" && "$BIN" lint $args >"$T/out" 2>/dev/null); rc=$?
  python3 - "$T/out" <<'EOP' && [ $rc = 2 ] && ok "lint $args: exit 2 and a whole document" || bad "lint $args (exit $rc)" "$T/out"
import json, sys
d = json.load(open(sys.argv[1]))
if "runs" in d:
    inv = d["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False and inv["toolExecutionNotifications"], inv
else:
    assert d["summary"]["problems"] >= 1 and d["problems"], d
EOP
done

echo "loader: $pass passed, $fail failed"
[ "$fail" = 0 ]
