#!/usr/bin/env bash
# Builds manifests/ (the base) and every overlay with `kubectl kustomize`, offline,
# and checks the objects for what the deployment relies on.
# usage: tests/suites/manifests.sh BUILD_DIR BINARY     last line: "N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-${1:-build/default}/ingress-warden}")
# kubectl: the machine's, when its kustomize knows what manifests/ uses
# (`labels:`, kustomize 4.1, first in kubectl 1.22).  Debian 12's own
# kubernetes-client is 1.20: then, or with no kubectl, the suite is skipped.
KUBECTL_MIN=${KUBECTL_MIN:-1.22}
skip() { echo "skipped: $*"; echo "manifests: 0 passed, 0 failed, 1 skipped"; exit 0; }
KUBECTL=$(command -v kubectl) || skip "kubectl is not installed (needs $KUBECTL_MIN or newer; Debian 12's kubernetes-client is 1.20)"
kv=$("$KUBECTL" version --client -o json 2>/dev/null | python3 -c '
import json, re, sys
v = json.load(sys.stdin)["clientVersion"]
print("%s.%s" % (v["major"], re.sub(r"[^0-9].*", "", v["minor"])))' 2>/dev/null) ||
  skip "cannot tell the version of $KUBECTL"
python3 -c 'import sys; a, b = ([int(x) for x in v.split(".")[:2]] for v in sys.argv[1:]); sys.exit(a < b)' "$kv" "$KUBECTL_MIN" ||
  skip "$KUBECTL is kubectl $kv; its kustomize cannot build manifests/ (needs $KUBECTL_MIN or newer)"
echo "kubectl $kv at $KUBECTL"
T=$(mktemp -d /tmp/iw-manifests.XXXXXX); trap 'rm -rf "$T"' EXIT
cp -r manifests "$T/"
pass=0; fail=0
for k in "" overlays/cert-manager overlays/prometheus-operator; do
  name=${k:-base}
  if "$KUBECTL" kustomize "$T/manifests/$k" > "$T/out.yaml" 2>"$T/err"; then
    out=$(python3 tests/e2e/check_manifests.py "$name" "$T/out.yaml" 2>&1)
  else
    out="FAIL - $name: kubectl kustomize failed: $(head -3 "$T/err")"
  fi
  echo "$out"
  pass=$((pass + $(grep -c '^ok' <<<"$out")))
  fail=$((fail + $(grep -c '^FAIL' <<<"$out")))
done
[ -s Containerfile ] && grep -q '^USER 65532' Containerfile && [ "$(grep -c '^FROM' Containerfile)" -ge 2 ] \
  && { pass=$((pass + 1)); echo "ok - Containerfile: multi-stage, non-root"; } \
  || { fail=$((fail + 1)); echo "FAIL - Containerfile: multi-stage, non-root"; }
echo "manifests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
