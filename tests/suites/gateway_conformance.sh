#!/usr/bin/env bash
# The routing cases of the Gateway API conformance suite's HTTPRoute tests
# (tests/gateway/conformance-cases.jsonl, written from the Go tests of
# kubernetes-sigs/gateway-api by tests/tools/gateway-conformance-cases.py; the
# manifests are the copies in tests/real/gateway-api): each request through
# `route --gateway-api` on the test's manifest and the base manifests, the
# status and the Service (namespace/name) the suite expects.  Most are not in
# the corpus of tests/corpus/gateway.jsonl (which has the ones with routes and
# ports named; these name only the backend).
# usage: tests/suites/gateway_conformance.sh BUILD_DIR BINARY   last line "gateway-conformance: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-${1:-build/default}/ingress-warden}")
python3 - "$BIN" <<'EOP'
import json, subprocess, sys
binary = sys.argv[1]
passed = failed = 0
for line in open("tests/gateway/conformance-cases.jsonl"):
    c = json.loads(line)
    q, want = c["request"], c["expect"]
    args = [binary, "route", "--gateway-api", "--gateway", c["gateway"], "--host", q["host"],
            "--path", q["path"], "--method", q["method"], "-o", "json"]
    for f in c["files"]:
        args += ["-f", "tests/real/gateway-api/" + f]
    for k, v in q["headers"].items():
        args += ["--header", f"{k}={v}"]
    if "port" in q:
        args += ["--port", str(q["port"])]
    p = subprocess.run(args, capture_output=True, text=True)
    try:
        d = json.loads(p.stdout)
    except ValueError:
        d = {"error": p.stderr.strip()}
    got = {"status": d.get("status"), "namespace": d.get("namespace") if want["service"] else None,
           "service": d.get("service") if want["service"] else None}
    if p.returncode == 0 and got == want:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {c['id']} ({c['from']}): {q}\n     want {want}\n     got  {got} {d.get('error', '')}")
print(f"gateway-conformance: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOP
