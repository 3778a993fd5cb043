#!/usr/bin/env bash
# `ingress-warden checks` (issue 15): every check of the table with its ID, severity,
# profiles, why it matters and how to silence it; the same IDs as the README's check
# table; -o json; one check by ID (whole output: tests/golden/checks/two.txt); an unknown ID.
# usage: tests/suites/checks_cmd.sh BUILD_DIR BINARY     last line: "checks-cmd: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-build/default/ingress-warden}")
T=$(mktemp -d /tmp/iw-checks.XXXXXX); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "ok   - $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

"$BIN" checks >"$T/all.txt"; rc=$?
check "checks: exit 0" test "$rc" = 0
# the README's table of checks: | `ID` | default | what it catches |
sed -n '/^| ID | default | what it catches |/,/^$/p' README.md | sed -nE 's/^\| (<a id="check-[a-z-]+"><\/a>)?`([a-z-]+)` \|.*/\2/p' | sort >"$T/readme-ids"
sed -nE 's/^([a-z-]+): .*/\1/p' "$T/all.txt" | sort >"$T/ids"
check "checks: the same IDs as the README's check table ($(wc -l <"$T/ids") checks)" \
  bash -c "[ -s '$T/ids' ] && diff '$T/ids' '$T/readme-ids'"
check "checks: every check says its severity, profiles, what it catches, why it matters, how to silence it" \
  python3 - "$T/all.txt" <<'PY'
import re, sys
blocks = [b for b in open(sys.argv[1]).read().split("\n\n") if re.match(r"^[a-z-]+: ", b)]
assert len(blocks) >= 18, len(blocks)
for b in blocks:
    for label in ("severity", "profiles", "catches", "matters", "silence"):
        assert re.search(r"^  %s +\S" % label, b, re.M), (label, b)
    ident = b.split(":")[0]
    assert 'ingress-warden.io/ignore: "%s"' % ident in b.replace("\n            ", " "), b
PY
"$BIN" checks -o json >"$T/all.json"
check "checks -o json: one object per check, the same IDs, with title, severity, profiles, catches, why" \
  python3 - "$T/all.json" "$T/ids" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
ids = open(sys.argv[2]).read().split()
assert sorted(c["id"] for c in a) == ids, [c["id"] for c in a]
for c in a:
    assert c["severity"] in ("error", "warning") and c["title"] and c["catches"] and c["why"], c
    assert isinstance(c["profiles"], list) and c["silence"]["annotation"] == "ingress-warden.io/ignore", c
byid = {c["id"]: c for c in a}
assert byid["dangerous-path"]["profiles"] == ["ingress-nginx"], byid["dangerous-path"]
assert byid["host-path-conflict"]["profiles"] == [] and byid["host-path-conflict"]["variant"] == \
    {"key": "sameNamespaceSeverity", "severity": "warning"}, byid["host-path-conflict"]
PY
"$BIN" checks dangerous-path canary-without-main >"$T/two.txt"
check "checks dangerous-path canary-without-main: those two, as tests/golden/checks/two.txt" \
  diff "$T/two.txt" tests/golden/checks/two.txt
"$BIN" checks dangerous-pth >"$T/out" 2>"$T/err"; rc=$?
check "checks dangerous-pth: exit 2, did you mean dangerous-path" \
  bash -c "[ $rc = 2 ] && [ ! -s '$T/out' ] && grep -qF \"no check 'dangerous-pth' (did you mean 'dangerous-path'?)\" '$T/err'"
"$BIN" checks -o yaml >/dev/null 2>"$T/err"; rc=$?
check "checks -o yaml: exit 2" bash -c "[ $rc = 2 ] && grep -qF -- \"-o takes text or json, not 'yaml'\" '$T/err'"
"$BIN" help checks >"$T/help"
check "help checks: the usage" grep -q '^usage: ingress-warden checks \[-o text|json\] \[ID...\]' "$T/help"
echo "checks-cmd: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
