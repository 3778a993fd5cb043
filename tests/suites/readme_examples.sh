#!/usr/bin/env bash
# Every example of README.md marked to run, run as written.
# usage: tests/suites/readme_examples.sh BUILD_DIR BINARY
#
# A code block runs when the line before it (blank lines aside) is an HTML
# comment `<!-- example ... -->`; other blocks (usage lines, kubectl against a
# cluster, make targets) are only text.  In a block that runs:
#   - each line starting with "$ " is a command (a trailing "\" continues it
#     on the next line); a block without "$ " lines is all commands;
#   - a command must exit 0, or N when its line ends with a comment that says
#     "exit N" (`$ ingress-warden lint x.yaml    # denied: exit 1`), or N
#     when the marker says `exit=N` (for every command of the block);
#   - with `<!-- example output -->` the lines after a command, up to the
#     next "$ " line, are its whole output (stdout and stderr), compared line
#     by line; "..." in an expected line stands for any text;
#   - a command ending in "&" runs in the background for the rest of the
#     block (the next command waits until the --listen address of it
#     answers) and is stopped at the end of the block;
#   - `ingress-warden` and `./ingress-warden` are the BINARY under test, and
#     every 127.0.0.1:PORT / localhost:PORT of the block is given one free
#     port (the same port for the same number), so that examples can run
#     while other tests use their ports.
# After all blocks, no file may have been written inside the source tree
# (examples write to /tmp or stdout).
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "$2")
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"
ln -s "$BIN" "$T/bin/ingress-warden"
touch "$T/start"
sleep 1   # file times have a resolution: what is written from now on is newer

python3 - "$T" README.md <<'EOP'
import json, re, sys
t, readme = sys.argv[1], sys.argv[2]
lines = open(readme).read().split("\n")
blocks = []
i = 0
marker = None
while i < len(lines):
    m = re.match(r"\s*<!--\s*example\b(.*?)-->\s*$", lines[i])
    if m:
        marker = (i + 1, m.group(1).split())
        i += 1
        continue
    if lines[i].startswith("```"):
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if marker:
            opts = dict(o.split("=", 1) if "=" in o else (o, "1") for o in marker[1])
            blocks.append({"line": i + 2, "marker": marker[0], "opts": opts, "text": lines[i + 1:j]})
        marker = None
        i = j + 1
        continue
    if lines[i].strip():
        marker = None   # a marker belongs to the very next block
    i += 1
out = []
for b in blocks:
    text, cmds = b["text"], []
    dollar = any(l.startswith("$ ") for l in text)
    k = 0
    while k < len(text):
        l = text[k]
        if dollar and not l.startswith("$ "):
            if cmds:
                cmds[-1]["expect"].append(l)
            k += 1
            continue
        c, lineno = (l[2:] if dollar else l), b["line"] + k
        while c.endswith("\\") and k + 1 < len(text):
            k += 1
            c = c[:-1] + " " + text[k].strip()
        k += 1
        if not c.strip() or c.strip().startswith("#"):
            continue
        m = re.search(r"#[^'\"]*\bexit (\d+)", c)
        want = int(m.group(1)) if m else int(b["opts"].get("exit", 0))
        cmds.append({"cmd": c, "line": lineno, "exit": want, "expect": []})
    for c in cmds:
        if "output" not in b["opts"]:
            c["expect"] = None
        else:
            while c["expect"] and not c["expect"][-1].strip():
                c["expect"].pop()
    out.append({"line": b["line"], "cmds": cmds})
json.dump(out, open(t + "/blocks.json", "w"))
print("%d example blocks, %d commands" % (len(out), sum(len(b["cmds"]) for b in out)))
EOP

python3 - "$T" <<'EOP'
import json, os, re, signal, socket, subprocess, sys, time
t = sys.argv[1]
blocks = json.load(open(t + "/blocks.json"))
env = dict(os.environ, PATH=t + "/bin:" + os.environ["PATH"], NO_COLOR="1")
passed = failed = 0

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p

def wait_port(port, proc, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False

def matches(want, got):
    if "..." not in want:
        return want == got
    parts = want.split("...")
    if not got.startswith(parts[0]):
        return False
    pos = len(parts[0])
    for p in parts[1:-1]:
        k = got.find(p, pos)
        if k < 0:
            return False
        pos = k + len(p)
    return got.endswith(parts[-1]) and len(got) >= pos + len(parts[-1])

for b in blocks:
    ports = {}
    def remap(s):
        def sub(m):
            n = m.group(2)
            if n not in ports:
                ports[n] = str(free_port())
            return m.group(1) + ":" + ports[n]
        return re.sub(r"(127\.0\.0\.1|localhost|\[::1\]):(\d{2,5})\b", sub, s)
    bg = []
    for c in b["cmds"]:
        cmd = remap(c["cmd"]).replace("./ingress-warden", "ingress-warden")
        name = "README.md:%d: %s" % (c["line"], c["cmd"][:100])
        if cmd.rstrip().endswith("&"):
            p = subprocess.Popen(["bash", "-c", cmd.rstrip()[:-1]], env=env, stdout=subprocess.DEVNULL,
                                 stderr=open(t + "/bg.log", "ab"), start_new_session=True)
            m = re.search(r"--listen\s+\S*:(\d+)", cmd)
            if m and not wait_port(int(m.group(1)), p):
                failed += 1
                print("FAIL %s: not listening" % name)
                continue
            bg.append(p)
            passed += 1
            print("ok   %s" % name)
            continue
        try:
            r = subprocess.run(["bash", "-c", cmd], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=120)
            rc, got = r.returncode, r.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired:
            rc, got = "timeout", ""
        why = []
        if rc != c["exit"]:
            why.append("exit %s, want %s" % (rc, c["exit"]))
        if c["expect"] is not None:
            want, have = c["expect"], got.rstrip("\n").split("\n") if got.strip() else []
            want = [remap(w) for w in want]
            if len(want) != len(have) or not all(matches(w, h) for w, h in zip(want, have)):
                why.append("output differs:\n      want: " + "\n            ".join(want) +
                           "\n      got:  " + "\n            ".join(have))
        if why:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(why)))
            if c["expect"] is None and got:
                print("    " + got[:2000].replace("\n", "\n    "))
        else:
            passed += 1
            print("ok   %s" % name)
    for p in bg:
        try:
            os.killpg(p.pid, signal.SIGTERM)
            p.wait(10)
        except Exception:
            os.killpg(p.pid, signal.SIGKILL)
open(t + "/counts", "w").write("%d %d" % (passed, failed))
EOP
read -r pass fail < "$T/counts"
# nothing written inside the source tree
written=$(find . -path ./build -prune -o -path ./.git -prune -o -newer "$T/start" -type f -print | grep -v '^./ingress-warden$')
if [ -z "$written" ]; then pass=$((pass + 1)); echo "ok   no example wrote inside the source tree"
else fail=$((fail + 1)); echo "FAIL examples wrote inside the source tree:"; echo "$written" | sed 's/^/    /'; fi
echo "readme-examples: $pass passed, $fail failed"
[ "$fail" = 0 ]
