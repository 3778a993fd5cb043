#!/usr/bin/env python3
"""check-layers: the module table, enforced.

Usage: check-layers.py [--root DIR] [--objs BUILD_DIR] [-v]

Reads every product source file (the folders of LAYERS below) under ROOT and
fails (exit 1, one line per violation) when:
  - a file includes a project header of a module its module may not use;
  - a file of a pure module includes an I/O header or calls an I/O function;
  - with --objs: an object file takes a symbol (nm's undefined symbols) that
    an object of a module its module may not use defines;
  - files, or folders, use each other in a circle (through includes of
    another file's header, or through symbols with --objs);
  - a .c file is longer than MAX_LINES lines (issue 10: a file a newcomer
    can read; split it along its seams).
"""
import os
import re
import subprocess
import sys

MAX_LINES = 1000

# module -> the project modules it may use (besides itself).  Lower layers
# first; a module may only use modules listed before it.
LAYERS = {
    "base":      [],
    "model":     ["base"],
    # controller profiles: facts computed from the model, read by the
    # router (route --controller) and the checks
    "profile":   ["model", "base"],
    "validate":  ["model", "base"],
    "router":    ["profile", "model", "base"],
    "checks":    ["validate", "router", "profile", "model", "base"],
    "load":      ["model", "base"],
    "admission": ["checks", "validate", "router", "profile", "model", "base"],
    "lint":      ["load", "checks", "validate", "router", "profile", "model", "base"],
    # diff: two configurations decided request by request (both routers)
    "diff":      ["router", "profile", "model", "base"],
    "certs":     ["base"],
    # webhook -> diff: the lint page's POST /diff compares two versions as `diff` does
    "webhook":   ["lint", "diff", "admission", "load", "checks", "validate", "router", "profile",
                  "model", "base", "certs"],
    "src":       ["webhook", "certs", "lint", "diff", "admission", "load", "checks", "validate",
                  "router", "profile", "model", "base"],
}
# Pure modules: no I/O, no process state.  The libraries each may use.
PURE = {
    "base":      set(),
    "model":     {"jansson.h"},
    "profile":   {"jansson.h", "pcre2.h"},   # PCRE2 compiles, as nginx does (no I/O)
    "validate":  {"jansson.h"},
    "router":    {"jansson.h"},
    "checks":    {"jansson.h", "yaml.h"},
    "load":      {"jansson.h", "yaml.h"},
    "admission": {"jansson.h"},
    "lint":      {"jansson.h", "yaml.h"},
    "diff":      {"jansson.h"},
}
LIBC_OK = {"stdbool.h", "stddef.h", "stdint.h", "stdlib.h", "string.h", "stdio.h",
           "stdarg.h", "limits.h", "ctype.h", "errno.h", "assert.h", "math.h",
           "inttypes.h", "stdalign.h", "strings.h", "float.h", "search.h",
           # memory, not I/O: the arena maps its blocks, and tells ASan about them
           "sys/mman.h", "sanitizer/asan_interface.h",
           # a flag the caller's other thread may set (yd_limits.cancel): memory, not I/O
           "stdatomic.h"}
IO_CALLS = re.compile(r"\b(fopen|fdopen|freopen|fread|fwrite|fgets|fputs|puts|printf|vprintf|"
                      r"getenv|setenv|time|clock_gettime|gettimeofday|exit|_exit|abort|rand|"
                      r"srand|opendir|readdir|open|read|write|close|stat|lstat|fstat|socket|"
                      r"connect|accept|recv|send|sleep|usleep|nanosleep|signal|sigaction|"
                      r"pthread_create|system|popen|execv|execvp|fork)\s*\(")
IO_STREAMS = re.compile(r"\b(stdout|stderr|stdin)\b")


def module_of(path):
    top = path.split("/", 1)[0]
    return top if top in LAYERS and "/" in path else None


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def sources(root):
    out = []
    for mod in LAYERS:
        d = os.path.join(root, mod)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h")):
                out.append(f"{mod}/{name}")
    return out


