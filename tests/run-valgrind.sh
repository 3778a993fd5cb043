#!/usr/bin/env bash
# Runs every unit test binary of BUILD_DIR, and `review` on every golden
# request, under valgrind --leak-check=full --error-exitcode=1; prints
# "N passed, N failed" last and exits non-zero on any error or leak.
# usage: tests/run-valgrind.sh BUILD_DIR     (make valgrind: build/default)
set -uo pipefail
cd "$(dirname "$0")/.."
B=${1:-build/default}
BIN=$B/ingress-warden
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind is not installed (make deps)" >&2
	exit 2
fi
VG=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
run() {   # name, expected exit statuses (space separated), command...
	local name=$1 want=$2
	shift 2
	"${VG[@]}" --log-file="$T/vg" "$@" > "$T/out" 2>&1 < "${STDIN:-/dev/null}"
	local rc=$?
	if [ "$rc" != 99 ] && [[ " $want " == *" $rc "* ]] && [ ! -s "$T/vg" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name (exit $rc)"
		head -n 40 "$T/vg"
		[ "$rc" = 99 ] || tail -n 10 "$T/out"
	fi
}
for t in "$B"/tests/*/test_*; do
	[ -x "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=stdout run "unit $(basename "$(dirname "$t")")/$(basename "$t")" 0 "$t"
done
for d in tests/golden/review/*/; do
	n=$(basename "$d")
	want=$(cat "$d/exit" 2>/dev/null || echo "0 1 2")
	STDIN=$d/request.json run "review $n" "$want" "$BIN" review -
done
# the Gateway API router, its checks and diff
run "route --gateway-api" 0 "$BIN" route --gateway-api -f tests/gateway/profiles.yaml \
	--host shop.example.com --path /api/v1 --controller nginx-gateway-fabric
run "lint gateway checks" 1 "$BIN" lint --against tests/golden/lint/gateway-checks/cluster.json \
	tests/golden/lint/gateway-checks/routes.yaml
run "diff migration" 1 "$BIN" diff -o json tests/diff/wildcard-ingress.yaml tests/diff/exact-ingress.yaml \
	--to tests/diff/wildcard-httproute.yaml tests/diff/exact-httproute.yaml
run "diff controller switch" 1 "$BIN" diff tests/gateway/profiles.yaml --to tests/gateway/profiles.yaml \
	--new-controller istio
run "diff ingress-nginx migration" 1 "$BIN" diff examples/leaving-ingress-nginx.yaml --old-controller ingress-nginx \
	--to examples/leaving-ingress-nginx-gateway.yaml
run "diff input error" 2 "$BIN" diff tests/diff/same-ingress.yaml --to tests/corpus/README.md
run "route --gateway-api refused" 2 "$BIN" route --gateway-api -f tests/real/gateway-api/conformance/base/manifests.yaml \
	-f tests/golden/lint/gateway-api/invalid.yaml --host a --path /
run "review --help" 0 "$BIN" review --help
run "review usage error" 2 "$BIN" review --bogus
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
