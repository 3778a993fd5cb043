#!/usr/bin/env bash
# The same verdict everywhere (tests/e2e/same_verdict.py): the validation
# corpus and the check scenarios through `lint`, `review` and `serve` give the
# same verdicts, errors and findings.  serve runs four times: without state,
# with the snapshot tests/checks/cluster.json from a fake API server
# (tests/tools/kubefake, KUBEFAKE_OBJECTS), with tests/checks/lenient.conf,
# and with both.   usage: tests/suites/same_verdict.sh BUILD_DIR BINARY
set -uo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/default}
BIN=$(realpath "${2:-$B/ingress-warden}")
FAKE=$B/tools/kubefake
T=$(mktemp -d /tmp/iw-same-verdict.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
die() { echo "$*"; for f in "$T"/*.log; do echo "--- $f"; tail -n 5 "$f"; done; echo "0 passed, 1 failed"; exit 1; }
taken=" "
free_port() {   # a port nothing listens on and this script has not handed out
  local p
  for _ in $(seq 200); do
    p=$((19400 + RANDOM % 200))
    case "$taken" in *" $p "*) continue ;; esac
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && continue
    taken="$taken$p "; echo "$p"; return
  done
  return 1
}
"$BIN" certs --out "$T/c" --service ingress-warden --namespace iw-system --host localhost \
  >/dev/null 2>"$T/certs.log" || die "certs failed"

for try in 1 2 3 4 5; do   # a port taken between the choice and the bind: another one
  KPORT=$(free_port) || die "no free port"
  KUBEFAKE_OBJECTS=tests/checks/cluster.json "$FAKE" "$KPORT" s3cret >"$T/fake.log" 2>&1 & kpid=$!
  pids+=($kpid)
  for _ in $(seq 100); do
    grep -q READY "$T/fake.log" 2>/dev/null && break
    kill -0 "$kpid" 2>/dev/null || break
    sleep 0.05
  done
  grep -q READY "$T/fake.log" && break
done
grep -q READY "$T/fake.log" || die "the fake API server did not start"
cat >"$T/kubeconfig" <<EOK
apiVersion: v1
kind: Config
current-context: fake
contexts:
- name: fake
  context: {cluster: fake, user: tester}
clusters:
- name: fake
  cluster: {server: "http://127.0.0.1:$KPORT"}
users:
- name: tester
  user: {token: s3cret}
EOK

# start VARIANT ARGS...: serve on a free port, ready (and synced: --unsynced deny
# makes /readyz wait for the lists) before the cases run
start() {
  local v=$1; shift
  local port lport pid code= try
  # another program on this host may take a free port between the choice and
  # the bind (suites of other checkouts run at once): then take other ports
  for try in 1 2 3 4 5; do
    port=$(free_port) && lport=$(free_port) || die "no free port"
    "$BIN" serve --listen "127.0.0.1:$port" --lint-listen "127.0.0.1:$lport" \
      --tls-cert "$T/c/tls.crt" --tls-key "$T/c/tls.key" --audit-interval 0 --unsynced deny \
      "$@" 2>"$T/serve-$v.log" & pid=$!
    pids+=($pid)
    code=
    for _ in $(seq 300); do
      kill -0 "$pid" 2>/dev/null || break   # it did not start: its log says why
      grep -q '"msg":"ready"' "$T/serve-$v.log" &&
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$lport/readyz")
      [ "$code" = 200 ] && break
      sleep 0.1
    done
    [ "$code" = 200 ] && break
    grep -q 'Address already in use' "$T/serve-$v.log" || break
  done
  [ "$code" = 200 ] || die "serve ($v) not ready: /readyz $code"
  servers="$servers\"$v\": [$port, \"$T/c/ca.crt\"], "
}
servers="{"
start plain
start state --kubeconfig "$T/kubeconfig"
start config --config tests/checks/lenient.conf
start both --kubeconfig "$T/kubeconfig" --config tests/checks/lenient.conf
echo "${servers%, }}" >"$T/servers.json"
python3 tests/e2e/same_verdict.py "$BIN" tests/corpus/validation.jsonl tests/checks "$T/servers.json"
