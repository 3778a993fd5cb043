#!/usr/bin/env bash
# The ingress-nginx routing corpus (tests/corpus/ingress-nginx.jsonl, whose
# expectations real nginx produced from a faithful rendering of ingress-nginx
# v1.15.1's template) through `route --controller ingress-nginx -o json`,
# scored by a copy of the independent scorer; then the same cases as
# multi-document YAML.
# usage: tests/suites/ngx_corpus.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
passed=0; failed=0
for fmt in json yaml; do
  out=$(python3 tests/tools/score-nginx "$BIN" tests/corpus/ingress-nginx.jsonl --format $fmt 2>&1)
  last=$(tail -n 1 <<<"$out")
  p=$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p' <<<"$last")
  f=$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p' <<<"$last")
  if [ -z "$p" ]; then echo "$out"; failed=$((failed + 1)); continue; fi
  [ "$f" = 0 ] || grep '^FAIL' <<<"$out"
  echo "score-nginx --format $fmt: $last"
  passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
