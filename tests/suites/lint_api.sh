#!/usr/bin/env bash
# The lint listener's page and API (issue 15 items 1 and 2): GET / and its files with
# their headers, POST /lint (?o=, a status per outcome, content types, a log line per
# request), POST /route, the loopback Host and same-origin rules, the body limit on every
# route.  Free ports in 19750-19799.
# usage: tests/suites/lint_api.sh BUILD_DIR BINARY     last line: "lint-api: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/default}
BIN=$(realpath "${2:-$B/ingress-warden}")
T=$(mktemp -d /tmp/iw-lintapi-test.XXXXXX)
pass=0; fail=0; SPID=
ok()   { pass=$((pass + 1)); echo "ok   - $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
eq()   { [ "$1" = "$2" ] || { echo "   expected: $2"; echo "   got:      $1"; return 1; }; }
has()  { grep -qF -- "$2" "$1" || { echo "   '$2' not in $1:"; head -c 600 "$1"; echo; return 1; }; }
cleanup() {
  [ -n "$SPID" ] && { kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
  rm -rf "$T"
}
trap cleanup EXIT

for try in $(seq 8); do
  P=$((19750 + RANDOM % 50))
  "$BIN" serve --lint-listen "127.0.0.1:$P" --max-body 64Ki --shutdown-delay 0 2>"$T/serve.log" &
  SPID=$!
  for i in $(seq 100); do
    grep -q '"msg":"ready"' "$T/serve.log" 2>/dev/null && break 2
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
  done
  wait "$SPID" 2>/dev/null; SPID=
done
[ -n "$SPID" ] || { cat "$T/serve.log"; echo "FAIL - the lint server starts"; echo "lint-api: 0 passed, 1 failed"; exit 1; }
U=http://127.0.0.1:$P
# code METHOD PATH [curl args]: prints the status; the body in $T/body, the headers in $T/head
code() { local m=$1 p=$2; shift 2
  curl -sS --max-time 10 -X "$m" -D "$T/head" -o "$T/body" -w '%{http_code}' "$@" "$U$p"; }
hdr() { grep -i "^$1:" "$T/head" | head -n 1 | cut -d' ' -f2- | tr -d '\r'; }

# ---------------------------------------------------------------- the page
check "GET /: 200" eq "$(code GET /)" 200
check "   ... text/html" eq "$(hdr Content-Type)" "text/html; charset=utf-8"
check "   ... a Content-Security-Policy that allows this origin only" eq "$(hdr Content-Security-Policy)" \
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
check "   ... X-Frame-Options DENY, no referrer" eq "$(hdr X-Frame-Options) $(hdr Referrer-Policy)" "DENY no-referrer"
for id in manifest lint findings route-host route-path route route-result; do
  check "   ... element #$id" has "$T/body" "id=\"$id\""
done
check "   ... says nothing leaves the machine" has "$T/body" "Nothing leaves this machine."
check "   ... the same bytes as webhook/page/index.html (built in)" cmp -s "$T/body" webhook/page/index.html
# nothing on the page comes from elsewhere: no absolute URL in any of its files
for f in / /page.js /page.css /icon.svg; do
  code GET "$f" >/dev/null
  cp "$T/body" "$T/asset"
  check "GET $f: no http(s):// or //host reference in it" python3 - "$T/asset" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
bad = re.findall(r"""(?:src|href|action|url\()\s*=?\s*["']?\s*(?:[a-z]+:)?//[^"')\s]*|@import|import\s*\(""", t)
bad = [b for b in bad if "www.w3.org/2000/svg" not in b]   # the SVG namespace is a name, not a fetch
assert not bad, bad
PY
done
check "GET /page.js: 200 text/javascript" eq "$(code GET /page.js) $(hdr Content-Type)" "200 text/javascript; charset=utf-8"
check "   ... the same bytes as webhook/page/page.js" cmp -s "$T/body" webhook/page/page.js
check "GET /page.css: 200 text/css" eq "$(code GET /page.css) $(hdr Content-Type)" "200 text/css; charset=utf-8"
check "GET /icon.svg: 200 image/svg+xml" eq "$(code GET /icon.svg) $(hdr Content-Type)" "200 image/svg+xml"
check "HEAD /: 200, the length of the page, no body" \
  eq "$(code HEAD / --head) $(hdr Content-Length) $(grep -c '<html' "$T/body")" "200 $(stat -c %s webhook/page/index.html) 0"
check "POST /: 405 with Allow: GET, HEAD" eq "$(code POST / --data-binary x) $(hdr Allow)" "405 GET, HEAD"
check "GET /nothing: 404" eq "$(code GET /nothing)" 404
check "GET /lint: 405 with Allow: POST" eq "$(code GET /lint) $(hdr Allow)" "405 POST"
check "GET /route: 405" eq "$(code GET /route)" 405

# ---------------------------------------------------------------- loopback only, same origin
check "Host: evil.example (a rebound name): 403" eq "$(code GET / -H 'Host: evil.example')" 403
check "Host: evil.example:$P on POST /lint: 403" \
  eq "$(code POST /lint -H "Host: evil.example:$P" --data-binary @examples/ingress.yaml)" 403
check "Host: localhost:$P: 200" eq "$(code GET / -H "Host: localhost:$P")" 200
check "Origin of another site: 403" \
  eq "$(code POST /lint -H 'Origin: http://evil.example' --data-binary @examples/ingress.yaml)" 403
check "Origin: null (a sandboxed page or a file): 403" \
  eq "$(code POST /lint -H 'Origin: null' --data-binary @examples/ingress.yaml)" 403
check "Origin of the page itself: answered (422)" \
  eq "$(code POST /lint -H "Origin: http://127.0.0.1:$P" -H 'Content-Type: application/yaml' --data-binary @examples/ingress.yaml)" 422

# ---------------------------------------------------------------- POST /lint: statuses
A=$T/allowed.yaml
cat >"$A" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
YAML
check "nothing denied: 200" eq "$(code POST /lint -H 'Content-Type: application/yaml' --data-binary @"$A")" 200
check "   ... the lint JSON" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["objects"]==1 and d["summary"]["denied"]==0, d' "$T/body"
check "something denied: 422" eq "$(code POST /lint -H 'Content-Type: application/yaml' --data-binary @examples/ingress.yaml)" 422
check "   ... application/json" eq "$(hdr Content-Type)" "application/json"
"$BIN" lint -o json - <examples/ingress.yaml | sed 's/"source":"<stdin>"/"source":"request"/g' >"$T/cli.json"
check "   ... the body is what lint -o json prints (source named request)" cmp -s "$T/body" "$T/cli.json"
printf 'apiVersion: v1\nkind: [\n' >"$T/broken.yaml"
check "a syntax error: 400" eq "$(code POST /lint -H 'Content-Type: application/yaml' --data-binary @"$T/broken.yaml")" 400
"$BIN" lint -o json - <"$T/broken.yaml" | sed 's/"source":"<stdin>"/"source":"request"/g' >"$T/cli-broken.json"
check "   ... with the report saying where, as lint -o json does" cmp -s "$T/body" "$T/cli-broken.json"
check "an empty body: 200, no object (as lint of an empty file)" \
  eq "$(code POST /lint -H 'Content-Type: application/yaml' --data-binary '')" 200

# ---------------------------------------------------------------- ?o=
check "?o=text: 422, text/plain" eq "$(code POST '/lint?o=text' --data-binary @examples/ingress.yaml) $(hdr Content-Type)" \
  "422 text/plain; charset=utf-8"
NO_COLOR=1 "$BIN" lint -o text - <examples/ingress.yaml | sed 's/^<stdin>:/request:/' >"$T/cli.txt"
check "   ... what lint -o text prints" cmp -s "$T/body" "$T/cli.txt"
check "?o=sarif: 422, application/sarif+json" eq "$(code POST '/lint?o=sarif' --data-binary @examples/ingress.yaml) $(hdr Content-Type)" \
  "422 application/sarif+json"
check "   ... a SARIF 2.1.0 log" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["version"]=="2.1.0" and d["runs"][0]["results"], d' "$T/body"
check "?o=json: as without ?o" eq "$(code POST '/lint?o=json' --data-binary @examples/ingress.yaml)" 422
check "?o=xml: 400 naming the formats" eq "$(code POST '/lint?o=xml' --data-binary @examples/ingress.yaml) $(cat "$T/body")" \
  "400 o must be json, text, sarif, junit or codequality"
# ?status=200 (the page's): the verdict in the report only, 200 whenever a report is written
check "?status=200, something denied: 200" eq "$(code POST '/lint?o=json&status=200' --data-binary @examples/ingress.yaml)" 200
check "   ... the same report as the 422" cmp -s "$T/body" "$T/cli.json"
check "?status=200, a syntax error: 200 with the report" \
  eq "$(code POST '/lint?status=200' -H 'Content-Type: application/yaml' --data-binary @"$T/broken.yaml")" 200
check "   ... the same report as the 400" cmp -s "$T/body" "$T/cli-broken.json"
check "?status=200 with ?o=xml: still 400 (no report)" eq "$(code POST '/lint?o=xml&status=200' --data-binary @examples/ingress.yaml)" 400
check "?status=201: 400 saying what status may be" \
  eq "$(code POST '/lint?status=201' --data-binary @examples/ingress.yaml) $(cat "$T/body")" \
  "400 status must be 200 (answer 200 whenever the report is written) or absent"

# ---------------------------------------------------------------- content types
check "YAML sent as application/json: read (422, not 415)" \
  eq "$(code POST /lint -H 'Content-Type: application/json' --data-binary @examples/ingress.yaml)" 422
check "curl's default form type with --data-binary: read (422)" \
  eq "$(code POST /lint --data-binary @examples/ingress.yaml)" 422
check "   ... the same report" cmp -s "$T/body" "$T/cli.json"
check "--data-urlencode: decoded and read (422)" \
  eq "$(code POST /lint --data-urlencode @examples/ingress.yaml)" 422
check "   ... the same report" cmp -s "$T/body" "$T/cli.json"
check "curl -d (line breaks removed): 400 saying so" \
  eq "$(code POST /lint -d @examples/ingress.yaml) $(cat "$T/body")" \
  "400 a form body without line breaks: curl -d removes them, send YAML with --data-binary @FILE"
cat >"$T/one-line.json" <<'JSON'
{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"a"},"spec":{"defaultBackend":{"service":{"name":"s","port":{"number":80}}}}}
JSON
check "JSON on one line with curl -d: read" \
  eq "$(code POST /lint -d @"$T/one-line.json")" 200
check "image/png: 415" eq "$(code POST /lint -H 'Content-Type: image/png' --data-binary x)" 415

# ---------------------------------------------------------------- POST /route
CONV=tests/browser/docs-ingress-v1.yaml
python3 - "$CONV" >"$T/route.json" <<'PY'
import json, sys
print(json.dumps({"manifests": open(sys.argv[1]).read(), "host": "any.example.com", "path": "/testpath/x"}))
PY
check "POST /route: 200" eq "$(code POST /route -H 'Content-Type: application/json' --data-binary @"$T/route.json")" 200
"$BIN" route -f "$CONV" -o json --host any.example.com --path /testpath/x >"$T/cli-route.json"
check "   ... the decision is what route -o json prints" python3 - "$T/body" "$T/cli-route.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["decision"] == b, (a["decision"], b)
assert a["decision"]["service"] == "test" and a["decision"]["port"] == 80, a
assert "decision: rule default/test-ingress -> service test:80" in a["explanation"], a["explanation"]
PY
check "POST /route, a body that is not JSON: 400" eq "$(code POST /route -H 'Content-Type: application/json' --data-binary 'host: x')" 400
check "   ... saying so" has "$T/body" '"error":"the body is not JSON'
cat >"$T/alb.json" <<'JSON'
{"manifests": "", "controller": "aws-alb"}
JSON
check "POST /route, a controller without a router: 400" \
  eq "$(code POST /route -H 'Content-Type: application/json' --data-binary @"$T/alb.json")" 400
check "   ... saying which have one" has "$T/body" "routing is emulated for spec and ingress-nginx only"
cat >"$T/syntax.json" <<'JSON'
{"manifests": "a: b\nc: [\n"}
JSON
check "POST /route, manifests with a syntax error: 400 with the line" \
  eq "$(code POST /route -H 'Content-Type: application/json' --data-binary @"$T/syntax.json")" 400
check "   ... in problems" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["problems"][0]["line"]==3, d' "$T/body"
python3 - examples/docs-ingress-v1beta1.yaml >"$T/old.json" <<'PY'
import json, sys
print(json.dumps({"manifests": open(sys.argv[1]).read(), "host": "any.example.com", "path": "/testpath/x"}))
PY
check "POST /route, the removed v1beta1 version: 400, refused as route -f refuses it" \
  eq "$(code POST /route -H 'Content-Type: application/json' --data-binary @"$T/old.json")" 400
"$BIN" route -f examples/docs-ingress-v1beta1.yaml --host any.example.com --path /testpath/x 2>"$T/route-err" >/dev/null
check "   ... at line 1, with route's message" python3 - "$T/body" "$T/route-err" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["problems"]
err = open(sys.argv[2]).read()
assert p and p[0]["line"] == 1, p
assert p[0]["message"] in err and "networking.k8s.io/v1" in p[0]["message"], (p, err)
PY
check "POST /route, \"host\" a number: 400" \
  eq "$(code POST /route -H 'Content-Type: application/json' --data-binary '{"manifests":"","host":1}')" 400
check "POST /route?status=200, the removed version: 200 with the error and its problems" \
  eq "$(code POST '/route?status=200' -H 'Content-Type: application/json' --data-binary @"$T/old.json")" 200
check "   ... the error object" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["error"] and d["problems"][0]["line"]==1, d' "$T/body"

# ---------------------------------------------------------------- POST /diff
DOLD=tests/diff/review-main.yaml DNEW=tests/diff/review-branch.yaml
python3 - "$DOLD" "$DNEW" >"$T/diff.json" <<'PY'
import json, sys
print(json.dumps({"old": open(sys.argv[1]).read(), "new": open(sys.argv[2]).read()}))
PY
check "POST /diff: 200" eq "$(code POST /diff -H 'Content-Type: application/json' --data-binary @"$T/diff.json")" 200
"$BIN" diff "$DOLD" --to "$DNEW" -o json >"$T/cli-diff.json"
check "   ... what diff -o json says (objects at old:LINE / new:LINE instead of FILE:LINE)" python3 - "$T/body" "$T/cli-diff.json" "$DOLD" "$DNEW" <<'PY'
import json, sys
api, cli = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for c in cli["causes"]:
    for q in c["requests"]:
        for side, f in (("old", sys.argv[3]), ("new", sys.argv[4])):
            if q[side]["where"]:
                q[side]["where"] = q[side]["where"].replace(f + ":", side + ":")
assert api == cli, json.dumps(api)[:2000]
assert api["differ"] == 7 and [c["count"] for c in api["causes"]] == [1, 6], api
PY
python3 - <<'PY' >"$T/diff-bad.json"
import json
print(json.dumps({"old": "a: [\n", "new": "", "newController": "ingress-nginx"}))
PY
check "POST /diff, old manifests with a syntax error: 400" \
  eq "$(code POST /diff -H 'Content-Type: application/json' --data-binary @"$T/diff-bad.json")" 400
check "   ... the problem says which side and line" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); p=d["problems"][0]; assert p["side"]=="old" and p["line"]==2, d' "$T/body"
check "POST /diff, newController aws-alb: 400 naming the routers there are" \
  eq "$(code POST /diff -H 'Content-Type: application/json' --data-binary '{"old":"","new":"","newController":"aws-alb"}') $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"])' "$T/body")" \
  "400 controller 'aws-alb': routing is emulated for spec and ingress-nginx only"
