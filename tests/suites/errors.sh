#!/usr/bin/env bash
# Errors that say what to do (issue 12, section 5): each message a user met
# on the first day, asserted whole.  (Duplicate keys, byte order marks,
# UTF-16, directories, Helm and Kustomize: tests/suites/loader.sh; the
# README's examples: tests/suites/readme_examples.sh.)
# usage: tests/suites/errors.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "$2")
T=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && [ -f "$2" ] && sed 's/^/    /' "$2" | head -n 30; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# same NAME WANT_RC EXPECTED -- CMD...: stdout and stderr compared whole
same() {
  local name=$1 want=$2 exp=$3; shift 4
  NO_COLOR=1 "$@" >"$T/out" 2>&1; local rc=$?
  if [ "$rc" = "$want" ] && diff -u "$exp" "$T/out" >"$T/diff"; then ok "$name"
  else bad "$name (exit $rc, want $want)" "$T/diff"; [ -s "$T/diff" ] || sed 's/^/    /' "$T/out"; fi
}

# ---- certificates: the file and the reason, at start-up nothing to keep
"$BIN" certs --out "$T/c" --service iw --namespace iw --host 127.0.0.1 >/dev/null 2>&1
cat >"$T/want" <<EOF
ingress-warden serve: cannot load the certificate pair: cannot open '$T/none.crt': No such file or directory
EOF
same "serve: a missing certificate names the file and the reason" 2 "$T/want" -- \
  "$BIN" serve --check --tls-cert "$T/none.crt" --tls-key "$T/c/tls.key"
printf -- '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n' >"$T/bad.key"
"$BIN" serve --check --tls-cert "$T/c/tls.crt" --tls-key "$T/bad.key" >"$T/out" 2>&1; rc=$?
if [ $rc = 2 ] && grep -q "^ingress-warden serve: cannot load the certificate pair: key '$T/bad.key': " "$T/out" &&
   ! grep -q "keeping" "$T/out"; then ok "serve: a bad key names the key file and the reason, keeps nothing"
else bad "serve bad key (exit $rc)" "$T/out"; fi
"$BIN" certs --out "$T/d" --service iw --namespace iw >/dev/null 2>&1
cat >"$T/want" <<EOF
ingress-warden serve: cannot load the certificate pair: '$T/c/tls.crt' and '$T/d/tls.key': the key does not match the certificate
EOF
same "serve: a key of another pair says so, naming both files" 2 "$T/want" -- \
  "$BIN" serve --check --tls-cert "$T/c/tls.crt" --tls-key "$T/d/tls.key"

# ---- route, router, conformance validate what they load
cat >"$T/want" <<'EOF'
ingress-warden route: examples/ingress.yaml:29:13: error: Ingress default/web: spec.rules[0].host: Invalid value: "Shop.Example.com": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
ingress-warden route: examples/ingress.yaml:32:19: error: Ingress default/web: spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path
ingress-warden route: examples/ingress.yaml:38:27: error: Ingress default/web: spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive
ingress-warden route: 1 object the API server would refuse (above); --allow-invalid routes it as written
EOF
same "route refuses an Ingress the API server refuses, with its errors" 2 "$T/want" -- \
  "$BIN" route -f examples/ingress.yaml --host shop.example.com --path /
"$BIN" route --allow-invalid -f examples/ingress.yaml -o json --host shop.example.com --path / >"$T/out" 2>"$T/err"; rc=$?
head -n 3 "$T/want" | sed 's/: error: Ingress /: warning: Ingress /' >"$T/want-warn"
cat >"$T/want-out" <<'EOF'
{"match":"rule","namespace":"default","ingress":"shop","service":"shop","port":80,"rule":{"host":"shop.example.com","path":"/","pathType":"Prefix"},"reason":"Prefix / matches / element-wise; the only matching path"}
EOF
if [ $rc = 0 ] && diff -u "$T/want-out" "$T/out" >"$T/diff" && diff -u "$T/want-warn" "$T/err" >>"$T/diff"
then ok "route --allow-invalid routes it, the errors become warnings"; else bad "route --allow-invalid (exit $rc)" "$T/diff"; fi
port=$(free_port)
"$BIN" router --listen 127.0.0.1:$port -f examples/ingress.yaml >"$T/out" 2>&1; rc=$?
[ $rc = 2 ] && tail -n 1 "$T/out" | grep -qx "ingress-warden router: 1 object the API server would refuse (above); --allow-invalid routes it as written" \
  && ok "router refuses it too" || bad "router (exit $rc)" "$T/out"
