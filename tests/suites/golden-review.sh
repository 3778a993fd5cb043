#!/bin/sh
# Golden AdmissionReview cases: tests/golden/review/<case>/request.json is fed to
# `review -`; expect.json (compared as JSON) or stderr (the exact line), and exit.
# Also: an oversized body, a file argument, usage errors, --kube-version.
# Usage: golden-review.sh BUILD_DIR BINARY
BIN=${2:-./ingress-warden}
G=tests/golden/review
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

for d in "$G"/*/; do
	n=$(basename "$d")
	"$BIN" review - < "$d/request.json" > "$T/out" 2> "$T/err"
	rc=$?
	want=$(cat "$d/exit")
	if [ "$rc" != "$want" ]; then
		ko "$n: exit $rc, expected $want ($(head -c 300 "$T/err"))"
		continue
	fi
	if [ -f "$d/expect.json" ]; then
		if python3 - "$d/expect.json" "$T/out" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
raw = open(sys.argv[2]).read()
assert raw.endswith("}\n") and raw.count("\n") == 1, "not one compact line"
got = json.loads(raw)
if got != want:
    print("got  %s\nwant %s" % (json.dumps(got)[:2000], json.dumps(want)[:2000]))
    sys.exit(1)
PY
		then ok; else ko "$n: response differs"; fi
		[ -s "$T/err" ] && ko "$n: unexpected stderr: $(head -c 200 "$T/err")"
	else
		if [ -s "$T/out" ]; then ko "$n: stdout not empty on a malformed request"; fi
		if [ "$(wc -l < "$T/err")" -eq 1 ] && cmp -s "$T/err" "$d/stderr"; then ok
		else ko "$n: stderr '$(cat "$T/err")', expected '$(cat "$d/stderr")'"; fi
	fi
done

# A file argument gives the same answer as stdin.
"$BIN" review "$G/denied-several-causes/request.json" > "$T/a"; rc1=$?
"$BIN" review - < "$G/denied-several-causes/request.json" > "$T/b"; rc2=$?
if [ "$rc1" = 1 ] && [ "$rc2" = 1 ] && cmp -s "$T/a" "$T/b"; then ok; else ko "file argument vs stdin"; fi

# A body over the size bound: exit 2, one line naming the bound, no output.
python3 -c 'import sys; sys.stdout.write("{\"pad\": \"" + "x" * (9 << 20) + "\"}")' > "$T/big"
"$BIN" review "$T/big" > "$T/out" 2> "$T/err"; rc=$?
if [ "$rc" = 2 ] && [ ! -s "$T/out" ] && grep -qE "larger than|over the limit" "$T/err"; then ok
else ko "oversized body: exit $rc, stderr $(head -c 200 "$T/err")"; fi

# Usage errors: exit 2 with a reason; --help exits 0.
for args in "--bogus" "a.json b.json" "--kube-version" "--kube-version 1.20"; do
	# shellcheck disable=SC2086
	"$BIN" review $args < /dev/null > "$T/out" 2> "$T/err"; rc=$?
	if [ "$rc" = 2 ] && head -n 1 "$T/err" | grep -q "^ingress-warden review: "; then ok
	else ko "usage '$args': exit $rc"; fi
done
"$BIN" review missing-file.json > /dev/null 2> "$T/err"; rc=$?
if [ "$rc" = 2 ] && grep -q "missing-file.json: cannot read: No such file" "$T/err"; then ok; else ko "missing file: exit $rc"; fi
if "$BIN" review --help | grep -q "usage: ingress-warden review"; then ok; else ko "--help"; fi

# --kube-version is accepted for every supported version and changes nothing here.
for v in 1.34 1.35 1.36 1.37; do
	"$BIN" review --kube-version "$v" "$G/allowed/request.json" > /dev/null; rc=$?
	if [ "$rc" = 0 ]; then ok; else ko "--kube-version $v: exit $rc"; fi
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
