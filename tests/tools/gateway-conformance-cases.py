#!/usr/bin/env python3
"""Writes the routing cases of the Gateway API conformance suite's HTTPRoute
tests (conformance/tests/httproute-*.go: the testCases whose requests and
expectations are plain literals; redirects, rewrites and timeouts left out)
as JSON lines, for tests/suites/gateway_conformance.sh.

usage: gateway-conformance-cases.py GATEWAY_API_REPO COMMIT > tests/gateway/conformance-cases.jsonl
Each case: {"id", "from", "gateway": "NS/NAME", "files": [the base manifests and
the test's manifest, as copied to tests/real/gateway-api], "request": {"host",
"path", "method", "headers", "port"}, "expect": {"status", "namespace",
"service"}}; the Host is the Gateway's address (192.0.2.1 stands in for it)
when the case names none."""
import json, os, re, sys
repo, commit = sys.argv[1], sys.argv[2]
CONST = {"confsuite.InfraBackendServiceNameV1": "infra-backend-v1",
         "confsuite.InfraBackendServiceNameV2": "infra-backend-v2",
         "confsuite.InfraBackendServiceNameV3": "infra-backend-v3",
         "confsuite.InfrastructureNamespace": "gateway-conformance-infra",
         "confsuite.AppBackendNamespace": "gateway-conformance-app-backend",
         "confsuite.WebBackendNamespace": "gateway-conformance-web-backend"}
def val(tok, env):
    tok = tok.strip()
    if tok.startswith('"'): return json.loads(tok)
    return env.get(tok, CONST.get(tok))
def blocks(s, start):
    """the top-level {...} elements of the slice literal starting at s[start] == '{'"""
    out, depth, i, cur = [], 0, start, None
    while i < len(s):
        c = s[i]
        if c == '"':
            j = i + 1
            while s[j] != '"':
                j += 2 if s[j] == '\\' else 1
            i = j
        elif c == '{':
            depth += 1
            if depth == 2: cur = i
        elif c == '}':
            if depth == 2: out.append(s[cur + 1:i])
            depth -= 1
            if depth == 0: return out
        i += 1
    return out
total = 0
for fn in sorted(os.listdir(os.path.join(repo, "conformance/tests"))):
    if not fn.startswith("httproute-") or not fn.endswith(".go"): continue
    src = open(os.path.join(repo, "conformance/tests", fn)).read()
    m = re.search(r'Manifests:\s*\[\]string\{"([^"]+)"', src)
    tc = re.search(r'testCases\s*:?=\s*\[\]http\.ExpectedResponse\{', src)
    if not m or not tc: continue
    env = {"ns": CONST["confsuite.InfrastructureNamespace"]}
    for k, v in re.findall(r'(\w+)\s*:=\s*("[^"]*"|confsuite\.\w+)\n', src):
        env[k] = val(v, env)
    gw = re.search(r'gwNN\s*:?=\s*types\.NamespacedName\{Name:\s*("[^"]*"|\w+),\s*Namespace:\s*(\w+|"[^"]*")', src)
    if not gw: continue
    gwname, gwns = val(gw.group(1), env), val(gw.group(2), env)
    for i, b in enumerate(blocks(src, tc.end() - 1)):
        if re.search(r'RedirectRequest|ExpectedRequest|Response:\s*http\.Response\{StatusCode:\s*30', b):
            continue   # redirects and rewrites: the corpus has those
        if 'Request:' not in b: continue
        req = b.split('Response:')[0]
        host = re.search(r'Host:\s*("[^"]*"|\w+)', req); path_ = re.search(r'Path:\s*("[^"]*"|\w+)', req)
        meth = re.search(r'Method:\s*("[^"]*"|\w+)', req)
        hdrs = re.search(r'Headers:\s*map\[string\]string\{([^}]*)\}', req)
        host = val(host.group(1), env) if host else "192.0.2.1"
        p = val(path_.group(1), env) if path_ else "/"
        if host is None or p is None: continue
        if "timeout" in fn: continue
        request = {"host": host, "path": p, "method": val(meth.group(1), env) if meth else "GET",
                   "headers": {json.loads(k): json.loads(v) for k, v in
                               re.findall(r'("[^"]*")\s*:\s*("[^"]*")', hdrs.group(1))} if hdrs else {}}
        hp = re.match(r'^(.*):(\d+)$', host)
        if hp: request["port"] = int(hp.group(2))
        be = re.search(r'Backend:\s*("[^"]*"|[\w.]+)', b); nsm = re.search(r'Namespace:\s*("[^"]*"|[\w.]+)', b)
        st = re.search(r'StatusCode:\s*(\d+)', b.split("Response:")[1]) if "Response:" in b else None
        want_svc = val(be.group(1), env) if be else None
        want_ns = val(nsm.group(1), env) if nsm else None
        want_status = int(st.group(1)) if st else 200
        if be and want_svc is None: continue
        total += 1
        print(json.dumps({"id": f"{fn[:-3]}-{i}",
                          "from": f"kubernetes-sigs/gateway-api conformance/tests/{fn} (commit {commit}) testCases[{i}]",
                          "gateway": f"{gwns}/{gwname}",
                          "files": ["conformance/base/manifests.yaml", "conformance/" + m.group(1)],
                          "request": request,
                          "expect": {"status": want_status, "namespace": want_ns if want_svc else None,
                                     "service": want_svc}}))
