#!/usr/bin/env python3
"""Render an nginx.conf from Ingress objects (a JSON List), the way a controller
maps them, for conformance tests of `ingress-warden conformance`.

usage: nginx-conf.py faithful|naive|redirect INGRESSES.json PORT PREFIX_DIR > nginx.conf

faithful: Exact -> `location = /p`; Prefix /p -> `location = /p` + `location /p/`
          (element-wise, like ingress-nginx); ImplementationSpecific -> `location /p`;
          wildcard hosts match one label; host first, no fall-through; default
          backends per SEMANTICS.md sec. 8; same-key locations resolved by the
          reference precedence (longest path, Exact > Prefix > IS, oldest, ns/name).
naive:    the same, except Prefix /p -> `location /p` (a string prefix: /foobar too).
redirect: faithful, except that a Prefix path written with a trailing slash (/p/)
          answers /p with a 301 to /p/, as nginx does for such a proxy_pass
          location (SEMANTICS.md D3): a client that follows redirects to the same
          address, like the conformance suite, still reaches the same backend.
Every location answers with its backend's identity, like `ingress-warden router`:
a JSON body and the header X-Ingress-Warden-Backend: NS/INGRESS/SERVICE:PORT.
IngressClass selection is not modelled: every Ingress is served.
"""
import json
import re
import sys

TYPE_ORDER = {"Exact": 0, "Prefix": 1, "ImplementationSpecific": 2}


def items(doc):
    if doc.get("kind", "").endswith("List"):
        for it in doc.get("items") or []:
            yield from items(it)
    else:
        yield doc


def age_key(i, ing):
    md = ing["metadata"]
    ts = md.get("creationTimestamp")
    return (0 if ts else 1, ts or "", "%s/%s" % (md.get("namespace", "default"), md["name"]), i)


def ident(ing, backend):
    md = ing["metadata"]
    svc = backend["service"]
    port = svc.get("port", {})
    port = port.get("number", port.get("name"))
    return md.get("namespace", "default"), md["name"], svc["name"], port


def answer(match, ing, backend):
    ns, name, svc, port = ident(ing, backend)
    body = json.dumps({"match": match, "namespace": ns, "ingress": name, "service": svc,
                       "port": port}, separators=(",", ":"))
    body = body[:-1] + ',"path":"$request_uri","host":"$http_host"}'
    return ('add_header X-Ingress-Warden-Backend "%s/%s/%s:%s" always; return 200 \'%s\';'
            % (ns, name, svc, port, body))


def main():
    mode, src, port, prefix = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    ings = [o for o in items(json.load(open(src))) if o.get("kind") == "Ingress"]
    ranked = sorted(enumerate(ings), key=lambda p: age_key(*p))
    groups = {}     # host -> list of (sortkey, nginx location key, answer)
    claim = {}      # host -> first Ingress (by age) with a defaultBackend and a rule there
    global_default = None
    for rank, (_, ing) in enumerate(ranked):
        spec = ing.get("spec", {})
        dflt = spec.get("defaultBackend")
        if dflt and global_default is None:
            global_default = ing
        for ri, rule in enumerate(spec.get("rules") or []):
            host = rule.get("host", "")
            groups.setdefault(host, [])
            if dflt and host not in claim:
                claim[host] = ing
            for pi, p in enumerate((rule.get("http") or {}).get("paths") or []):
                path, pt = p.get("path") or "/", p["pathType"]
                prec = (-len(path), TYPE_ORDER[pt], rank, ri, pi)
                keys = []
                if pt == "Exact":
                    keys = [("=", path)]
                elif pt == "ImplementationSpecific" or (pt == "Prefix" and mode == "naive"):
                    keys = [("", path)]
                else:
                    q = path[:-1] if path.endswith("/") else path
                    keys = [("", "/")] if q == "" else [("=", q), ("", q + "/")]
                for k in keys:
                    ans = answer("rule", ing, p["backend"])
                    if mode == "redirect" and pt == "Prefix" and k[0] == "=" and path.endswith("/"):
                        ans = "return 301 %s/;" % k[1]
                    groups[host].append((prec, k, ans))
    out = ["worker_processes 1;", "error_log %s/error.log warn;" % prefix,
           "pid %s/nginx.pid;" % prefix, "events { worker_connections 64; }", "http {",
           "  access_log off;", "  default_type application/json;"]
    for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        out.append("  %s_temp_path %s/tmp_%s;" % (t, prefix, t))

    def server(host, entries, default_ing):
        if host == "":
            out.append("  server {\n    listen 127.0.0.1:%s default_server;\n    server_name _;" % port)
        elif host.startswith("*."):
            out.append("  server {\n    listen 127.0.0.1:%s;\n    server_name ~^[^.]+%s$;"
                       % (port, re.escape(host[1:])))
        else:
            out.append("  server {\n    listen 127.0.0.1:%s;\n    server_name %s;" % (port, host))
        best = {}
        for prec, key, ans in entries:
            if key not in best or prec < best[key][0]:
                best[key] = (prec, ans)
        if ("", "/") not in best:
            best[("", "/")] = (None, answer("default", default_ing, default_ing["spec"]["defaultBackend"])
                               if default_ing else "return 404;")
        for (mod, loc), (_, ans) in sorted(best.items()):
            out.append("    location %s%s { %s }" % (mod + " " if mod else "", loc, ans))
        out.append("  }")

    server("", groups.get("", []), global_default)
    for host in sorted(h for h in groups if h):
        server(host, groups[host], claim.get(host))
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
