#!/usr/bin/env bash
# Builds bench/router/bench_router.c against build/default/libiw.a and runs it
# pinned to one core.   usage: bench/router/run.sh [NINGRESSES] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
make -s build/default/libiw.a >/dev/null
mkdir -p build/bench
PKGS=$(sed -n "s/^PKGS *= *//p" Makefile)   # the libraries the Makefile links
cc -std=c11 -O2 -g -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. $(pkg-config --cflags $PKGS) \
  -o build/bench/bench_router bench/router/bench_router.c build/default/libiw.a $(pkg-config --libs $PKGS) -lpthread -lm
exec taskset -c 0 build/bench/bench_router "${1:-10000}" "${2:-3}"
