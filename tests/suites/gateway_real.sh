#!/usr/bin/env bash
# The Gateway API project's own manifests (tests/real/gateway-api, copies of
# kubernetes-sigs/gateway-api at the commit each file's first line names):
# every HTTPRoute conformance test linted with the conformance base manifests
# it runs on, and the standard examples directory by directory, give exactly
# the findings of tests/real/gateway-api/EXPECT: none on the valid ones, the
# attachment and reference problems on the tests written to have them.
# usage: tests/suites/gateway_real.sh BUILD_DIR BINARY   last line "gateway-real: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-${1:-build/default}/ingress-warden}")
cd tests/real/gateway-api
python3 - "$BIN" "${UPDATE:-0}" <<'EOP'
import re, subprocess, sys
binary, update = sys.argv[1], sys.argv[2] == "1"
passed = failed = 0
line_re = re.compile(r'^(\S+:\d+:\d+): (error|warning): (?:[A-Za-z]+ \S+: )?([a-z-]+|spec\.\S*|metadata\.\S*): ')
lines, out_lines = open("EXPECT").read().split("\n"), []
for n, raw in enumerate(lines, 1):
    if not raw.strip() or raw.startswith("#"):
        out_lines.append(raw)
        continue
    args, rc, want = [x.strip() for x in raw.split("|", 2)]
    want = [w for w in want.split(";") if w]
    p = subprocess.run([binary, "lint", *args.split()], capture_output=True, text=True,
                       env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    got = []
    for out in (p.stdout + p.stderr).splitlines():
        m = line_re.match(out)
        if m:
            what = m.group(3)
            got.append(f"{m.group(1)} {m.group(2)} " + ("api-server " + what if "." in what else what))
        elif re.match(r'^\S+:\d+:\d+: ', out):
            got.append(out)   # anything else with a position: shown whole, never expected
    out_lines.append(f"{args} | {p.returncode} | {';'.join(got)}")
    if str(p.returncode) == rc and got == want:
        passed += 1
        print(f"ok   {args}")
    else:
        failed += 1
        print(f"FAIL EXPECT:{n} {args}: exit {p.returncode} (want {rc})")
        print("     got:  " + ";".join(got))
        print("     want: " + ";".join(want))
if update:
    open("EXPECT", "w").write("\n".join(out_lines))
print(f"gateway-real: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
EOP
