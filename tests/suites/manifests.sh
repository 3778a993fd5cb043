#!/usr/bin/env bash
# Builds manifests/ (the base) and every overlay with `kubectl kustomize`, offline,
# and checks the objects for what the deployment relies on.
# usage: tests/suites/manifests.sh BUILD_DIR BINARY     last line: "N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${2:-${1:-build/default}/ingress-warden}")
KUBECTL=$(command -v kubectl || echo /usr/bin/kubectl)
if [ ! -x "$KUBECTL" ]; then
  # Debian's kubernetes-client package; only when we may install.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client >/dev/null 2>&1
  fi
  KUBECTL=$(command -v kubectl || true)
  if [ -z "$KUBECTL" ]; then
    echo "skip - kubectl is absent and the kubernetes-client package could not be installed"
    echo "manifests: 0 passed, 0 failed"
    exit 0
  fi
fi
T=$(mktemp -d /tmp/iw-manifests.XXXXXX); trap 'rm -rf "$T"' EXIT
cp -r manifests "$T/"
G=$T/manifests/overlays/self-signed/generated
"$BIN" certs --out "$G" --service ingress-warden --namespace ingress-warden \
  --secret "$G/secret.json" --webhook-config "$G/webhook.json" > "$T/bundle" || exit 1
pass=0; fail=0
for k in "" overlays/cert-manager overlays/self-signed; do
  name=${k:-base}
  if "$KUBECTL" kustomize "$T/manifests/$k" > "$T/out.yaml" 2>"$T/err"; then
    out=$(python3 tests/e2e/check_manifests.py "$name" "$T/out.yaml" "$T/bundle" 2>&1)
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
