#!/usr/bin/env bash
# Regex paths nginx refuses to compile (issue 13): on a host in regex mode
# ingress-nginx writes every path as `location ~* "^PATH"` (template.go
# buildLocation, sanitizeQuotedRegex).  For each path of tests/router/pcre-paths.txt,
# real nginx (`nginx -t` on that location) decides whether it compiles; then
#   lint                                  controller-rejects exactly when nginx refuses,
#                                         with nginx's own pcre2_compile() message;
#   route --controller ingress-nginx      "nginx refuses it (<the same message>...)",
#                                         else a decision (or "cannot decide" for PCRE
#                                         syntax base/regex does not evaluate).
# usage: tests/suites/ngx_pcre.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-./ingress-warden}")
if [ ! -x /usr/sbin/nginx ]; then
  echo "skipped: /usr/sbin/nginx is not installed (make deps installs nginx)"
  echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
python3 - "$BIN" "$T" tests/router/pcre-paths.txt <<'EOP'
import json, os, re, subprocess, sys
binary, tmp, listing = sys.argv[1:4]
passed = failed = 0
def ok(m):
    global passed; passed += 1; print("ok   " + m)
def fail(m):
    global failed; failed += 1; print("FAIL " + m)
paths = [l.rstrip("\n") for l in open(listing, encoding="utf-8")
         if l.strip() and not l.startswith("# ")]
refused_n = 0
for path in paths:
    d = os.path.join(tmp, "n"); os.makedirs(d, exist_ok=True)
    quoted = path.replace("\\", "\\\\").replace('"', '\\"')   # sanitizeQuotedRegex
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write('pid %s/nginx.pid;\nevents {}\nhttp {\n  access_log off;\n'
                '  server {\n    listen 127.0.0.1:1;\n    location ~* "^%s" { return 200; }\n  }\n}\n'
                % (d, quoted))
    p = subprocess.run(["/usr/sbin/nginx", "-t", "-p", d, "-e", os.path.join(d, "err.log"),
                        "-c", os.path.join(d, "nginx.conf")], capture_output=True, text=True)
    m = re.search(r'\[emerg\] (pcre2?_compile\(\) failed: .*) in /\S+:\d+$', p.stderr, re.M)
    if p.returncode != 0 and not m:
        fail(f"{path!r}: nginx -t failed for another reason: {p.stderr.strip()}")
        continue
    nginx_msg = m.group(1) if m else None
    refused_n += bool(nginx_msg)
    ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "rx", "namespace": "default",
                        "annotations": {"nginx.ingress.kubernetes.io/use-regex": "true"}},
           "spec": {"ingressClassName": "nginx", "rules": [{"host": "a.com", "http": {"paths": [
               {"path": path, "pathType": "ImplementationSpecific",
                "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}}
    f = os.path.join(tmp, "ing.json")
    json.dump(ing, open(f, "w"))
    env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    lint = subprocess.run([binary, "lint", "-o", "json", f], capture_output=True, text=True, env=env)
    try:
        every = [x for r in json.loads(lint.stdout)["results"] for x in r["findings"]]
        found = [x for x in every if x.get("check") == "controller-rejects"]
        others = sorted({x["check"] for x in every if x["severity"] == "error"} - {"controller-rejects"})
    except (ValueError, KeyError) as e:
        fail(f"{path!r}: lint -o json: {e}: {lint.stdout[:300]} {lint.stderr[:300]}")
        continue
    if nginx_msg:
        want = f"which nginx refuses: {nginx_msg};"
        if lint.returncode == 1 and len(found) == 1 and want in found[0].get("message", ""):
            ok(f"lint {path!r}: controller-rejects, {nginx_msg}")
        else:
            fail(f"lint {path!r}: nginx refuses ({nginx_msg}); got exit {lint.returncode}: {found}")
    else:
        # braces that are no quantifier are dangerous-path (CVE-2026-24512), not this
        if lint.returncode == (1 if others else 0) and not found:
            ok(f"lint {path!r}: nginx compiles it, no controller-rejects"
               + (f" (errors: {', '.join(others)})" if others else ""))
        else:
            fail(f"lint {path!r}: nginx compiles it; got exit {lint.returncode}: {found}")
    r = subprocess.run([binary, "route", "--controller", "ingress-nginx", "-f", f, "--host", "a.com",
                        "--path", "/x"], capture_output=True, text=True, env=env)
    said = re.search(r'^configuration: nginx refuses it \((.*), location of server "a\.com"\)',
                     r.stdout, re.M)
    if nginx_msg:
        if said and said.group(1) == nginx_msg:
            ok(f"route {path!r}: nginx refuses the configuration")
        else:
            fail(f"route {path!r}: want refusal {nginx_msg!r}; got: {r.stdout[-400:]} {r.stderr[-200:]}")
    else:
        if r.returncode == 0 and not said and re.search(r'^decision: ', r.stdout, re.M):
            ok(f"route {path!r}: decided")
        else:
            fail(f"route {path!r}: exit {r.returncode}: {r.stdout[-400:]} {r.stderr[-200:]}")
# an Ingress that puts the host in regex mode turns an older Ingress's path into a
# regex nginx refuses: both are reported (whole output)
p = subprocess.run([binary, "lint", "tests/router/pcre-regex-mode.yaml"], capture_output=True,
                   text=True, env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
want = open("tests/router/pcre-regex-mode.out").read()
if p.returncode == 1 and p.stdout + p.stderr == want:
    ok("lint tests/router/pcre-regex-mode.yaml: both Ingresses, the whole output")
else:
    fail(f"lint tests/router/pcre-regex-mode.yaml: exit {p.returncode}\n{p.stdout}{p.stderr}")
print(f"({len(paths)} paths, nginx refuses {refused_n})")
if refused_n < 10 or len(paths) - refused_n < 10:
    fail("the listing keeps at least 10 refused and 10 compiled paths")
print(f"ngx-pcre: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOP
