#!/usr/bin/env bash
# tests/check-installed.sh: green on the tree; red on a copy whose suite runs a
# program the Makefile does not install, or installs a package itself.
# usage: tests/suites/check_installed.sh BUILD_DIR BINARY
set -uo pipefail
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

out=$(tests/check-installed.sh 2>&1) && ok "the tree: $(tail -n 1 <<<"$out")" || { bad "the tree"; grep -v '^ok \|^note:' <<<"$out"; }

mkdir -p "$tmp/r/tests/suites" "$tmp/r/scripts"
cp Makefile "$tmp/r/"
cat >"$tmp/r/tests/suites/planted.sh" <<'EOS'
#!/usr/bin/env bash
jq . x.json
socat - TCP:localhost:80
python3 -c 'import requests'
EOS
out=$(tests/check-installed.sh --repo "$tmp/r" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q 'jq' <<<"$out" && grep -q 'socat' <<<"$out" && grep -q 'requests' <<<"$out" \
  && ok "refuses programs and modules nobody installs (jq, socat, requests)" || { bad "refuses unlisted programs (rc $rc)"; tail -5 <<<"$out"; }

printf '#!/usr/bin/env bash\napt-get install -y jq\n' >"$tmp/r/tests/suites/planted.sh"
out=$(tests/check-installed.sh --repo "$tmp/r" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -qi 'apt-get' <<<"$out" && ok "refuses a test that installs packages itself" || { bad "refuses apt-get in a test (rc $rc)"; tail -5 <<<"$out"; }

# where a command hides: a for list's $( ), after env -u NAME and VAR=value, a for (( )) loop
cat >"$tmp/r/tests/suites/planted.sh" <<'EOS'
#!/usr/bin/env bash
for i in $(xxd -p x); do echo "$i"; done
for ((i = 0; i < 3; i++)); do true; done
env -u HOME LANG=C wrk http://x/
EOS
out=$(tests/check-installed.sh --repo "$tmp/r" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "runs 'xxd'" <<<"$out" && grep -q "runs 'wrk'" <<<"$out" \
  && ! grep -q "runs 'HOME'\|runs 'i'\|runs 'LANG" <<<"$out" \
  && ok "finds xxd in a for list's \$( ) and wrk after env -u NAME VAR=value, nothing else" || { bad "hidden commands (rc $rc)"; grep -v '^ok \|^note:' <<<"$out" | tail -5; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
