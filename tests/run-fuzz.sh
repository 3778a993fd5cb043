#!/usr/bin/env bash
# Runs every built libFuzzer target (build/fuzz/fuzz_*, see `make fuzz`) for
# SECONDS each, from a seed corpus copied into a temporary directory (the
# repository is never written).  A crash, leak or timeout fails the target;
# its input is kept in build/fuzz/crashes/.
# usage: tests/run-fuzz.sh SECONDS [TARGET...]     (TARGET: fuzz_review ...)
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
shift || true
case "$SECS" in ''|*[!0-9]*) echo "usage: tests/run-fuzz.sh SECONDS [TARGET...]" >&2; exit 2;; esac
if [ $# -gt 0 ]; then
	targets=()
	for t in "$@"; do targets+=("build/fuzz/$t"); done
else
	targets=()
	for b in build/fuzz/fuzz_*; do
		[ -f "$b" ] && [ -x "$b" ] && targets+=("$b")
	done
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Seeds shared by every target: golden AdmissionReview requests, the
# validation corpus as objects and as AdmissionReviews, routing probes, the
# lint golden inputs and the examples.
S=$T/seeds
mkdir -p "$S"
i=0
for f in tests/golden/review/*/request.json tests/golden/*/*/*.yaml tests/golden/*/*/*.json \
         examples/*.yaml examples/*.json; do
	[ -f "$f" ] || continue
	i=$((i + 1)); cp "$f" "$S/file-$i"
done
python3 - "$S" <<'PY'
import json, sys, os
out = sys.argv[1]
def put(name, data):
    with open(os.path.join(out, name), "w") as f:
        f.write(data)
try:
    for n, line in enumerate(open("tests/corpus/validation.jsonl")):
        if not line.strip():
            continue
        c = json.loads(line)
        obj = c["object"]
        put("obj-%d" % n, json.dumps(obj))
        g, _, v = obj.get("apiVersion", "networking.k8s.io/v1").rpartition("/")
        req = {"apiVersion": "admission.k8s.io/v1" if n % 2 else "admission.k8s.io/v1beta1",
               "kind": "AdmissionReview",
               "request": {"uid": "u%d" % n, "kind": {"group": g, "version": v, "kind": obj.get("kind", "Ingress")},
                           "namespace": "default", "operation": c.get("operation", "CREATE"),
                           "object": obj, "oldObject": c.get("oldObject")}}
        put("review-%d" % n, json.dumps(req))
    for n, line in enumerate(open("tests/corpus/routing.jsonl")):
        if n >= 200 or not line.strip():
            continue
        c = json.loads(line)
        r = c.get("request")
        if isinstance(r, dict) and "path" in r:
            put("route-%d" % n, "%s\n%s" % (r.get("host", ""), r["path"]))
    # Gateway API: "[objects]\0HOST\nPATH" (fuzz_gateway), patterns (fuzz_regex)
    for n, line in enumerate(open("tests/corpus/gateway.jsonl")):
        if n >= 120 or not line.strip():
            continue
        c = json.loads(line)
        objs = c.get("gateways", []) + c.get("httproutes", [])
        r = c["request"]
        put("gw-%d" % n, json.dumps(objs) + "\0%s\n%s" % (r["host"], r["path"]))
        for rt in c.get("httproutes", []):
            for rule in rt["spec"].get("rules", []):
                for m in rule.get("matches", []):
                    v = m.get("path", {}).get("value")
                    if v:
                        put("re-%d-%d" % (n, len(v)), "\x00%s\n%s" % (v, r["path"]))
except (OSError, ValueError, KeyError) as e:
    print("seeds: %s" % e, file=sys.stderr)
# the YAML structures of issue 11: flow nesting past the bound, anchors and
# aliases (a rule aliased, an annotation aliased), merge keys
put("yaml-flow-seq", "[" * 300 + "]" * 300 + "\n")
put("yaml-flow-map", "{a: " * 300 + "1" + "}" * 300 + "\n")
ing = ("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"
       "  namespace: shop\n  annotations:\n    a: &v \"%s\"\n    b: *v\n    c: *v\n"
       "spec:\n  rules:\n  - &r {host: a.example.com, http: {paths: [{path: /api, pathType: Prefix, "
       "backend: &b {service: {name: s, port: {number: 80}}}}]}}\n" % ("x" * 2000))
put("yaml-alias", ing + "  - *r\n" * 50)
put("yaml-merge", "base: &base {host: a.example.com, http: {paths: []}}\n"
                  "rules:\n- {<<: *base}\n- {<<: *base, host: b.example.com}\n- {<<: [*base, *base]}\n")
PY

pass=0 fail=0
mkdir -p build/fuzz/crashes
for b in "${targets[@]}"; do
	n=$(basename "$b")
	if [ ! -x "$b" ]; then echo "FAIL $n: not built (make fuzz)"; fail=$((fail + 1)); continue; fi
	C=$T/corpus-$n
	mkdir -p "$C" "$T/art-$n"
	cp "$S"/* "$C"/ 2>/dev/null
	cp tests/fuzz/regress/"$n"-* "$C"/ 2>/dev/null   # inputs that once failed: each run starts with them
	"$b" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	     -artifact_prefix="$T/art-$n/" -print_final_stats=1 "$C" > "$T/log-$n" 2>&1
	rc=$?
	execs=$(grep -E '^stat::number_of_executed_units' "$T/log-$n" | awk '{print $2}')
	if [ "$rc" = 0 ]; then
		pass=$((pass + 1))
		echo "ok   $n: ${SECS}s, ${execs:-?} runs, corpus $(ls "$C" | wc -l) inputs"
	else
		fail=$((fail + 1))
		cp "$T/art-$n"/* build/fuzz/crashes/ 2>/dev/null
		echo "FAIL $n: exit $rc; inputs kept in build/fuzz/crashes/:"
		ls "$T/art-$n"
		grep -E 'ERROR|SUMMARY|==[0-9]+==' "$T/log-$n" | head -20
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
