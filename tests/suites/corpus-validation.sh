#!/usr/bin/env bash
# The validation corpus through the pure core: parse, validate, compare the
# decision and the whole list of distinct errors.  usage: SCRIPT BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/default}
exec "$B/tools/corpus_validation" tests/corpus/validation.jsonl
