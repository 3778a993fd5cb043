#!/usr/bin/env bash
# Golden tests of `ingress-warden lint`: tests/golden/lint/<case>/ holds the
# input files, `args` (the command line after `lint`, run inside the case
# folder), optionally `stdin` (fed to standard input), and the expected output
# expect.txt / expect.json / expect.sarif plus expect.rc (exit status).
# usage: tests/suites/golden-lint.sh BUILD_DIR BINARY      (UPDATE=1 rewrites expectations)
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-build/default/ingress-warden}")
passed=0; failed=0
for dir in tests/golden/lint/*/; do
  case=$(basename "$dir")
  read -r -a args < "$dir/args"
  exp=$(ls "$dir"/expect.txt "$dir"/expect.json "$dir"/expect.sarif 2>/dev/null | head -n 1)
  [ -n "$exp" ] || exp="$dir/expect.txt"
  out=$(mktemp)
  if [ -f "$dir/stdin" ]; then
    (cd "$dir" && NO_COLOR=1 "$BIN" lint "${args[@]}" < stdin > "$out" 2>&1); rc=$?
  else
    (cd "$dir" && NO_COLOR=1 "$BIN" lint "${args[@]}" < /dev/null > "$out" 2>&1); rc=$?
  fi
  if [ "${UPDATE:-0}" = 1 ]; then
    cp "$out" "$exp"; echo "$rc" > "$dir/expect.rc"
  fi
  want_rc=$(cat "$dir/expect.rc" 2>/dev/null || echo missing)
  if [ "$rc" = "$want_rc" ] && diff -u "$exp" "$out" > "$out.diff"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $case: exit $rc (want $want_rc)"; head -n 40 "$out.diff"
  fi
  rm -f "$out" "$out.diff"
done

# usage errors: exit 2 with one line on stderr
for bad in "" "-o yaml x.yaml" "--kube-version 1.2 x.yaml" "--bogus x.yaml" "-o"; do
  read -r -a args <<< "$bad"
  err=$("$BIN" lint "${args[@]}" 2>&1 >/dev/null); rc=$?
  if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ]; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL usage '$bad': exit $rc, stderr: $err"; fi
done
"$BIN" lint --help | grep -q '^usage: ingress-warden lint' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL --help"; }
# an unreadable file is reported and the rest still checked
out=$(NO_COLOR=1 "$BIN" lint /nonexistent/x.yaml tests/golden/lint/docs-example/ingress.yaml 2>&1); rc=$?
if [ "$rc" = 2 ] && grep -q '^/nonexistent/x.yaml: error: cannot read' <<< "$out" && grep -q 'no matches for kind "Ingress" in version "extensions/v1beta1"' <<< "$out"; then
  passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL unreadable: $rc $out"; fi
# the JSON outputs parse
for f in tests/golden/lint/*/expect.json tests/golden/lint/*/expect.sarif; do
  if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" 2>/dev/null; then passed=$((passed + 1))
  else failed=$((failed + 1)); echo "FAIL not JSON: $f"; fi
done
echo "golden-lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