def find_cycles(edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
    nodes = set(edges) | {v for vs in edges.values() for v in vs}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sccs


def unit_of(path):
    """The unit a file belongs to: a .c and its .h are one unit (x.c/x.h)."""
    return path[:-2]


def main():
    root, objs, verbose = ".", None, False
    args = sys.argv[1:]
    while args:
        a = args.pop(0)
        if a == "--root":
            root = args.pop(0)
        elif a == "--objs":
            objs = args.pop(0)
        elif a == "-v":
            verbose = True
        else:
            print(__doc__)
            return 2
    bad = []
    file_edges, mod_edges = {}, {}
    files = sources(root)
    for f in files:
        mod = module_of(f)
        text = open(os.path.join(root, f), encoding="utf-8", errors="replace").read()
        nlines = text.count("\n")
        if f.endswith(".c") and nlines > MAX_LINES:
            bad.append(f"{f}: {nlines} lines, over {MAX_LINES}: split it along its seams")
        for m in re.finditer(r'#include\s+"([^"]+)"', text):
            inc = m.group(1)
            im = module_of(inc)
            if inc.startswith("build/gen/") and mod == "webhook":
                continue   # data the Makefile generates (the lint page's bytes): no code
            if im is None:
                bad.append(f"{f}: includes \"{inc}\", which is in no module of the table")
                continue
            if im != mod and im not in LAYERS[mod]:
                bad.append(f"{f}: includes \"{inc}\": module {mod} may not use {im}")
            if im != mod:
                mod_edges.setdefault(mod, set()).add(im)
            if unit_of(inc) != unit_of(f):
                file_edges.setdefault(unit_of(f), set()).add(unit_of(inc))
        if mod in PURE:
            for m in re.finditer(r"#include\s+<([^>]+)>", text):
                h = m.group(1)
                if h not in LIBC_OK and h not in PURE[mod]:
                    bad.append(f"{f}: includes <{h}>: {mod} is a pure module (no I/O headers)")
            code = strip_comments(text)
            for ln, line in enumerate(code.split("\n"), 1):
                for m in IO_CALLS.finditer(line):
                    pre = line[:m.start()]
                    if re.search(r"(\.|->|\bstruct\s+)$", pre):
                        continue   # a member, not the function
                    bad.append(f"{f}:{ln}: calls {m.group(1)}(): {mod} is a pure module")
                if IO_STREAMS.search(line):
                    bad.append(f"{f}:{ln}: uses a standard stream: {mod} is a pure module")

    if objs:
        defined, undefined = {}, {}
        for f in files:
            if not f.endswith(".c"):
                continue
            o = os.path.join(objs, f[:-2] + ".o")
            if not os.path.exists(o):
                bad.append(f"{o}: missing (build first)")
                continue
            out = subprocess.run(["nm", "-P", o], capture_output=True, text=True).stdout
            for line in out.splitlines():
                parts = line.split()
                if len(parts) < 2:
                    continue
                sym, kind = parts[0], parts[1]
                if kind == "U":
                    undefined.setdefault(f, set()).add(sym)
                elif kind in "TDBRVWCG":
                    defined[sym] = f
        for f, syms in undefined.items():
            mod = module_of(f)
            for s in sorted(syms):
                d = defined.get(s)
                if not d or d == f:
                    continue
                dm = module_of(d)
                if dm != mod and dm not in LAYERS[mod]:
                    bad.append(f"{f}: uses {s} from {d}: module {mod} may not use {dm}")
                if dm != mod:
                    mod_edges.setdefault(mod, set()).add(dm)
                if unit_of(d) != unit_of(f):
                    file_edges.setdefault(unit_of(f), set()).add(unit_of(d))

    for comp in find_cycles(mod_edges):
        bad.append("modules use each other in a circle: " + " -> ".join(comp))
    for comp in find_cycles(file_edges):
        bad.append("files use each other in a circle: " + " <-> ".join(c + ".[ch]" for c in comp))

    if verbose:
        for m in LAYERS:
            print(f"{m}: uses {', '.join(sorted(mod_edges.get(m, ()))) or '-'}")
    if bad:
        print("layer violations:")
        for b in bad:
            print("  " + b)
        return 1
    print(f"layers: {len(files)} files in {len(LAYERS)} modules, no violation"
          + (" (includes and symbols)" if objs else " (includes)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
