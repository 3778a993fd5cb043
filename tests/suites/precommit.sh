#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml, id ingress-warden-lint) as pre-commit runs
# it: `pre-commit try-repo REPO ingress-warden-lint --all-files` in a new git repository
# holding a folder of manifests and YAML files that are no Kubernetes objects (a GitHub
# workflow, Helm values and a template, a kustomization).  The hook uses this build's
# binary ($INGRESS_WARDEN); the last case lets it build its own clone, as for a user.
# usage: tests/suites/precommit.sh BUILD_DIR BINARY     last line: "precommit: N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
BIN=$(realpath "${2:-build/default/ingress-warden}")
T=$(mktemp -d /tmp/iw-precommit.XXXXXX); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()   { pass=$((pass + 1)); echo "ok   - $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
has()  { grep -qF -- "$2" "$1" || { echo "   '$2' not in:"; sed 's/^/   | /' "$1" | head -n 30; return 1; }; }
hasnt() { ! grep -qF -- "$2" "$1" || { echo "   '$2' in:"; sed 's/^/   | /' "$1" | head -n 30; return 1; }; }

W=$T/work
mkdir -p "$W/manifests" "$W/.github/workflows" "$W/chart/templates" "$W/overlay"
cp tests/browser/docs-ingress-v1.yaml "$W/manifests/good.yaml"
cp examples/ingress.yaml "$W/manifests/bad.yaml"          # an Ingress the API server refuses
cat >"$W/.github/workflows/ci.yml" <<'YAML'
name: ci
on: [push, pull_request]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
    - uses: actions/checkout@v4
YAML
printf 'apiVersion: v2\nname: demo\nversion: 0.1.0\n' >"$W/chart/Chart.yaml"
printf 'replicaCount: 1\ningress:\n  enabled: true\n' >"$W/chart/values.yaml"
printf 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{ .Release.Name }}\n' >"$W/chart/templates/ingress.yaml"
printf 'resources:\n- ../manifests/good.yaml\n' >"$W/overlay/kustomization.yaml"
printf -- '- just\n- a list\n' >"$W/manifests/list-of-words.yaml"
(cd "$W" && git init -q . && git add -A) || { bad "a git repository for the test"; # As a user runs it: no $INGRESS_WARDEN, the hook builds ingress-warden with make in
# pre-commit's clone of the repository (about a minute), then lints.
cp examples/ingress.yaml "$W/manifests/bad.yaml" && (cd "$W" && git add manifests/bad.yaml)
(cd "$W" && PRE_COMMIT_HOME=$T/cache2 timeout 900 pre-commit try-repo "$REPO" ingress-warden-lint --all-files) >"$T/out" 2>&1; rc=$?
check "without \$INGRESS_WARDEN: the hook builds ingress-warden in its clone and fails on the bad manifest (exit 1)" test "$rc" = 1
check "   ... saying it built, then naming the bad manifest at its line" bash -c \
  "grep -q 'ingress-warden-lint: building ingress-warden (make) in ' '$T/out' && grep -qF 'manifests/bad.yaml:29:13: error: Ingress default/web: spec.rules[0].host' '$T/out'"
echo "precommit: $pass passed, $fail failed"; exit 1; }

run_hook() {  # -> exit status; output in $T/out
  (cd "$W" && PRE_COMMIT_HOME=$T/cache INGRESS_WARDEN=$BIN timeout 300 \
     pre-commit try-repo "$REPO" ingress-warden-lint --all-files) >"$T/out" 2>&1
}
run_hook; rc=$?
check "try-repo --all-files with a bad manifest: the hook fails (exit 1)" test "$rc" = 1
check "   ... naming the bad manifest at its line" has "$T/out" 'manifests/bad.yaml:29:13: error: Ingress default/web: spec.rules[0].host: Invalid value: "Shop.Example.com"'
check "   ... and not the good one" hasnt "$T/out" "manifests/good.yaml:"
check "   ... nor the workflow, the chart, the kustomization or a list of words" \
  bash -c "! grep -E 'ci.yml|chart/|kustomization|list-of-words' '$T/out'"
check "   ... saying what it checked (the workflow, the list and the template skipped)" has "$T/out" \
  "3 objects checked, 1 denied: 3 errors (3 from the API server's rules, 0 from checks, 0 input), 0 warnings; 3 documents of other kinds skipped"

(cd "$W" && git rm -q --cached manifests/bad.yaml && rm manifests/bad.yaml)
run_hook; rc=$?
check "without the bad manifest: the hook passes (exit 0)" test "$rc" = 0
check "   ... pre-commit ran the hook (its name in the output)" has "$T/out" "ingress-warden lint"
check "   ... and says Passed" bash -c "grep 'ingress-warden lint' '$T/out' | grep -q Passed"
# As a user runs it: no $INGRESS_WARDEN, the hook builds ingress-warden with make in
# pre-commit's clone of the repository (about a minute), then lints.
cp examples/ingress.yaml "$W/manifests/bad.yaml" && (cd "$W" && git add manifests/bad.yaml)
(cd "$W" && PRE_COMMIT_HOME=$T/cache2 timeout 900 pre-commit try-repo "$REPO" ingress-warden-lint --all-files) >"$T/out" 2>&1; rc=$?
check "without \$INGRESS_WARDEN: the hook builds ingress-warden in its clone and fails on the bad manifest (exit 1)" test "$rc" = 1
check "   ... saying it built, then naming the bad manifest at its line" bash -c \
  "grep -q 'ingress-warden-lint: building ingress-warden (make) in ' '$T/out' && grep -qF 'manifests/bad.yaml:29:13: error: Ingress default/web: spec.rules[0].host' '$T/out'"
echo "precommit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
