#!/usr/bin/env bash
# wrk against `ingress-warden serve`, in the same run as the reference servers of
# /work/shared/bench (nginx, bare-mhd-json, bare-mhd-fixed), copied to /tmp because
# that folder is read-only.  Prints the medians table and the ratios.
#   bench/serve/run.sh [keepalive|close]                 (default keepalive)
#   env: ROUNDS=2 DURATION=5s PORT=19250 SERVE_ARGS="--threads 2" NAME=ingress-warden
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SHARED=${SHARED:-/work/shared/bench}
WORK=${WORK:-/tmp/iw-serve-bench}
export ROUNDS=${ROUNDS:-2} DURATION=${DURATION:-5s}
PORT=${PORT:-19250}
NAME=${NAME:-ingress-warden}
BIN=$ROOT/ingress-warden
[ -x "$BIN" ] || make -C "$ROOT" ingress-warden >/dev/null
rm -rf "$WORK"; mkdir -p "$WORK"; cp -r "$SHARED"/. "$WORK/"
cp "$HERE/admission-request.json" "$WORK/admission-request.json"
export RUN_DIR=$WORK/run BUILD_DIR=$WORK/build
export EXTRA_NAME=$NAME EXTRA_PORT=$PORT
export EXTRA_CMD="$BIN serve --listen 127.0.0.1:$PORT --tls-cert $RUN_DIR/certs/server.pem --tls-key $RUN_DIR/certs/server-key.pem --shutdown-delay 0 ${SERVE_ARGS:-}"
cd "$WORK" && ./run.sh "${1:-keepalive}"
