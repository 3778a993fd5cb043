#!/usr/bin/env python3
"""The same verdict everywhere: every case goes through `lint -o json`,
`review` and a running `serve`, and the three must agree on

  - the verdict (allowed or not),
  - the API-server errors (field and text, each distinct error once),
  - the findings of the checks beyond the API server (check, severity,
    field and message), for an object the API server accepts.

Cases: every case of the validation corpus (no cluster state), and every
object of the check scenarios (tests/checks/*.yaml) with and without the
cluster snapshot tests/checks/cluster.json and with and without the policy
file tests/checks/lenient.conf.  serve gets the snapshot from a fake API
server (tests/tools/kubefake, KUBEFAKE_OBJECTS) and the policy from --config;
lint and review get them from --against and --config.

Two differences are by design and not compared: lint cannot express an
UPDATE (an old object), so the corpus's UPDATE cases are compared between
review and serve only; and for an object the API server refuses, review and
serve answer as the API server does (its 422, where no webhook runs) while
lint also lists the findings, so findings are compared for accepted objects.

One more by design (issue 12 section 4): an Ingress or IngressClass of a
version no API server of 1.34-1.37 serves (extensions/v1beta1,
networking.k8s.io/v1beta1) is denied by lint with kubectl's error ("no matches
for kind ... in version ...", what `kubectl apply` meets), while review and
serve judge the AdmissionReview they are given (as the API server converted
it).  For those lint must deny, with that error first and then exactly the
errors review reports; findings are not compared.

usage: same_verdict.py BINARY CORPUS CHECKS_DIR SERVERS_JSON
  SERVERS_JSON: {"plain": [port, cafile], "state": ..., "config": ..., "both": ...}
Prints each disagreement and 'N passed, N failed'; exit 1 on any.
SAME_VERDICT_SHOW=1 prints every case's three verdicts."""
import http.client, importlib.machinery, importlib.util, json, os, ssl, subprocess, sys, tempfile

import yaml

binary, corpus, checks_dir, servers_file = sys.argv[1:5]
servers = json.load(open(servers_file))
here = os.path.dirname(os.path.abspath(__file__))
loader = importlib.machinery.SourceFileLoader("scorer", os.path.join(here, "..", "tools", "score-validation"))
spec = importlib.util.spec_from_loader("scorer", loader)
scorer = importlib.util.module_from_spec(spec)
loader.exec_module(scorer)
tmp = tempfile.mkdtemp(prefix="iw-same-verdict.")
state_file = os.path.join(checks_dir, "cluster.json")
config_file = os.path.join(checks_dir, "lenient.conf")

