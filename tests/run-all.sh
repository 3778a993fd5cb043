#!/usr/bin/env bash
# Runs every test of one build flavour and prints one closing line
# "N passed, N failed".  usage: tests/run-all.sh BUILD_DIR   (e.g. build/default)
#   - every cmocka binary BUILD_DIR/tests/<module>/test_* (tests/unit/<module>/test_*.c)
#   - every suite script tests/suites/*.sh, called as: SCRIPT BUILD_DIR BINARY
#     (a suite prints its own "N passed, N failed" as its last line)
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/default}
BIN=$B/ingress-warden
passed=0; failed=0; skipped=0; broken=()

count_cmocka() {  # file -> "p f"
  local p f
  p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$1" | awk '{s+=$4} END {print s+0}')
  f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$1" | awk '{s+=$4} END {print s+0}')
  echo "$p $f"
}

out=$(mktemp); trap 'rm -f "$out"' EXIT
for t in "$B"/tests/*/test_*; do
  [ -x "$t" ] || continue
  "$t" >"$out" 2>&1; rc=$?
  read -r p f < <(count_cmocka "$out")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  name="$(basename "$(dirname "$t")")/$(basename "$t")"
  if [ "$rc" -ne 0 ]; then broken+=("$name"); cat "$out"; fi
  echo "unit $name: $p passed, $f failed"
done

for s in tests/suites/*.sh; do
  [ -x "$s" ] || continue
  "$s" "$B" "$BIN" >"$out" 2>&1; rc=$?
  last=$(grep -E '^[A-Za-z-]*:? ?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
  p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$last"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$last")
  k=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$last"); k=${k:-0}
  [ -n "$last" ] || { p=0; f=1; }
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$rc" -ne 0 ]; then broken+=("$(basename "$s")"); tail -n 40 "$out"; fi
  skipped=$((skipped + k))
  if [ "$k" -gt 0 ]; then grep -m1 '^skipped: ' "$out" | sed "s/^/suite $(basename "$s" .sh) /"; fi
  echo "suite $(basename "$s" .sh): $p passed, $f failed$([ "$k" -gt 0 ] && echo ", $k skipped")"
done

[ ${#broken[@]} -eq 0 ] || echo "failing: ${broken[*]}"
echo "$(basename "$B"): $passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ] && [ ${#broken[@]} -eq 0 ]