check "POST /diff, spec against ingress-nginx on the same manifests: 200" \
  eq "$(code POST /diff -H 'Content-Type: application/json' --data-binary "$(python3 -c 'import json,sys; t=open(sys.argv[1]).read(); print(json.dumps({"old":t,"new":t,"newController":"ingress-nginx"}))' "$CONV")")" 200

# ---------------------------------------------------------------- the same limits on every route
head -c 70000 /dev/zero | tr '\0' 'a' >"$T/big"
for p in /lint /route /diff; do
  check "POST $p over --max-body (64Ki): 413" eq "$(code POST $p -H 'Content-Type: application/json' --data-binary @"$T/big")" 413
done
python3 - "$P" >"$T/bad-head" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"POST /route HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")
print(s.recv(100).split(b" ")[1].decode())
PY
check "a bad head on /route (two Content-Lengths): 400" eq "$(cat "$T/bad-head")" 400

# ---------------------------------------------------------------- one log line per request
check "a log line per lint request, with the status (422)" \
  grep -qE '"msg":"lint","endpoint":"/lint","bytes":[0-9]+,"format":"json","objects":2,"denied":1,"errors":[0-9]+,"findings":[0-9]+,"problems":0,"status":422,"duration_us":[0-9]+\}' "$T/serve.log"
check "   ... and for a route request" \
  grep -qE '"msg":"lint","endpoint":"/route","bytes":[0-9]+,"ingresses":1,"match":"rule","status":200,' "$T/serve.log"
check "   ... an input error logged as a warning" grep -qE '"level":"warn","msg":"lint","endpoint":"/lint".*"status":400' "$T/serve.log"
check "   ... never the manifests" bash -c "! grep -q 'shop.example.com\|testpath' '$T/serve.log'"
code GET /metrics >/dev/null
check "metrics: lint requests by result" python3 - "$T/body" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
n = {k: int(v) for k, v in re.findall(r'ingress_warden_lint_requests_total\{result="(\w+)"\} (\d+)', t)}
assert n["ok"] > 0 and n["denied"] > 0 and n["bad_request"] > 0, n
PY

echo "lint-api: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
