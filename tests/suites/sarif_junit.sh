#!/usr/bin/env bash
# lint -o sarif and -o junit for CI (issue 15): every SARIF log validates against the
# SARIF 2.1.0 schema (tests/sarif/validate.py: the OASIS schema kept in tests/sarif, the
# uri formats checked by RFC 3986's grammar): stdin, file names with spaces, '#', '%',
# ':' and non-ASCII, every golden lint case, an unreadable file, a syntax error,
# suppressions; one rule per check and per error type with its own descriptions, help
# and helpUri; the URIs decode to the file names.  -o junit is well-formed XML whose
# counts are lint's, also for a file name that is not UTF-8; its whole output for one case
# is the golden case tests/golden/lint/junit.
# usage: tests/suites/sarif_junit.sh BUILD_DIR BINARY   last line: "sarif-junit: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
BIN=$(realpath "${2:-build/default/ingress-warden}")
T=$(mktemp -d /tmp/iw-sarif.XXXXXX); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "ok   - $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
V="python3 $REPO/tests/sarif/validate.py"

check "the schema checker refuses what it must (self-test)" $V --self-test

# names that need escaping in a URI, each holding the same denied Ingress
mkdir -p "$T/w/sub dir"
for n in "with space.yaml" "hash#1.yaml" "100%.yaml" "a:b.yaml" "café-ü.yaml" "sub dir/ö #x.yaml"; do
  cp examples/ingress.yaml "$T/w/$n"
