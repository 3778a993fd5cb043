#!/usr/bin/env python3
"""Writes N Ingresses (networking.k8s.io/v1) and their translation to Gateway API
(one Gateway, one HTTPRoute per Ingress: hosts -> hostnames, Prefix -> PathPrefix,
Exact -> Exact, the backend Service and port kept), the way ingress2gateway
translates plain Ingresses.  A few in a hundred use a wildcard host, and one in
fifty puts an Exact path next to a longer Prefix (where the two APIs' precedence
differs), so the diff has real differences to find.
usage: gen.py [N] [OUT]   (defaults 10000, /tmp/iw-bench-diff); deterministic."""
import json, random, sys, os

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
OUT = sys.argv[2] if len(sys.argv) > 2 else "/tmp/iw-bench-diff"
rnd = random.Random(7)
WORDS = ["shop", "api", "cart", "auth", "media", "search", "admin", "billing", "static",
         "docs", "status", "metrics", "users", "orders", "catalog", "checkout"]
TEAMS = ["payments", "platform", "growth", "core", "edge", "data"]
os.makedirs(OUT, exist_ok=True)
ings, routes = [], []
for i in range(N):
    ns = rnd.choice(TEAMS)
    name = f"{rnd.choice(WORDS)}-{i}"
    domain = f"{rnd.choice(WORDS)}-{i}.example.com"
    hosts = [domain] + [f"{rnd.choice(WORDS)}.{domain}" for _ in range(rnd.randint(0, 1))]
    if i % 37 == 0:
        hosts.append(f"*.{domain}")
    paths = []
    for w in rnd.sample(WORDS, rnd.randint(1, 4)):
        paths.append(("Prefix", "/" + w, f"{w}-svc", rnd.choice([80, 8080])))
    if i % 50 == 0:
        paths.append(("Exact", "/exact", "exact-svc", 80))
        paths.append(("Prefix", "/exact/", "prefix-svc", 80))
    rules = [{"host": h, "http": {"paths": [
        {"path": p, "pathType": t, "backend": {"service": {"name": s, "port": {"number": port}}}}
        for t, p, s, port in paths]}} for h in hosts]
    ings.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                 "metadata": {"name": name, "namespace": ns}, "spec": {"ingressClassName": "nginx", "rules": rules}})
    routes.append({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                   "metadata": {"name": name, "namespace": ns},
                   "spec": {"parentRefs": [{"name": "nginx", "namespace": "gateway"}],
                            "hostnames": hosts,
                            "rules": [{"matches": [{"path": {"type": "PathPrefix" if t == "Prefix" else t, "value": p}}],
                                       "backendRefs": [{"name": s, "port": port}]} for t, p, s, port in paths]}})
gw = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
      "metadata": {"name": "nginx", "namespace": "gateway"},
      "spec": {"gatewayClassName": "nginx", "listeners": [
          {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "All"}}}]}}
with open(os.path.join(OUT, "ingresses.json"), "w") as f:
    json.dump({"apiVersion": "v1", "kind": "List", "items": ings}, f)
with open(os.path.join(OUT, "httproutes.json"), "w") as f:
    json.dump({"apiVersion": "v1", "kind": "List", "items": [gw] + routes}, f)
print(f"{N} Ingresses -> {OUT}/ingresses.json, {OUT}/httproutes.json")
