#!/usr/bin/env bash
# The Gateway API routing corpus (tests/corpus/gateway.jsonl, a copy of
# /work/shared/corpus/gateway/public.jsonl) through `route --gateway-api -o json`,
# scored by a copy of the independent scorer (tests/tools/score-gateway) with
# --strict (status, route_namespace and redirect compared too).
# usage: tests/suites/gateway_corpus.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${2:-./ingress-warden}
exec python3 tests/tools/score-gateway "$BIN" tests/corpus/gateway.jsonl --strict --jobs 2
