#!/usr/bin/env bash
# The routing corpus (tests/corpus/routing.jsonl) through `route -o json`,
# scored by the same script as the independent scorer.
# usage: tests/suites/routing_corpus.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
exec python3 tests/tools/score-routing tests/corpus/routing.jsonl "$BIN"
