#!/usr/bin/env bash
# check-installed.sh — fail when a test runs a program (or imports a Python
# module) that the Makefile does not install.  Issue 12 section 1.
#
# usage: tests/check-installed.sh [--repo DIR] [--installed] [PACKAGE...]
#   PACKAGE...   what `make deps` installs; default: read from the Makefile
#                (BUILD_PKGS + TEST_PKGS, or DEB_PKGS where the split is absent)
#   --installed  also check the machine: every program of the table is on PATH,
#                and every "base" program belongs to an Essential or
#                Priority: required package (so it is on every Debian)
#   --repo DIR   the tree to check (default: the parent of this script's folder
#                when it holds a Makefile, else the current directory)
#
# How: the table below names every program the tests, scripts and Makefile
# recipes may run, each with the Debian package that brings it:
#   base      in every Debian (Essential or Priority: required): nothing to install
#   optional  used only when present; the test prints `skipped: ...` otherwise
#   PACKAGE   must be one of the Makefile's packages (A|B: any one of them)
# Then every shell script (tests/ scripts/, *.sh or a sh/bash shebang), every
# Python file there (*.py or a python shebang), the Python inside those shell
# scripts (python3 -c '...', python3 - <<EOF) and the Makefile's recipes are
# scanned for the commands they run and the modules they import.  A command
# or module in no table fails the check, naming file:line; so does a table
# entry whose package the Makefile does not install, and a test that installs
# packages itself (apt-get, pip, npm install: only `make deps` installs).
# Last line: "check-installed: N passed, N failed"; exit 1 on any failure.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=
INSTALLED=0
PKGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --repo) REPO=$2; shift 2;;
    --repo=*) REPO=${1#*=}; shift;;
    --installed) INSTALLED=1; shift;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0;;
    -*) echo "check-installed.sh: unknown option $1" >&2; exit 2;;
    *) PKGS+=("$1"); shift;;
  esac
done
if [ -z "$REPO" ]; then
  if [ -f "$here/../Makefile" ]; then REPO=$here/..; else REPO=.; fi
fi
REPO=$(cd "$REPO" && pwd) || exit 2
command -v python3 >/dev/null 2>&1 || {
  echo "FAIL python3 is not installed: run make deps"; echo "check-installed: 0 passed, 1 failed"; exit 1; }

