#!/usr/bin/env bash
# The documented manifests of tests/real (each file names its source): linted
# under the controller profile their class or annotations name, they give
# exactly the findings of tests/real/EXPECT -- no error on a valid manifest,
# the warnings judged right, errors for the true dangers and the invalid ones.
# usage: tests/suites/real_manifests.sh BUILD_DIR BINARY   last line "real-manifests: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-${1:-build/default}/ingress-warden}")
cd tests/real
python3 - "$BIN" <<'EOP'
import re, subprocess, sys
binary = sys.argv[1]
passed = failed = 0
line_re = re.compile(r'^(\S+:\d+:\d+): (error|warning): (.*)$')
for n, raw in enumerate(open("EXPECT"), 1):
    if not raw.strip() or raw.startswith("#"):
        continue
    files, rc, want = [x.strip() for x in raw.rstrip("\n").split("|", 2)]
    want = [w for w in want.split(";") if w]
    p = subprocess.run([binary, "lint", *files.split()], capture_output=True, text=True,
                       env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    got = []
    for out in (p.stdout + p.stderr).splitlines():
        m = line_re.match(out)
        if not m:
            continue
        loc, sev, rest = m.groups()
        rest = re.sub(r'^(Ingress|IngressClass) \S+: ', '', rest)   # the object the line is about
        c = re.match(r'^([a-z-]+): ', rest)
        if c and not rest.startswith("spec.") and not rest.startswith("metadata."):
            got.append(f"{loc} {sev} {c.group(1)}")
        elif re.match(r'^(spec|metadata)\.\S*: ', rest):
            got.append(f"{loc} {sev} api-server {rest.split(':')[0]}")
        else:
            got.append(f"{loc} {sev} syntax")
    if str(p.returncode) == rc and got == want:
        passed += 1
        print(f"ok   {files}")
    else:
        failed += 1
        print(f"FAIL EXPECT:{n} {files}: exit {p.returncode} (want {rc})")
        print("     got:  " + ";".join(got))
        print("     want: " + ";".join(want))
print(f"real-manifests: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOP
