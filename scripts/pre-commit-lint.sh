#!/usr/bin/env bash
# The entry of the ingress-warden-lint pre-commit hook (.pre-commit-hooks.yaml):
# lints the YAML files pre-commit gives, skipping those that are no Kubernetes
# objects.  The binary: $INGRESS_WARDEN when set, else the one built in this
# clone of the repository (built with `make` the first time, and again when a
# source is newer).  Exit status: lint's (0 nothing denied, 1 denied, 2 input error).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${INGRESS_WARDEN:-}
if [ -z "$bin" ]; then
  bin=$here/ingress-warden
  if [ ! -x "$bin" ] || [ -n "$(find "$here" -path "$here/build" -prune -o \( -name '*.[ch]' -o -name Makefile \) -newer "$bin" -print -quit)" ]; then
    echo "ingress-warden-lint: building ingress-warden (make) in $here" >&2
    make -s -C "$here" ingress-warden >&2 || { echo "ingress-warden-lint: the build failed" >&2; exit 2; }
  fi
fi
[ $# -gt 0 ] || exit 0
exec "$bin" lint --skip-non-k8s "$@"
