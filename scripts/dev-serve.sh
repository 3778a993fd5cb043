#!/usr/bin/env bash
# `make serve`: development certificates outside the source tree (DEV_CERTS,
# default ~/.cache/ingress-warden/dev-certs), then the webhook on
# https://127.0.0.1:8443 and the lint server on http://127.0.0.1:8080, in the
# foreground (Ctrl-C stops both). Override with WEBHOOK_ADDR / LINT_ADDR.
set -euo pipefail
cd "$(dirname "$0")/.."
WEBHOOK_ADDR=${WEBHOOK_ADDR:-127.0.0.1:8443}
LINT_ADDR=${LINT_ADDR:-127.0.0.1:8080}
D=${DEV_CERTS:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ingress-warden/dev-certs}
if [ ! -s "$D/tls.crt" ] || ! ./ingress-warden serve --tls-cert "$D/tls.crt" --tls-key "$D/tls.key" --check >/dev/null 2>&1; then
  mkdir -p "$D"
  ./ingress-warden certs --out "$D" --service ingress-warden --namespace ingress-warden \
    --host localhost --host 127.0.0.1 --days 30 >/dev/null
  echo "development certificates written to $D (CA: $D/ca.crt)"
fi
wport=${WEBHOOK_ADDR##*:}
cat <<MSG

ingress-warden: webhook https://$WEBHOOK_ADDR/validate, lint http://$LINT_ADDR/lint

Try it (another terminal):
  curl --cacert $D/ca.crt -H 'Content-Type: application/json' \\
       --data-binary @examples/admission-allowed.json https://localhost:$wport/validate
  curl --cacert $D/ca.crt -H 'Content-Type: application/json' \\
       --data-binary @examples/admission-denied.json https://localhost:$wport/validate
  curl -H 'Content-Type: application/yaml' --data-binary @examples/ingress.yaml http://$LINT_ADDR/lint
  curl --cacert $D/ca.crt https://localhost:$wport/metrics

Ctrl-C stops both servers.
MSG
exec ./ingress-warden serve --listen "$WEBHOOK_ADDR" --tls-cert "$D/tls.crt" --tls-key "$D/tls.key" \
  --lint-listen "$LINT_ADDR" --shutdown-delay 0