if [ ${#PKGS[@]} -eq 0 ]; then
  mk=$(mktemp); trap 'rm -f "$mk"' EXIT
  printf 'iw-print-pkgs:\n\t@echo $(BUILD_PKGS) $(TEST_PKGS) $(if $(BUILD_PKGS)$(TEST_PKGS),,$(DEB_PKGS))\n' >"$mk"
  read -r -a PKGS < <(make -s --no-print-directory -C "$REPO" -f Makefile -f "$mk" iw-print-pkgs 2>/dev/null)
  [ ${#PKGS[@]} -gt 0 ] || { echo "FAIL no package list in $REPO/Makefile (BUILD_PKGS/TEST_PKGS/DEB_PKGS)"
                             echo "check-installed: 0 passed, 1 failed"; exit 1; }
fi

exec python3 - "$REPO" "$INSTALLED" "${PKGS[@]}" <<'PY'
import os, re, shlex, shutil, subprocess, sys

REPO, INSTALLED, PKGS = sys.argv[1], sys.argv[2] == "1", set(sys.argv[3:])

# ---------------------------------------------------------------- the table
# program  package|base|optional   [# why]
TABLE = """
# --- base: Essential or Priority: required in Debian 12 (on every machine)
bash base            # bash
sh base              # dash
awk base             # mawk
cat base             # coreutils, as every name up to 'yes'
base64 base
basename base
chmod base
cp base
cut base
date base
dirname base
env base
head base
id base
ln base
ls base
mkdir base
mktemp base
mv base
nice base
nproc base
od base
readlink base
realpath base
rm base
rmdir base
seq base
sha256sum base
sleep base
sort base
stat base
tail base
tee base
timeout base
touch base
tr base
uniq base
wc base
yes base
cmp base             # diffutils
diff base            # diffutils
find base            # findutils
xargs base           # findutils
grep base
sed base
gzip base
tar base
flock base           # util-linux
dpkg base
dpkg-query base
apt-get base         # only the Makefile's deps recipe may use it
# --- build (BUILD_PKGS)
make make            # must be there before `make deps`: the one manual step
cc gcc
gcc gcc
ar gcc               # binutils, a dependency of gcc
nm gcc               # binutils, a dependency of gcc
pkg-config pkg-config
# --- test (TEST_PKGS)
clang clang          # fuzz smoke; libFuzzer runtime from libclang-rt-14-dev
python3 python3
valgrind valgrind
certtool gnutls-bin
curl curl
ss iproute2
nginx nginx|nginx-light|nginx-core|nginx-full|nginx-extras   # /usr/sbin/nginx
npm npm|nodejs       # make deps: npm ci in tests/browser (NodeSource's nodejs carries npm)
node nodejs          # page.sh: tests/browser/page.test.js (playwright-core from make deps' npm ci)
chromium chromium    # run by page.test.js: /usr/bin/chromium, headless
firefox-esr firefox-esr   # run by firefox.test.js (page.sh): /usr/bin/firefox-esr, headless
pre-commit pre-commit   # precommit.sh: pre-commit try-repo
git git              # precommit.sh: the repository pre-commit reads
# --- used only when present
kubectl optional     # manifests.sh: 1.27 or newer, else `skipped: ...`
"""
# Python modules outside the standard library: module  package
PYMODULES = {"yaml": "python3-yaml", "jsonschema": "python3-jsonschema"}
# A test must not install packages: only `make deps` does.
FORBIDDEN = {"apt-get": "installs packages", "apt": "installs packages", "pip": "installs packages",
             "pip3": "installs packages", "npm": "installs packages", "gem": "installs packages"}
FORBIDDEN_OK_IN = {"Makefile"}           # the deps recipe

table, where = {}, {}
for line in TABLE.splitlines():
    line = line.split("#", 1)[0].split()
    if len(line) >= 2:
        table[line[0]] = line[1]

BUILTINS = set("""
. : [ [[ ]] alias bg bind break builtin caller cd command compgen complete continue declare dirs
disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let local
logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt source suspend
test times trap true type typeset ulimit umask unalias unset wait
if then else elif fi for while until do done case esac in function select time { } !
""".split())
PREFIX = {"exec", "command", "time", "nice", "nohup", "timeout", "env", "xargs", "setsid", "stdbuf", "sudo", "!"}

failures, passes, notes = [], [], []
used = {}            # program -> [file:line]
pyused = {}          # module  -> [file:line]

def rel(p):
    return os.path.relpath(p, REPO)

def use(name, loc):
    used.setdefault(name, []).append(loc)

# ------------------------------------------------------------ python scan
STDLIB = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
def scan_python(code, fname, line0, localdir):
    for i, l in enumerate(code.splitlines()):
        loc = "%s:%d" % (fname, line0 + i)
        for stmt in l.split(";"):
            m = re.match(r"\s*(?:from\s+([\w.]+)\s+import\b|import\s+(.+))", stmt)
            if not m:
                continue
            mods = [m.group(1)] if m.group(1) else [x.strip().split()[0] for x in m.group(2).split(",") if x.strip()]
            for mod in mods:
                top = mod.split(".")[0]
                if top in STDLIB or top == "__future__":
                    continue
                if localdir and (os.path.exists(os.path.join(localdir, top + ".py")) or
                                 os.path.isdir(os.path.join(localdir, top))):
                    continue
                pyused.setdefault(top, []).append(loc)
        # programs run from Python: subprocess.*(["prog", ...]) / os.system("prog ...") / shutil.which("prog")
        if l.lstrip().startswith("#"):
            continue
        for m in re.finditer(r"""(?:subprocess\.\w+|Popen|os\.system|os\.popen|shutil\.which|os\.exec\w*)\(\s*\[?\s*(['"])([A-Za-z0-9_./+-]+)""", l):
            prog = m.group(2)
            if prog.startswith("/") or "/" not in prog:
                use(os.path.basename(prog), loc)

# ------------------------------------------------------------- shell scan
HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
def strip_heredocs(text, fname):
    """Blank out here-document bodies (keeping line numbers); Python ones are scanned."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        l = lines[i]
        out.append(l)
        i += 1
        m = None
        for mm in HEREDOC.finditer(l):
            if l[mm.start():mm.start() + 3] != "<<<":
                m = mm
        if not m:
            continue
        dash, delim = m.group(1), m.group(3)
        start, body = i, []
        while i < len(lines) and (lines[i].lstrip("\t") if dash else lines[i]) != delim:
            body.append(lines[i]); i += 1
        if re.search(r"\bpython3?\b", l[:m.start()]):
            scan_python("\n".join(body), fname, start + 1, None)
        out.extend([""] * len(body))
        if i < len(lines):
            out.append(""); i += 1
    return "\n".join(out)

def strip_comments(text):
    out = []
    for l in text.split("\n"):
        s = l.lstrip()
        if s.startswith("#"):
            out.append(""); continue
        m = re.search(r"(^|\s)#\s.*$", l)        # a trailing comment, when quotes balance before it
        if m and l[:m.start()].count("'") % 2 == 0 and l[:m.start()].count('"') % 2 == 0:
            l = l[:m.start()]
        out.append(l)
    return "\n".join(out)

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.+-]*$")
def word_to_prog(w):
    m = re.fullmatch(r"\$\{[A-Za-z_]+:-([A-Za-z0-9_.+-]+)\}", w)   # ${CLANG:-clang}
    if m:
        return m.group(1)
    if w.startswith("/") and re.fullmatch(r"(/[A-Za-z0-9_.+-]+)+", w) and w.split("/")[1] in ("usr", "bin", "sbin"):
        return os.path.basename(w)
    if NAME.match(w):
        return w
    return None          # a variable, a project path, a pattern: not a program name

def substitutions(tok):
    """The $( ... ) inside a word (quotes already removed by the lexer)."""
    out, i = [], 0
    while True:
        i = tok.find("$(", i)
        if i < 0: return out
        if tok.startswith("$((", i): i += 3; continue
        depth, j = 1, i + 2
        while j < len(tok) and depth:
            depth += {"(": 1, ")": -1}.get(tok[j], 0); j += 1
        out.append(tok[i + 2:j - 1]); i = j

WRAPPER_BODY = re.compile(r'(?:^|[;&|{(]|\bthen\b|\bdo\b|\bif\b|!)\s*"\$(?:@|\{@[^}]*\})"', re.M)
def functions(text):
    """name -> is a wrapper (runs its arguments as a command: `if "$@"`, `"$@" >out`)."""
    out = {}
    for m in re.finditer(r"(?m)^\s*(?:function\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*\(\)\s*\{?", text):
        body = text[m.end():m.end() + 600]
        end = re.search(r"(?m)^\}", body)
        body = body[:end.start()] if end else body.split("\n", 1)[0]
        out[m.group(1)] = bool(WRAPPER_BODY.search(body))
    return out

PUNCT = set(";&|()<>\n")
OPS = sorted(["&&", "||", ";;", "<<<", "<<-", "<<", ">>", "&>>", "&>", ">&", "<&", ">|", "((", "))", "|&",
              ";", "&", "|", "(", ")", "<", ">", "\n"], key=len, reverse=True)
SEP = {";", "&", "|", "&&", "||", "(", "|&", ";&", ";;&", "$("}
REDIR = {">", ">>", "<", ">&", "<&", "&>", ">|", "<<<", "&>>", "<>", "<<", "<<-"}
def scan_shell(text, fname, line0=1, funcs=None):
    text = strip_comments(strip_heredocs(text, fname))
    funcs = dict(funcs or {})
    funcs.update(functions(text))
    # line continuations joined; kept[k] = the original line of the k-th newline left
    kept, n = [], 0
    for m in re.finditer(r"\\?\n", text):
        n += 1
        if m.group() == "\n": kept.append(n)
    text = re.sub(r"\\\n", " ", text)
    def line_of(nl_seen):                 # newlines seen before a token -> its line
        return line0 + (kept[nl_seen - 1] if nl_seen else 0)
    lex = shlex.shlex(text, posix=True, punctuation_chars=";&|()<>\n")
    lex.whitespace = " \t\r"; lex.whitespace_split = True; lex.commenters = ""
    toks, nl = [], 0
    try:
        while True:
            t = lex.get_token()
            if t is None or t == lex.eof:
                break
            if t and set(t) <= PUNCT:         # a run of operators: split it
                j = 0
                while j < len(t):
                    op = next(o for o in OPS if t.startswith(o, j))
                    toks.append((op, line_of(nl))); j += len(op)
                    nl += op == "\n"
            else:
                toks.append((t, line_of(nl)))
                nl += t.count("\n")
    except ValueError as e:
        failures.append("%s: cannot tokenise (%s): check it by hand" % (fname, e)); return
    # state: cmd (next word is a command), wrap (skip a wrapper's name/number args),
    # skip_to (terminators, cmd after), case_pat (in case patterns)
    cmd, wrap, skip_to, case_pat, prev, after_c = True, False, None, False, None, None
    i = 0
    while i < len(toks):
        t, L = toks[i]
        loc = "%s:%d" % (fname, L)
        i += 1
        for sub in substitutions(t):
            scan_shell(sub, fname, L, funcs)
        if skip_to:
            if t in skip_to[0]:
                # for NAME in WORDS: the words are no commands, but $( ) in them
                # runs one (for _ in $(seq 5)); for NAME; / for ((...)): a command next
                cmd = (t != "in") if skip_to[1] == "for" else skip_to[1]
                skip_to = None
            continue
        if after_c:                      # the code string after bash -c / python3 -c / trap
            kind, after_c = after_c, None
            if kind == "sh": scan_shell(t, fname, L, funcs)
            else: scan_python(t, fname, L, None)
            continue
        if t == "\n":
            cmd, wrap, prev = not case_pat, False, None
            continue
        if set(t) <= set(";&|()<>"):
            if t == "((": skip_to = ({"))"}, False); continue
            if t == ";;": case_pat, cmd = True, False; continue
            if case_pat and t == ")": case_pat, cmd = False, True; continue
            if t in REDIR:
                i += 1                    # the redirection's target
                continue
            if t in (")", "))"): cmd = False; continue
            cmd, wrap, prev = True, False, None
            continue
        if t == "$" and i < len(toks) and toks[i][0] == "(":
            continue                      # $( ... ): the "(" starts a command
        if case_pat:
            if t == "esac": case_pat, cmd = False, False
            continue
        if not cmd:
            if t == "-c" and prev in ("bash", "sh"): after_c = "sh"
            elif t == "-c" and prev in ("python3", "python"): after_c = "py"
            continue
        if wrap:                          # check NAME [STATUS] CMD...: the name, then numbers
            if wrap == "name" or re.fullmatch(r"[0-9]+", t):
                wrap = True
                continue
            wrap = False
        # a word in command position
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=", t):   # VAR=value [CMD]
            continue
        if t == "[[": skip_to = ({"]]"}, False); continue
        if t == "case": skip_to = ({"in"}, False); case_pat = True; continue
        if t in ("for", "select"):
            skip_to = ({"))"}, True) if i < len(toks) and toks[i][0] == "((" else ({"in", "\n", ";"}, "for")
            continue
        if t == "trap":
            after_c, cmd = "sh", False; continue
        if t == "command" and i < len(toks) and toks[i][0] in ("-v", "-V"):
            if i + 1 < len(toks):
                p = word_to_prog(toks[i + 1][0])
                if p and p not in BUILTINS and p not in funcs: use(p, loc)
            i += 2; cmd = False
            continue
        if t in BUILTINS:
            cmd = t in ("if", "then", "else", "elif", "do", "while", "until", "{", "!", "exec", "command", "time")
            continue
        if t in funcs:
            cmd = funcs[t]
            wrap = "name" if funcs[t] else False
            continue
        p = word_to_prog(t)
        if p is None:
            cmd = False; continue
        use(p, loc)
        prev = p
        if p in ("which", "type") and i < len(toks):     # which X: X is run later
            q = word_to_prog(toks[i][0]); i += 1
            if q: use(q, loc)
        if p in PREFIX:      # the next word that is not an option or a number is a command too
            while i < len(toks) and (toks[i][0].startswith("-") or re.fullmatch(r"[0-9.]+[smhd]?", toks[i][0])):
                if toks[i][0] == "-n" and p == "nice": i += 1
                if toks[i][0] in ("-u", "--unset") and p == "env": i += 1   # env -u NAME
                i += 1
            cmd = True
        else:
            cmd = False

# ------------------------------------------------------- what to scan
def kind_of(path):
    if path.endswith(".sh"): return "sh"
    if path.endswith(".py"): return "py"
    try:
        with open(path, "rb") as f:
            first = f.readline(200)
    except OSError:
        return None
    if first.startswith(b"#!"):
        if re.search(rb"\b(ba)?sh\b", first): return "sh"
        if re.search(rb"python", first): return "py"
    return None

files = []
for top in ("tests", "scripts"):
    for root, dirs, names in os.walk(os.path.join(REPO, top)):
        dirs[:] = sorted(d for d in dirs if d not in (".git", "build", "node_modules"))   # node_modules: npm ci's, not ours
        for n in sorted(names):
            p = os.path.join(root, n)
            if os.path.basename(p) == "check-installed.sh":
                continue                              # this check itself
            k = kind_of(p)
            if k: files.append((p, k))
for p, k in files:
    try:
        text = open(p, encoding="utf-8", errors="replace").read()
    except OSError as e:
        failures.append("%s: unreadable (%s)" % (rel(p), e)); continue
    if k == "sh":
        scan_shell(text, rel(p))
    else:
        scan_python(text, rel(p), 1, os.path.dirname(p))

# The Makefile's recipes (tab lines, continuations joined; $(CC) etc. by default value)
mk = os.path.join(REPO, "Makefile")
if os.path.exists(mk):
    lines = open(mk).read().split("\n")
    recipe, start = [], None
    out = [""] * len(lines)
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith("\t"):
            j, body = i, l[1:]
            while body.endswith("\\") and j + 1 < len(lines):
                j += 1; body = body[:-1] + " " + lines[j].lstrip("\t")
            body = body.lstrip("@-+ ")
            for v, d in (("MAKE", "make"), ("CC", "cc"), ("CLANG", "clang"), ("AR", "ar")):
                body = body.replace("$(%s)" % v, d)
            prev_body = None
            while prev_body != body:             # $(call f,$(VAR)): innermost first
                prev_body, body = body, re.sub(r"\$\([^()]*\)", "$MAKEVAR", body)
            body = body.replace("$$", "$")
            out[i] = body
            i = j + 1
        else:
            i += 1
    scan_shell("\n".join(out), "Makefile")

# ------------------------------------------------------------- verdicts
for prog, locs in sorted(used.items()):
    where = ", ".join(sorted(set(locs))[:3]) + (" ..." if len(set(locs)) > 3 else "")
    if prog in FORBIDDEN and any(not l.startswith(tuple(FORBIDDEN_OK_IN)) for l in locs):
        bad = [l for l in locs if not l.startswith(tuple(FORBIDDEN_OK_IN))]
        failures.append("%s runs %s: a test %s itself; only `make deps` installs (%s)"
                        % (", ".join(sorted(set(bad))[:3]), prog, FORBIDDEN[prog], prog))
        continue
    if prog not in table:
        failures.append("%s runs '%s', which is in no table: add '%s PACKAGE' to tests/check-installed.sh "
                        "and PACKAGE to TEST_PKGS (or 'base' / 'optional')" % (where, prog, prog))
        continue
    pkg = table[prog]
    if pkg in ("base", "optional") or set(pkg.split("|")) & PKGS:
        passes.append("%-10s %-12s %s" % (prog, pkg, where))
    else:
        failures.append("%s runs '%s' (Debian package %s), which the Makefile does not install" % (where, prog, pkg))
for mod, locs in sorted(pyused.items()):
    where = ", ".join(sorted(set(locs))[:3]) + (" ..." if len(set(locs)) > 3 else "")
    pkg = PYMODULES.get(mod)
    if pkg is None:
        failures.append("%s imports Python module '%s', which is in no table (PYMODULES)" % (where, mod))
    elif pkg not in PKGS:
        failures.append("%s imports '%s' (Debian package %s), which the Makefile does not install" % (where, mod, pkg))
    else:
        passes.append("py:%-7s %-12s %s" % (mod, pkg, where))
for prog, pkg in sorted(table.items()):
    if prog not in used:
        notes.append("note: table entry '%s' (%s) is used by no scanned file" % (prog, pkg))
    if pkg not in ("base", "optional") and not set(pkg.split("|")) & PKGS:
        if prog in used:
            continue   # reported above
        notes.append("note: '%s' maps to %s, which the Makefile does not install" % (prog, pkg))

# --installed: the machine agrees with the table
def owner(path):
    cands = [path, os.path.realpath(path)]
    for c in list(cands):
        for a, b in (("/usr/bin/", "/bin/"), ("/usr/sbin/", "/sbin/")):
            if c.startswith(a): cands.append(b + c[len(a):])
    for c in cands:
        r = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].split(",")[0].strip()
    return None
if INSTALLED:
    for prog, pkg in sorted(table.items()):
        if pkg == "optional":
            continue
        path = shutil.which(prog, path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
        if not path:
            if set(pkg.split("|")) & PKGS or pkg == "base":
                failures.append("'%s' is not installed although the table maps it to %s: wrong package?" % (prog, pkg))
            continue
        if pkg == "base":
            o = owner(path)
            if o:
                r = subprocess.run(["dpkg-query", "-W", "-f", "${Priority} ${Essential}", o], capture_output=True, text=True)
                pri = r.stdout.split()
                if pri and pri[0] != "required" and "yes" not in pri[1:]:
                    failures.append("'%s' is marked base but comes from %s (Priority %s, not Essential): "
                                    "not on every Debian; name the package" % (prog, o, pri[0]))
            else:
                notes.append("note: no package owns %s" % path)

for p in passes: print("ok   " + p)
for n in notes: print(n)
for f in failures: print("FAIL " + f)
print("check-installed: %d passed, %d failed" % (len(passes), len(failures)))
sys.exit(1 if failures else 0)
PY
