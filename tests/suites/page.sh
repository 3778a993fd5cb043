#!/usr/bin/env bash
# The lint page in real browsers (issue 15): serve --lint-listen, then Debian's chromium,
# headless, driven by playwright-core (tests/browser/page.test.js), and Debian's firefox-esr
# driven by puppeteer-core over WebDriver BiDi (tests/browser/firefox.test.js) do what a
# person does and check what they see.  Free ports in 19700-19749.
# usage: tests/suites/page.sh BUILD_DIR BINARY     last line: "page: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/default}
BIN=$(realpath "${2:-$B/ingress-warden}")
T=$(mktemp -d /tmp/iw-page-test.XXXXXX)
SPID=
cleanup() {
  [ -n "$SPID" ] && { kill -TERM "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }
  rm -rf "$T"
}
trap cleanup EXIT
fail_all() { echo "FAIL - $1"; echo "page: 0 passed, 1 failed"; exit 1; }

[ -x /usr/bin/chromium ] || fail_all "chromium is not installed: run make deps"
[ -d tests/browser/node_modules/playwright-core ] || fail_all "tests/browser/node_modules is missing: run make deps (npm ci)"

for try in $(seq 8); do
  P=$((19700 + RANDOM % 50))
  "$BIN" serve --lint-listen "127.0.0.1:$P" --shutdown-delay 0 2>"$T/serve.log" &
  SPID=$!
  for i in $(seq 100); do
    grep -q '"msg":"ready"' "$T/serve.log" 2>/dev/null && break 2
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.05
  done
  wait "$SPID" 2>/dev/null; SPID=
done
[ -n "$SPID" ] || { cat "$T/serve.log"; fail_all "the lint server starts"; }

OLD=examples/docs-ingress-v1beta1.yaml
"$BIN" lint -o json "$OLD" >"$T/expect.json"
DOLD=tests/diff/review-main.yaml DNEW=tests/diff/review-branch.yaml   # a change under review
"$BIN" diff "$DOLD" --to "$DNEW" -o json >"$T/diff.json"
pass=0; fail=0
# counts OUT: prints OUT without its "NAME: N passed, N failed" line and adds its counts
counts() {
  grep -v -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' "$1"
  local last; last=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
  if [ -z "$last" ]; then fail=$((fail + 1)); echo "FAIL - $(basename "$1" .out) printed no summary"; return; fi
  pass=$((pass + $(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$last")))
  fail=$((fail + $(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$last")))
}
# Chromium (playwright-core).  The screenshots of the README come from this run:
# SCREENSHOTS=docs/screenshots
timeout 120 node tests/browser/page.test.js "http://127.0.0.1:$P/" "$OLD" tests/browser/docs-ingress-v1.yaml \
  "$T/expect.json" "$DOLD" "$DNEW" "$T/diff.json" "${SCREENSHOTS:-$T/shots}" >"$T/chromium.out" 2>&1
counts "$T/chromium.out"
# Firefox (Debian's firefox-esr over WebDriver BiDi, puppeteer-core): the same path, shorter
if [ ! -x /usr/bin/firefox-esr ]; then
  fail=$((fail + 1)); echo "FAIL - firefox-esr is not installed: run make deps"
elif [ ! -d tests/browser/node_modules/puppeteer-core ]; then
  fail=$((fail + 1)); echo "FAIL - puppeteer-core is missing: run make deps (npm ci)"
else
  HOME=$T timeout 180 node tests/browser/firefox.test.js "http://127.0.0.1:$P/" "$OLD" \
    tests/browser/docs-ingress-v1.yaml "$DOLD" "$DNEW" >"$T/firefox.out" 2>&1
  counts "$T/firefox.out"
fi
[ "$fail" -eq 0 ] || { echo "serve's log:"; tail -n 20 "$T/serve.log"; }
echo "page: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