"$BIN" conformance --target http://127.0.0.1:$port -f examples/ingress.yaml >"$T/out" 2>&1; rc=$?
[ $rc = 2 ] && tail -n 1 "$T/out" | grep -q "would refuse" && ok "conformance refuses it too" || bad "conformance (exit $rc)" "$T/out"

# ---- conformance with nothing listening
cat >"$T/want" <<EOF
ingress-warden conformance: cannot connect to http://127.0.0.1:$port: Couldn't connect to server (is the controller listening there?)
EOF
same "conformance with nothing at the target: cannot connect, exit 2" 2 "$T/want" -- \
  "$BIN" conformance --target http://127.0.0.1:$port -f tests/router/ingresses.json

# ---- router --listen with a port out of range
cat >"$T/want" <<'EOF'
ingress-warden router: cannot use --listen '127.0.0.1:99999': an address is IP:PORT, [IPv6]:PORT or :PORT, with a port from 0 to 65535
EOF
same "router --listen 127.0.0.1:99999 is refused" 2 "$T/want" -- \
  "$BIN" router --listen 127.0.0.1:99999 -f tests/router/ingresses.json

# ---- review given a manifest
cat >"$T/want" <<'EOF'
ingress-warden review: examples/ingress.yaml: this looks like a YAML manifest; review reads one AdmissionReview request (JSON): to check manifests, run `ingress-warden lint examples/ingress.yaml`
EOF
same "review given YAML points to lint" 2 "$T/want" -- "$BIN" review examples/ingress.yaml

# ---- help CMD, --flag=value, did you mean
"$BIN" lint --help >"$T/a" 2>&1; "$BIN" help lint >"$T/b" 2>&1; rc=$?
[ $rc = 0 ] && cmp -s "$T/a" "$T/b" && head -n 1 "$T/b" | grep -q "^usage: ingress-warden lint" \
  && ok "help lint prints lint's help" || bad "help lint (exit $rc)" "$T/b"
for c in review route router conformance serve certs convert; do
  "$BIN" "$c" --help >"$T/a" 2>&1; "$BIN" help "$c" >"$T/b" 2>&1
  cmp -s "$T/a" "$T/b" && grep -q "ingress-warden $c" "$T/b" || { bad "help $c" "$T/b"; continue; }
  ok "help $c"
done
cat >"$T/want" <<'EOF'
ingress-warden: unknown command 'lnt' (did you mean 'lint'?); 'ingress-warden help' lists the commands
EOF
same "an unknown command gets a suggestion" 2 "$T/want" -- "$BIN" lnt x.yaml
"$BIN" lint --output=json examples/ingress.yaml >"$T/out" 2>&1; rc=$?
[ $rc = 1 ] && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" && ok "lint --output=json" \
  || bad "--output=json (exit $rc)" "$T/out"
for args in "lint --outptu json x.yaml|lint: unknown option '--outptu' (did you mean '--output'?)" \
            "lint --agianst s.json x.yaml|lint: unknown option '--agianst' (did you mean '--against'?)" \
            "route --hots a --path /|route: unknown option '--hots' (did you mean '--host'?)" \
            "review --confg p.yaml|review: unknown option '--confg' (did you mean '--config'?)" \
            "serve --lint-lisen 127.0.0.1:1|serve: unknown option '--lint-lisen' (did you mean '--lint-listen'?)" \
            "convert --outptu json x|convert: unknown option '--outptu' (did you mean '--output'?)" \
            "certs --servce x|certs: unknown option '--servce' (did you mean '--service'?) (see --help)"; do
  cmd=${args%%|*}; want="ingress-warden ${args#*|}"
  # shellcheck disable=SC2086
  "$BIN" $cmd </dev/null >"$T/out" 2>&1; rc=$?
  [ $rc = 2 ] && grep -qxF -- "$want" "$T/out" && ok "did you mean: $cmd" || bad "did you mean: $cmd (exit $rc)" "$T/out"
done

# ---- text output: the object named, lines in position order, counts that add up
cat >"$T/two.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: nginx
    nginx.ingress.kubernetes.io/server-snippet: "return 200;"
spec:
  rules:
  - host: Shop.example.com
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: api
            port:
              number: 80
      - path: /api
        pathType: Prefix
        backend:
          service:
            name: other
            port:
              number: 80
