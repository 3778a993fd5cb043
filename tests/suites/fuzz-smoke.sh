#!/usr/bin/env bash
# Fuzz smoke test: builds every tests/fuzz/fuzz_*.c (make fuzz, incremental)
# and runs each for a short bounded time (about 40 s of fuzzing in all); a crash, leak
# or timeout fails.  The targets carry their own ASan+UBSan, so this runs in
# the build/default pass only.  Skipped (0 passed) without clang.
# usage: fuzz-smoke.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/default}
if [ "$(basename "$B")" != default ]; then
	echo "skipped: the fuzz targets carry their own ASan+UBSan and run in the default pass only"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "skipped: clang is not installed (make deps)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
if ! make --no-print-directory -s fuzz > build/fuzz-build.log 2>&1; then
	tail -n 20 build/fuzz-build.log
	echo "FAIL make fuzz"
	echo "0 passed, 1 failed"
	exit 1
fi
n=0
for f in tests/fuzz/fuzz_*.c; do n=$((n + 1)); done
[ "$n" -gt 0 ] || { echo "0 passed, 0 failed"; exit 0; }
secs=$((40 / n))
[ "$secs" -gt 20 ] && secs=20
[ "$secs" -lt 5 ] && secs=5
targets=()
for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
tests/run-fuzz.sh "$secs" "${targets[@]}"