done
(cd "$T/w" && "$BIN" lint -o sarif "with space.yaml" "hash#1.yaml" "100%.yaml" "a:b.yaml" "café-ü.yaml" "sub dir" >"$T/names.sarif")
check "lint -o sarif, names with a space, '#', '%', ':', non-ASCII, a directory with a space: valid SARIF 2.1.0" $V "$T/names.sarif"
check "   ... each URI decodes to its file name" python3 - "$T/names.sarif" <<'PY'
import json, sys, urllib.parse
run = json.load(open(sys.argv[1], encoding="utf-8"))["runs"][0]
uris = sorted({l["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for l in r["locations"]})
names = sorted(urllib.parse.unquote(u) for u in uris)
assert names == sorted(["with space.yaml", "hash#1.yaml", "100%.yaml", "a:b.yaml", "café-ü.yaml", "sub dir/ö #x.yaml"]), (uris, names)
assert "with%20space.yaml" in uris and "hash%231.yaml" in uris and "100%25.yaml" in uris and "a%3Ab.yaml" in uris, uris
assert "caf%C3%A9-%C3%BC.yaml" in uris, uris
PY
"$BIN" lint -o sarif - <examples/ingress.yaml >"$T/stdin.sarif"
check "lint -o sarif - (stdin): valid" $V "$T/stdin.sarif"
check "   ... stdin is the URI %3Cstdin%3E" grep -qF '"uri": "%3Cstdin%3E"' "$T/stdin.sarif"
"$BIN" lint -o sarif /nonexistent/x.yaml - <<<'a: [' >"$T/problems.sarif"
check "lint -o sarif with an unreadable file and a syntax error: valid" $V "$T/problems.sarif"
check "   ... executionSuccessful false, both as notifications and input-error results" python3 - "$T/problems.sarif" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
inv = run["invocations"][0]
assert inv["executionSuccessful"] is False and len(inv["toolExecutionNotifications"]) == 2, inv
assert [r["ruleId"] for r in run["results"]] == ["input-error", "input-error"], run["results"]
PY

# every golden lint case, as SARIF
n=0; bad_cases=""
for dir in tests/golden/lint/*/; do
  read -r -a args <"$dir/args"
  a=(); skip=0
  for x in "${args[@]}"; do case $x in -o) skip=1;; *) if [ $skip = 1 ]; then skip=0; else a+=("$x"); fi;; esac; done
  if [ -f "$dir/stdin" ]; then (cd "$dir" && "$BIN" lint -o sarif "${a[@]}" <stdin >"$T/case.sarif" 2>/dev/null)
  else (cd "$dir" && "$BIN" lint -o sarif "${a[@]}" </dev/null >"$T/case.sarif" 2>/dev/null); fi
  $V "$T/case.sarif" >"$T/v.out" 2>&1 || { bad_cases="$bad_cases $(basename "$dir")"; cat "$T/v.out"; }
  cp "$T/case.sarif" "$T/case-$(basename "$dir").sarif"
  n=$((n + 1))
done
check "lint -o sarif on all $n golden lint cases: valid SARIF 2.1.0" test -z "$bad_cases"
check "   ... one rule per check and error type: its own short and full description, help, helpUri" \
  python3 - "$T"/case-*.sarif "$T/names.sarif" <<'PY'
import json, sys
rules = {}
for f in sys.argv[1:]:
    run = json.load(open(f, encoding="utf-8"))["runs"][0]
    rs = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rs]
    assert len(ids) == len(set(ids)), (f, ids)
    for res in run["results"]:
        assert rs[res["ruleIndex"]]["id"] == res["ruleId"], (f, res)
    for r in rs:
        rules.setdefault(r["id"], r)
        assert rules[r["id"]] == r, ("the same rule differs between runs", r["id"])
assert len(rules) >= 10, sorted(rules)
shorts = [r["shortDescription"]["text"] for r in rules.values()]
assert len(set(shorts)) == len(shorts), shorts
for r in rules.values():
    assert r["shortDescription"]["text"] != r["fullDescription"]["text"], r
    assert r["help"]["text"] and r["help"]["markdown"], r
    assert r["helpUri"].startswith("http") and "#" in r["helpUri"], r
    assert r["defaultConfiguration"]["level"] in ("error", "warning"), r
for k in ("dangerous-annotation", "regex-in-path", "FieldValueInvalid", "FieldValueNotSupported", "input-error"):
    assert k in rules, (k, sorted(rules))
assert rules["dangerous-annotation"]["helpUri"].endswith("#check-dangerous-annotation"), rules["dangerous-annotation"]
assert "ingress-warden.io/ignore" in rules["regex-in-path"]["help"]["markdown"], rules["regex-in-path"]
PY
# the helpUri anchors exist in the README
check "   ... every helpUri anchor is an anchor of README.md" python3 - "$T"/case-*.sarif <<'PY'
import json, re, sys
readme = open("README.md", encoding="utf-8").read()
anchors = set(re.findall(r'<a id="([^"]+)"></a>', readme))
for f in sys.argv[1:]:
    for r in json.load(open(f, encoding="utf-8"))["runs"][0]["tool"]["driver"]["rules"]:
        a = r["helpUri"].split("#", 1)[1]
        assert a in anchors, (a, sorted(anchors))
PY

# the fix of a removed version: applied as a SARIF consumer applies it, the file lints clean
cat >"$T/old.yaml" <<'YAML'
# a Service first
apiVersion: v1
kind: Service
metadata: {name: test}
spec: {ports: [{port: 80}]}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old-one      # a comment inside the object
  annotations: {note: "été"}
spec:
  backend:
    serviceName: test
    servicePort: 80
---
apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: old-two}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /cart
        backend: {serviceName: cart, servicePort: http}
YAML
(cd "$T" && "$BIN" lint -o sarif old.yaml >"$T/fix.sarif")
check "lint -o sarif of two removed versions: valid, each error with a fix" python3 - "$T/fix.sarif" "$V" <<'PY'
import json, subprocess, sys
d = json.load(open(sys.argv[1]))
res = [r for r in d["runs"][0]["results"] if r.get("fixes")]
assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in res] == [7, 17], res
assert subprocess.run(sys.argv[2].split() + [sys.argv[1]]).returncode == 0
PY
check "   ... applied, the file lints clean (exit 0), each document as convert writes it" python3 - "$T/fix.sarif" "$T" "$BIN" <<'PY'
import json, subprocess, sys, urllib.parse
d, work, binary = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
text = open(work + "/old.yaml", encoding="utf-8").read()
lines = text.split("\n")
def offset(line, col):   # 1-based line, 1-based column in characters
    return sum(len(l) + 1 for l in lines[:line - 1]) + col - 1
reps = []
for r in d["runs"][0]["results"]:
    for f in r.get("fixes", []):
        for ch in f["artifactChanges"]:
            assert urllib.parse.unquote(ch["artifactLocation"]["uri"]) == "old.yaml", ch
            for rp in ch["replacements"]:
                g = rp["deletedRegion"]
                reps.append((offset(g["startLine"], g["startColumn"]), offset(g["endLine"], g["endColumn"]), rp["insertedContent"]["text"]))
for a, b, t in sorted(reps, reverse=True):
    text = text[:a] + t + text[b:]
open(work + "/fixed.yaml", "w", encoding="utf-8").write(text)
p = subprocess.run([binary, "lint", "fixed.yaml"], cwd=work, capture_output=True, text=True)
assert p.returncode == 0, p.stdout + p.stderr
assert "3 objects checked, 0 denied" in p.stdout or "2 objects checked, 0 denied" in p.stdout, p.stdout
conv = subprocess.run([binary, "convert", "old.yaml"], cwd=work, capture_output=True, text=True).stdout
fixed_docs = [x.strip() for x in text.split("\n---\n")][1:]
conv_docs = [x.strip() for x in conv.split("---\n") if x.strip()][1:]
assert fixed_docs == conv_docs, (fixed_docs, conv_docs)
assert text.startswith("# a Service first\n"), text[:40]
PY

# JUnit
"$BIN" lint -o junit examples/ingress.yaml tests/golden/lint/ignore-annotation/ingress.yaml /nonexistent/x.yaml - \
  <<<'a: [' >"$T/j.xml"; rc=$?
"$BIN" lint -o json examples/ingress.yaml tests/golden/lint/ignore-annotation/ingress.yaml /nonexistent/x.yaml - \
  <<<'a: [' >"$T/j.json"
check "lint -o junit: exit 2 (an input error), as -o json" test "$rc" = 2
check "   ... well-formed XML: a testsuite per file, a testcase per object and input error, counts as lint's" \
  python3 - "$T/j.xml" "$T/j.json" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
rep = json.load(open(sys.argv[2]))
s = rep["summary"]
assert root.tag == "testsuites", root.tag
assert [ts.get("name") for ts in root] == ["examples/ingress.yaml", "tests/golden/lint/ignore-annotation/ingress.yaml", "/nonexistent/x.yaml", "<stdin>"], [ts.get("name") for ts in root]
cases = [tc for ts in root for tc in ts]
assert int(root.get("tests")) == len(cases) == s["objects"] + s["problems"], (root.attrib, s)
assert int(root.get("failures")) == s["denied"] == len([tc for tc in cases if tc.find("failure") is not None]), root.attrib
assert int(root.get("errors")) == s["problems"] == len([tc for tc in cases if tc.find("error") is not None]), root.attrib
names = [tc.get("name") for tc in cases]
assert names == ["Ingress default/shop (line 3)", "Ingress default/web (line 22)", "Ingress shop/silenced (line 7)",
                 "Ingress shop/loud (line 26)", "input error", "input error at line 2"], names
web = cases[1].find("failure")
assert web.get("message") == "denied: 3 errors" and web.text.count("\n") == 3 and "examples/ingress.yaml:29:13: error: spec.rules[0].host" in web.text, web.text
loud = cases[3]
assert loud.find("failure") is None and "warning: regex-in-path" in loud.find("system-out").text, ET.tostring(loud)
assert "suppressed" not in ET.tostring(cases[2]).decode() and "regex-in-path" not in ET.tostring(cases[2]).decode()
PY
printf 'x' >"$T/$(printf 'bad-\xff.yaml')"
"$BIN" lint -o junit "$T/$(printf 'bad-\xff.yaml')" >"$T/bad.xml" 2>&1
check "lint -o junit, a file name that is not UTF-8: still well-formed XML" \
  python3 -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); assert r[0].get("name").endswith("bad-?.yaml"), r[0].attrib' "$T/bad.xml"
# docs/ci.md: its YAML blocks parse, and its lint commands, run as written on a folder
# deploy/ (a bad manifest, a good one, a workflow), write a valid SARIF log and JUnit report
mkdir -p "$T/ci/deploy/.github" && cp examples/ingress.yaml "$T/ci/deploy/bad.yaml"
cp tests/browser/docs-ingress-v1.yaml "$T/ci/deploy/good.yaml"
printf 'name: ci\non: [push]\njobs: {}\n' >"$T/ci/deploy/workflow.yaml"
check "docs/ci.md: every YAML block parses; its lint commands run as written" \
  python3 - docs/ci.md "$BIN" "$T/ci" <<'PY'
import re, subprocess, sys, yaml
text, binary, work = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
assert len(blocks) == 3, len(blocks)
cmds = []
for b in blocks:
    doc = yaml.safe_load(b)
    def walk(v):
        if isinstance(v, dict):
            for x in v.values(): walk(x)
        elif isinstance(v, list):
            for x in v: walk(x)
        elif isinstance(v, str):
            cmds.extend(l.strip() for l in v.split("\n") if "ingress-warden lint" in l)
    walk(doc)
assert len(cmds) == 3, cmds
for c in cmds:
    prog, rest = c.split(" lint ", 1)
    args, out = rest.split(" > ")
    out = out.replace(" || true", "")
    with open(work + "/" + out, "w") as f:
        rc = subprocess.run([binary, "lint"] + args.split(), cwd=work, stdout=f).returncode
    assert rc == 1, (c, rc)   # bad.yaml is denied; the workflow is skipped, not an input error
PY
check "   ... its SARIF is valid" $V "$T/ci/ingress-warden.sarif"
check "   ... its JUnit report has a suite per file (the workflow with no test)" \
  python3 -c 'import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); assert [t.get("name") for t in r] == ["deploy/bad.yaml", "deploy/good.yaml", "deploy/workflow.yaml"] and r[2].get("tests") == "0", [t.attrib for t in r]' "$T/ci/ingress-warden.xml"
check "   ... its Code Quality report is the issues of lint -o json" python3 - "$T/ci/gl-code-quality-report.json" "$BIN" "$T/ci" <<'PY'
import json, subprocess, sys
issues = json.load(open(sys.argv[1]))
rep = json.loads(subprocess.run([sys.argv[2], "lint", "--skip-non-k8s", "-o", "json", "deploy/"], cwd=sys.argv[3],
                                capture_output=True, text=True).stdout)
reason = {"Required value": "FieldValueRequired", "Invalid value": "FieldValueInvalid",
          "Unsupported value": "FieldValueNotSupported", "Forbidden": "FieldValueForbidden",
          "Duplicate value": "FieldValueDuplicate", "Too long": "FieldValueTooLong",
          "Too many items": "FieldValueTooMany", "Not found": "FieldValueNotFound",
          "Invalid type": "FieldValueTypeInvalid"}   # the API server's reasons of its error types
want = []
for o in rep["results"]:
    for e in o["errors"]:
        want.append((o["source"], e["line"], reason[e["type"]], "critical"))
    for f in o["findings"]:
        if not f.get("suppressed"):
            want.append((o["source"], f["line"], f["check"], "critical" if f["severity"] == "error" else "minor"))
for p in rep["problems"]:
    want.append((p["source"], p["line"] or 1, "input-error", "blocker"))
got = [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], i["severity"]) for i in issues]
assert got == want, (got, want)
PY

# -o codequality: GitLab's format (every field its widget reads), fingerprints unique,
# suppressed findings left out, input errors as blockers
"$BIN" lint -o codequality examples/ingress.yaml tests/golden/lint/ignore-annotation/ingress.yaml /nonexistent/x.yaml - \
  <<<'a: [' >"$T/cq.json"; rc=$?
check "lint -o codequality: exit 2 (an input error), a whole report" test "$rc" = 2
check "   ... each issue: description, check_name, fingerprint (unique), severity, location.path and lines.begin" \
  python3 - "$T/cq.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
assert isinstance(a, list) and len(a) == 8, (len(a), a)
for i in a:
    assert set(i) == {"description", "check_name", "fingerprint", "severity", "location"}, i
    assert i["severity"] in ("info", "minor", "major", "critical", "blocker"), i
    assert isinstance(i["location"]["lines"]["begin"], int) and i["location"]["lines"]["begin"] >= 1, i
    assert len(i["fingerprint"]) == 16 and int(i["fingerprint"], 16) >= 0, i
assert len({i["fingerprint"] for i in a}) == len(a), "fingerprints repeat"
got = [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], i["severity"]) for i in a]
assert got == [("examples/ingress.yaml", 29, "FieldValueInvalid", "critical"),
               ("examples/ingress.yaml", 32, "FieldValueInvalid", "critical"),
               ("examples/ingress.yaml", 38, "FieldValueInvalid", "critical"),
               ("tests/golden/lint/ignore-annotation/ingress.yaml", 22, "host-path-conflict", "critical"),
               ("tests/golden/lint/ignore-annotation/ingress.yaml", 14, "dangerous-annotation", "critical"),
               ("tests/golden/lint/ignore-annotation/ingress.yaml", 39, "regex-in-path", "minor"),
               ("/nonexistent/x.yaml", 1, "input-error", "blocker"),
               ("<stdin>", 2, "input-error", "blocker")], got
assert [g[2] for g in got].count("regex-in-path") == 1, got   # the silenced one is left out
assert a[0]["description"].startswith("Ingress default/web: spec.rules[0].host: Invalid value"), a[0]
PY
echo "sarif-junit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