EOF
NO_COLOR=1 "$BIN" lint "$T/two.yaml" >"$T/out" 2>&1; rc=$?
python3 - "$T/out" <<'EOP' && [ $rc = 1 ] && ok "lint text: object named, position order, counts add up" || bad "lint text (exit $rc)" "$T/out"
import re, sys
lines = open(sys.argv[1]).read().rstrip("\n").split("\n")
body, summary = lines[:-1], lines[-1]
pos = []
for l in body:
    m = re.match(r".*two\.yaml:(\d+):(\d+): (error|warning): Ingress shop/web: ", l)
    assert m, "object not named: " + l
    pos.append((int(m.group(1)), int(m.group(2))))
assert pos == sorted(pos), pos
errors = sum(": error: " in l for l in body)
warnings = sum(": warning: " in l for l in body)
m = re.match(r"1 object checked, 1 denied: (\d+) errors? \((\d+) from the API server's rules, (\d+) from checks, (\d+) input\), (\d+) warnings?; 0 documents of other kinds skipped$", summary)
assert m, summary
e, api, chk, inp, w = map(int, m.groups())
assert e == errors == api + chk + inp, (e, errors, api, chk, inp)
assert w == warnings, (w, warnings)
assert api == 1 and chk == 1 and w == 2, (api, chk, w)
EOP

# ---- serve: plain HTTP only on loopback, --check says the same as serve
"$BIN" serve --help >"$T/out" 2>&1
grep -q -- "--lint-listen .*plain HTTP, loopback addresses only" "$T/out" && ! grep -qi "or HTTPS" "$T/out" \
  && ok "serve --help: the lint listener is plain HTTP on loopback only" || bad "serve --help" "$T/out"
cat >"$T/want" <<'EOF'
ingress-warden serve: --lint-listen 0.0.0.0:8080: plain HTTP is only served on loopback: '0.0.0.0:8080' is not (see --help)
EOF
same "serve --check refuses what serve refuses" 2 "$T/want" -- "$BIN" serve --lint-listen 0.0.0.0:8080 --check
# a port in use: the system's reason
port=$(free_port)
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(60)' $port &
pids+=($!)
for _ in $(seq 50); do python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' $port 2>/dev/null && break; sleep 0.1; done
cat >"$T/want" <<EOF
ingress-warden serve: cannot listen on '127.0.0.1:$port': Address already in use
EOF
same "serve on a busy port: the system's error" 2 "$T/want" -- "$BIN" serve --lint-listen 127.0.0.1:$port --shutdown-delay 0
if [ -x ./ingress-warden ]; then
  DEV_CERTS="$T/dev" WEBHOOK_ADDR=127.0.0.1:$port LINT_ADDR=127.0.0.1:$(free_port) timeout 60 scripts/dev-serve.sh >"$T/out" 2>&1; rc=$?
  [ $rc != 0 ] && grep -qx "ingress-warden serve: cannot listen on '127.0.0.1:$port': Address already in use" "$T/out" \
    && ok "make serve on a busy port prints the system's error" || bad "dev-serve.sh busy (exit $rc)" "$T/out"
else
  echo "skipped: make serve on a busy port: ./ingress-warden is not built (make builds it)"
fi

# ---- README: what it links exists, what it lists is complete
grep -q '(docs/DESIGN.md)' README.md && [ -s docs/DESIGN.md ] && ok "README links docs/DESIGN.md, which is in the repository" \
  || bad "README: DESIGN.md link"
python3 - "$BIN" <<'EOP' && ok "README lists every environment variable of serve --help" || bad "README: environment variables"
import re, subprocess, sys
helptext = subprocess.run([sys.argv[1], "serve", "--help"], capture_output=True, text=True).stdout
want = set(re.findall(r"\bIW_[A-Z_]+", helptext))
readme = open("README.md").read()
para = readme[readme.index("Every flag is also an environment variable"):]
para = para[:para.index("\n\n")]
got = set(re.findall(r"\bIW_[A-Z_]+", para))
missing, extra = want - got, got - want
if missing or extra:
    print("    missing from README: %s; not in serve --help: %s" % (sorted(missing), sorted(extra)))
    sys.exit(1)
EOP
for v in WEBHOOK_ADDR LINT_ADDR DEV_CERTS; do
  grep -q "\b$v\b" README.md && ok "README documents make serve's $v" || bad "README: $v"
done

echo "errors: $pass passed, $fail failed"
[ "$fail" = 0 ]
