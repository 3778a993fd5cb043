#!/usr/bin/env bash
# `make check-layers` (scripts/check-layers.py) on the real tree, and on
# copies with a violation planted: it must refuse each of them.
# usage: tests/suites/layers.sh BUILD_DIR BINARY
set -uo pipefail
B=$1
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
chk=scripts/check-layers.py

out=$(python3 $chk --objs "$B" 2>&1) && ok "the tree: $out" || { bad "the tree"; echo "$out"; }

# A copy of the sources (headers and .c files of the modules only).
copy() {
  rm -rf "$tmp/src"; mkdir -p "$tmp/src"
  for m in base model validate router checks load admission lint certs webhook src; do
    [ -d "$m" ] && mkdir -p "$tmp/src/$m" && cp "$m"/*.[ch] "$tmp/src/$m/" 2>/dev/null
  done
}
plant() {  # description, file, text to append; expects a refusal naming WHAT
  local what=$1 file=$2 text=$3 expect=$4
  copy
  printf '%s\n' "$text" >>"$tmp/src/$file"
  out=$(python3 $chk --root "$tmp/src" 2>&1); rc=$?
  if [ $rc -eq 1 ] && grep -q -- "$expect" <<<"$out"; then ok "refuses $what"; else bad "refuses $what (rc $rc)"; echo "$out" | head -5; fi
}
plant "a model file including the webhook" model/model.c '#include "webhook/server.h"' "module model may not use webhook"
plant "the router including the checks" router/norm.c '#include "checks/state.h"' "module router may not use checks"
plant "validate reaching up to the router" validate/names.c '#include "router/router.h"' "module validate may not use router"
plant "an I/O header in a pure module" checks/findings.c '#include <unistd.h>' "checks is a pure module"
plant "an I/O call in a pure module" router/norm.c 'static void x_(void) { printf("x"); }' "calls printf()"
plant "a standard stream in a pure module" lint/lint.c 'static void *y_(void) { return stderr; }' "uses a standard stream"
copy
python3 -c 'import sys; open(sys.argv[1], "a").write("/* filler */\n" * 1001)' "$tmp/src/base/map.c"
out=$(python3 $chk --root "$tmp/src" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "base/map.c: .* lines, over 1000" <<<"$out" && ok "refuses a .c file over 1,000 lines" || { bad "refuses a .c file over 1,000 lines"; echo "$out" | head -3; }
copy
printf '#include "model/service.h"\n' >>"$tmp/src/model/model.h"
printf '#include "model/model.h"\n' >>"$tmp/src/model/service.h"
out=$(python3 $chk --root "$tmp/src" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "files use each other in a circle" <<<"$out" && ok "refuses a circle between files" || { bad "refuses a circle between files"; echo "$out" | head; }

# Symbols: an object of the model that calls a function of the webhook.
copy
mkdir -p "$tmp/obj/model"
for m in base model validate router checks load admission lint certs webhook src; do
  [ -d "$B/$m" ] && mkdir -p "$tmp/obj/$m" && cp "$B/$m"/*.o "$tmp/obj/$m/" 2>/dev/null
done
cat >"$tmp/src/model/zz_planted.c" <<'EOC'
void server_stop_planted(void);
void zz_planted(void);
void zz_planted(void) { server_stop_planted(); }
EOC
cat >"$tmp/src/webhook/zz_def.c" <<'EOC'
void server_stop_planted(void);
void server_stop_planted(void) {}
EOC
cc -c -o "$tmp/obj/model/zz_planted.o" "$tmp/src/model/zz_planted.c" && cc -c -o "$tmp/obj/webhook/zz_def.o" "$tmp/src/webhook/zz_def.c"
out=$(python3 $chk --root "$tmp/src" --objs "$tmp/obj" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "uses server_stop_planted from webhook/zz_def.c: module model may not use webhook" <<<"$out" \
  && ok "refuses a symbol taken from a module above" || { bad "refuses a symbol taken from a module above"; echo "$out" | head; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
