#!/usr/bin/env python3
"""Writes N realistic Ingresses (networking.k8s.io/v1, 1-2 KB each as YAML,
about 5 % invalid in the ways people get them wrong) in three forms holding
the same objects:
  OUT/ingresses.json   one JSON document per object, concatenated (indented, as kubectl -o json)
  OUT/compact.json     the same, compact, one per line (the objects of cases.jsonl)
  OUT/ingresses.yaml   one YAML document per object, `---` separated
  OUT/cases.jsonl      {"id", "object"} lines for the peer (validate.mjs)
usage: gen.py [N] [OUT]   (defaults 100000, /tmp/iw-bench-lint); deterministic."""
import json, random, sys, os
import yaml

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
OUT = sys.argv[2] if len(sys.argv) > 2 else "/tmp/iw-bench-lint"
rnd = random.Random(42)
WORDS = ["shop", "api", "cart", "auth", "media", "search", "admin", "billing", "static",
         "docs", "status", "metrics", "users", "orders", "catalog", "checkout"]
TEAMS = ["payments", "platform", "growth", "core", "edge", "data"]

def ingress(i):
    app = f"{rnd.choice(WORDS)}-{rnd.choice(WORDS)}-{i}"
    ns = f"{rnd.choice(TEAMS)}-{rnd.choice(['prod', 'staging', 'dev'])}"
    domain = f"{rnd.choice(WORDS)}-{i}.example.com"   # one site per Ingress, as in a real cluster
    hosts = [domain] + [f"{rnd.choice(WORDS)}.{domain}" for _ in range(rnd.randint(0, 2))]
    rules = []
    for h in hosts:
        paths, seen = [], set()
        for _ in range(rnd.randint(1, 4)):
            path = "/" + "/".join(rnd.sample(WORDS, rnd.randint(1, 2)))
            if path in seen:
                continue
            seen.add(path)
            port = ({"number": rnd.choice([80, 443, 8080, 9000])} if rnd.random() < 0.7
                    else {"name": rnd.choice(["http", "https", "grpc", "web"])})
            paths.append({"path": path,
                          "pathType": rnd.choice(["Prefix", "Prefix", "Exact", "ImplementationSpecific"]),
                          "backend": {"service": {"name": f"{app}-{rnd.choice(WORDS)}", "port": port}}})
        rules.append({"host": h, "http": {"paths": paths}})
    obj = {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {
            "name": app, "namespace": ns,
            "labels": {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": rnd.choice(WORDS),
                       "team": rnd.choice(TEAMS)},
            "annotations": {"cert-manager.io/cluster-issuer": "letsencrypt-prod",
                            "nginx.ingress.kubernetes.io/proxy-body-size": f"{rnd.choice([1, 8, 50])}m",
                            "nginx.ingress.kubernetes.io/ssl-redirect": "true"},
        },
        "spec": {"ingressClassName": "nginx",
                 "tls": [{"hosts": hosts, "secretName": f"{app}-tls"}],
                 "rules": rules},
    }
    r = rnd.random()
    if r < 0.05:   # invalid, the usual ways
        p = obj["spec"]["rules"][0]["http"]["paths"][0]
        k = rnd.randint(0, 4)
        if k == 0: obj["spec"]["rules"][0]["host"] = domain.upper()
        elif k == 1: p.pop("pathType")
        elif k == 2: p["backend"]["service"]["port"] = {"number": 70000}
        elif k == 3: p["path"] = p["path"].lstrip("/") or "x"
        else: obj["metadata"]["name"] = app.replace("-", "_")
    return obj

os.makedirs(OUT, exist_ok=True)
with open(f"{OUT}/ingresses.json", "w") as fj, open(f"{OUT}/ingresses.yaml", "w") as fy, \
     open(f"{OUT}/cases.jsonl", "w") as fc, open(f"{OUT}/compact.json", "w") as fk:
    for i in range(N):
        o = ingress(i)
        fj.write(json.dumps(o, indent=1) + "\n")
        fy.write("---\n" + yaml.safe_dump(o, sort_keys=False, default_flow_style=False))
        fc.write(json.dumps({"id": i, "object": o}, separators=(",", ":")) + "\n")
        fk.write(json.dumps(o, separators=(",", ":")) + "\n")
for f in ("ingresses.json", "compact.json", "ingresses.yaml", "cases.jsonl"):
    print(f"{OUT}/{f}: {os.path.getsize(f'{OUT}/{f}')} bytes, {N} objects")