conns = {}
def serve(variant, body):
    port, cafile = servers[variant]
    if variant not in conns:
        ctx = ssl.create_default_context(cafile=cafile)
        conns[variant] = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=20)
    conn = conns[variant]
    conn.request("POST", "/validate", body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise RuntimeError("serve answered %d: %r" % (resp.status, data[:200]))
    return json.loads(data)

def finding_text(check, field, message):
    return "%s: %s%s%s" % (check, field, ": " if field else "", message)

def from_review(answer):
    """(allowed, errors, findings) of an AdmissionReview response."""
    r = answer["response"]
    errors, findings = [], []
    st = r.get("status") or {}
    causes = (st.get("details") or {}).get("causes") or []
    if st.get("code") in (400, 422):
        errors = [(c["field"], c["message"]) for c in causes]
    elif st.get("code") == 403:
        findings += [("error", finding_text(c["reason"], c["field"], c["message"])) for c in causes]
    findings += [("warning", w) for w in r.get("warnings") or []]
    return r["allowed"], errors, sorted(findings)

def from_lint(result):
    """The same of one object of `lint -o json`."""
    errors, seen = [], set()
    for e in result["errors"]:
        prefix = e["field"] + ": "
        text = e["message"][len(prefix):] if e["message"].startswith(prefix) else e["message"]
        if (e["field"], text) not in seen:   # the API server names each distinct error once
            seen.add((e["field"], text))
            errors.append((e["field"], text))
    findings = sorted((f["severity"], finding_text(f["check"], f["field"], f["message"]))
                      for f in result["findings"])
    return result["allowed"], errors, findings

def lint(path, variant):
    args = [binary, "lint", "-o", "json"]
    if variant in ("state", "both"):
        args += ["--against", state_file]
    if variant in ("config", "both"):
        args += ["--config", config_file]
    run = subprocess.run(args + [path], capture_output=True, timeout=60)
    out = json.loads(run.stdout)
    if out.get("problems"):
        raise RuntimeError("lint: input problems %r" % out["problems"])
    return out["results"]

def review(body, variant):
    args = [binary, "review"]
    if variant in ("state", "both"):
        args += ["--against", state_file]
    if variant in ("config", "both"):
        args += ["--config", config_file]
    run = subprocess.run(args + ["-"], input=body, capture_output=True, timeout=60)
    if run.returncode not in (0, 1):
        raise RuntimeError("review exit %d: %s" % (run.returncode, run.stderr.decode()[:300]))
    return json.loads(run.stdout)

passed = failed = 0
REMOVED = {("Ingress", "extensions/v1beta1"), ("Ingress", "networking.k8s.io/v1beta1"),
           ("IngressClass", "networking.k8s.io/v1beta1")}

def compare(name, verdicts, obj=None):
    """verdicts: {"lint": v, "review": v, "serve": v} (lint may be absent)."""
    global passed, failed
    ref = verdicts["review"]
    bad = []
    if (isinstance(obj, dict) and (obj.get("kind"), obj.get("apiVersion")) in REMOVED
            and "lint" in verdicts):
        v = verdicts.pop("lint")
        want = 'no matches for kind "%s" in version "%s"' % (obj["kind"], obj["apiVersion"])
        if v[0] is not False:
            bad.append("lint says allowed=%s for a removed version" % v[0])
        if not v[1] or v[1][0][0] != "apiVersion" or not v[1][0][1].startswith(want):
            bad.append("lint errors %r: the first is not %r" % (v[1], want))
        elif v[1][1:] != ref[1]:
            bad.append("lint errors after the removed version %r\n       review %r" % (v[1][1:], ref[1]))
    for who, v in verdicts.items():
        if v[0] != ref[0]:
            bad.append("%s says allowed=%s, review %s" % (who, v[0], ref[0]))
        if v[1] != ref[1]:
            bad.append("%s errors %r\n       review %r" % (who, v[1], ref[1]))
        if not ref[1] and v[2] != ref[2]:
            bad.append("%s findings %r\n       review %r" % (who, v[2], ref[2]))
    if bad:
        failed += 1
        print("FAIL %s:\n     %s" % (name, "\n     ".join(bad)))
    else:
        passed += 1

def one(name, obj, op, old, variant, lint_result):
    case = {"id": name, "object": obj, "operation": op, "oldObject": old}
    body = json.dumps(scorer.review_for(case)).encode()
    verdicts = {"review": from_review(review(body, variant)),
                "serve": from_review(serve(variant, body))}
    if lint_result is not None:
        verdicts["lint"] = from_lint(lint_result)
    if os.environ.get("SAME_VERDICT_SHOW"):   # to see what is compared
        print(name, verdicts)
    compare(name, verdicts, obj)

# the validation corpus, no state, default policy
for line in open(corpus):
    if not line.strip():
        continue
    case = json.loads(line)
    try:
        result = None
        if case.get("operation", "CREATE") == "CREATE":
            path = os.path.join(tmp, "object.json")
            with open(path, "w") as f:
                json.dump(case["object"], f)
            results = lint(path, "plain")
            if len(results) != 1:
                raise RuntimeError("lint: %d results" % len(results))
            result = results[0]
        one(case["id"], case["object"], case.get("operation", "CREATE"), case.get("oldObject"),
            "plain", result)
    except (RuntimeError, ValueError, KeyError) as e:
        failed += 1
        print("FAIL %s: %s" % (case["id"], e))

# the check scenarios, in every combination of state and policy
for variant in ("plain", "state", "config", "both"):
    for name in sorted(os.listdir(checks_dir)):
        if not name.endswith(".yaml"):
            continue
        path = os.path.join(checks_dir, name)
        try:
            objs = [d for d in yaml.safe_load_all(open(path)) if d]
            results = lint(path, variant)
            if len(results) != len(objs):
                raise RuntimeError("lint: %d results for %d objects" % (len(results), len(objs)))
            for i, (obj, res) in enumerate(zip(objs, results)):
                one("%s[%d] (%s)" % (name, i, variant), obj, "CREATE", None, variant, res)
        except (RuntimeError, ValueError, KeyError) as e:
            failed += 1
            print("FAIL %s (%s): %s" % (name, variant, e))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
