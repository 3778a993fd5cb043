#!/usr/bin/env python3
"""Render an nginx.conf from Ingress objects (a JSON List) the way ingress-nginx
v1.15.1 writes its template (rootfs/etc/nginx/template/nginx.tmpl), for
`ingress-warden conformance --controller ingress-nginx` against real nginx.

usage: ngx-conf.py INGRESSES.json PORT PREFIX_DIR > nginx.conf

Written from tests/corpus/SEMANTICS-ingress-nginx.md ("sec. N"), step by step as
its sec. 13 pseudo-code, independently of the C emulation: the controller side
(sec. 1-7: which Ingresses, their order, upstreams, servers, locations, canary
merge, location order and the Prefix expansion, regex mode) is computed here;
the nginx side (request parsing, server choice, location choice, the trailing
slash redirect) is left to nginx itself, which is the point of the test.

Every location has a proxy_pass (so that nginx sets auto_redirect, as for
ingress-nginx's locations) and answers itself with `return`, before proxying:
  - an Ingress backend: 200, a JSON body and the header
    X-Ingress-Warden-Backend: NS/INGRESS/SERVICE:PORT;
  - the controller's default backend: 404;
  - what Lua would do (sec. 11, sec. 7), written as its static outcome: 308 for
    the HTTPS redirect; the canary's identity when its weight covers every
    request without canary header or cookie.
"_" has ingress-nginx's /healthz (200) and /nginx_status (403: the probes model
a client that is not local, so `deny all`).
"""
import json
import re
import sys
from datetime import datetime

P = "nginx.ingress.kubernetes.io/"


def items(doc):
    if doc.get("kind", "").endswith("List"):
        for it in doc.get("items") or []:
            yield from items(it)
    else:
        yield doc


def parse_bool(v):  # Go strconv.ParseBool; None when invalid
    if v in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if v in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None


def ann(ing, name):
    return (ing["metadata"].get("annotations") or {}).get(P + name)


def atoi(v, default):
    return int(v) if v is not None and re.fullmatch(r"[+-]?[0-9]+", v) else default


REWRITE_OK = re.compile(r"^/?[-._~a-zA-Z0-9/:$]*$")   # parser/validators.go:77
CRITICAL = {"configuration-snippet", "server-snippet", "stream-snippet", "auth-snippet",
            "modsecurity-snippet"}
FORBIDDEN = [re.compile(r"(?s)\s*alias\s*.*;"), re.compile(r"(?s)\s*root\s*.*;"),
             re.compile(r"/etc/(passwd|shadow|group|nginx|ingress-controller)"),
             re.compile(r"/var/run/secrets"), re.compile(r".*_by_lua.*")]


class Ing:
    def __init__(self, obj):
        md = obj["metadata"]
        self.obj = obj
        self.ns = md.get("namespace") or "default"
        self.name = md["name"]
        ts = md.get("creationTimestamp")
        self.ts = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ") if ts else datetime.min
        self.spec = obj.get("spec") or {}
        self.canary = parse_bool(ann(obj, "canary")) is True
        self.use_regex = parse_bool(ann(obj, "use-regex")) is True
        rt = ann(obj, "rewrite-target")
        self.rewrite = rt if rt and REWRITE_OK.match(rt) else ""
        b = parse_bool(ann(obj, "ssl-redirect"))
        self.ssl_redirect = True if b is None else b
        self.force_ssl = parse_bool(ann(obj, "force-ssl-redirect")) is True
        ar = ann(obj, "app-root")
        self.app_root = ar if ar and ar.startswith("/") and REWRITE_OK.match(ar) else ""
        self.weight = atoi(ann(obj, "canary-weight"), 0)
        self.weight_total = atoi(ann(obj, "canary-weight-total"), 100)
        al = ann(obj, "server-alias") or ""
        self.aliases = sorted({a.strip() for a in al.split(",") if a.strip()})

    def rules(self):
        return self.spec.get("rules") or []


def served(obj, cls="nginx"):  # sec. 1
    if obj.get("kind") != "Ingress":
        return False
    spec = obj.get("spec") or {}
    if "ingressClassName" in spec:
        if spec["ingressClassName"] != cls:
            return False
    elif (obj["metadata"].get("annotations") or {}).get("kubernetes.io/ingress.class") != cls:
        return False
    strings = []
    for r in spec.get("rules") or []:
        strings.append(r.get("host", ""))
        strings += [p.get("path", "") for p in (r.get("http") or {}).get("paths") or []]
    for t in spec.get("tls") or []:
        strings.append(t.get("secretName", ""))
        strings += t.get("hosts") or []
    if any(rx.search(s) for s in strings if s for rx in FORBIDDEN):
        return False
    anns = obj["metadata"].get("annotations") or {}
    return not any(k.startswith(P) and k[len(P):] in CRITICAL for k in anns)


def ups_name(ns, svc):  # util.go:50
    port = svc.get("port") or {}
    if port.get("number", 0) > 0:
        return "%s-%s-%d" % (ns, svc["name"], port["number"])
    if port.get("name"):
        return "%s-%s-%s" % (ns, svc["name"], port["name"])
    return "%s-INVALID" % ns


def ptype(p):  # sec. 2
    t = p.get("pathType")
    return "Prefix" if t in (None, "ImplementationSpecific") else t


class Loc:
    def __init__(self, path, pt, ing, backend, upstream, is_def, kind="path"):
        self.path, self.pt, self.ing, self.backend = path, pt, ing, backend
        self.upstream, self.is_def, self.kind = upstream, is_def, kind
        self.ann = ing if kind != "catchall" else None   # whose rewrite annotations


def build(ings):
    ings = [i for i in ings]
    # sec. 3: creationTimestamp ascending, then "ns/name" descending
    ings.sort(key=lambda i: "%s/%s" % (i.ns, i.name), reverse=True)
    ings.sort(key=lambda i: i.ts)
    # sec. 4
    ups = {}
    for i in ings:
        d = i.spec.get("defaultBackend")
        if d and d.get("service"):
            ups[ups_name(i.ns, d["service"])] = {"noserver": i.canary, "creator": i, "backend": d,
                                                 "default": True, "alt": None}
        for r in i.rules():
            for p in (r.get("http") or {}).get("paths") or []:
                svc = p["backend"].get("service")
                if not svc:
                    continue
                n = ups_name(i.ns, svc)
                if n not in ups:
                    ups[n] = {"noserver": i.canary, "creator": i, "backend": p["backend"],
                              "default": False, "alt": None}
    # sec. 5
    servers = {"_": {"locs": [Loc("/", "Prefix", None, None, None, True, "root")], "creator": None}}
    for i in ings:
        if i.canary:
            continue
        un, ub = None, None
        d = i.spec.get("defaultBackend")
        if d and d.get("service"):
            un, ub = ups_name(i.ns, d["service"]), d
            root = servers["_"]["locs"][0]
            if root.is_def and not i.rules():
                servers["_"]["locs"][0] = Loc("/", "Prefix", i, ub, un, False, "catchall")
        for r in i.rules():
            h = r.get("host") or "_"
            if h not in servers:
                servers[h] = {"locs": [Loc("/", "Prefix", i, ub, un, True, "root")], "creator": i}
    aliases, certs = {}, {"_"}
    for i in ings:
        if i.canary:
            continue
        for r in i.rules():
            h = r.get("host") or "_"
            if not aliases.get(h):
                aliases[h] = i.aliases
            if h not in certs and i.spec.get("tls"):
                certs.add(h)
    for h in list(aliases):
        aliases[h] = [a for a in aliases[h] if a != h and a not in servers]
    # sec. 6.1-6.5
    for i in ings:
        for r in i.rules():
            h = r.get("host") or "_"
            srv = servers.get(h, servers["_"])
            for p in (r.get("http") or {}).get("paths") or []:
                svc = p["backend"].get("service")
                if not svc:
                    continue
                n = ups_name(i.ns, svc)
                if ups[n]["noserver"]:
                    continue
                path, pt = p.get("path") or "/", ptype(p)
                same = [l for l in srv["locs"] if l.path == path]
                if same and same[0].pt == pt:
                    if same[0].is_def:
                        k = srv["locs"].index(same[0])
                        srv["locs"][k] = Loc(path, pt, i, p["backend"], n, False)
                    continue
                srv["locs"].append(Loc(path, pt, i, p["backend"], n, False))
    # sec. 7
    if any(not i.canary for i in ings):
        for c in ings:
            if not c.canary:
                continue
            pairs = []
            d = c.spec.get("defaultBackend")
            if d and d.get("service"):
                pairs.append(("_", None, None, ups_name(c.ns, d["service"])))
            for r in c.rules():
                for p in (r.get("http") or {}).get("paths") or []:
                    if p["backend"].get("service"):
                        pairs.append((r.get("host") or "_", p.get("path") or "/", ptype(p),
                                      ups_name(c.ns, p["backend"]["service"])))
            for h, path, pt, alt in pairs:
                if alt not in ups or h not in servers:
                    continue
                merged = eq = False
                for l in servers[h]["locs"]:
                    if l.upstream is not None and l.upstream not in ups:
                        continue
                    eq = l.upstream == alt
                    if eq:
                        break
                    if l.upstream is None or ups[l.upstream]["noserver"]:
                        continue
                    if path is not None and (l.path != path or l.pt != pt):
                        continue
                    if ups[l.upstream]["alt"] is None:
                        ups[l.upstream]["alt"] = alt
                    merged = True
                if not eq and not merged:
                    del ups[alt]
    # sec. 6.6, 6.7
    for srv in servers.values():
        locs = sorted(srv["locs"], key=lambda l: l.path, reverse=True)
        locs.sort(key=lambda l: len(l.path), reverse=True)
        exact = {l.path for l in locs if l.pt == "Exact"}
        out = []
        for l in locs:
            out.append(l)
            if l.path == "/" or l.pt != "Prefix" or regex_self(l, l.path):
                continue
            orig = l.path
            l.path = orig if orig.endswith("/") else orig + "/"
            if orig in exact:
                continue
            c = Loc(orig, "Exact", l.ing, l.backend, l.upstream, l.is_def, l.kind)
            c.ann = l.ann
            out.append(c)
        srv["locs"] = out
        srv["regex"] = any(regex_self(l, l.path) for l in out)
    return servers, ups, aliases, certs


def regex_self(l, path):
    a = l.ann
    return bool(a) and (a.use_regex or (a.rewrite != "" and a.rewrite != path))


def q(s):  # sanitizeQuotedRegex
    return s.replace("\\", "\\\\").replace('"', '\\"')


def cert_for(host, certs):  # certificate.lua:48-72, for requests whose Host is the server's
    if host == "_":
        return False   # the default server: the Host names no server (probes use the IP)
    if host in certs:
        return True
    m = re.match(r"^[^.]+\.(.*)$", host)
    return bool(m) and ("*." + m.group(1)) in certs


def answer(l, host, ups, certs):
    if l.kind != "catchall" and l.ann:
        acme = l.path.startswith("/.well-known/acme-challenge")
        if not acme and (l.ann.force_ssl or (l.ann.ssl_redirect and cert_for(host, certs))):
            return "return 308 https://$host$request_uri;"
    if l.upstream is None:
        return "return 404;"
    if l.upstream not in ups:
        return "return 503;"
    ing, be, match = l.ing, l.backend, "default" if l.kind != "path" else "rule"
    alt = ups[l.upstream]["alt"]
    if alt in ups:
        a = ups[alt]
        c = a["creator"]
        w, tot = (c.weight, c.weight_total if c.weight_total > 100 else 100) if a["noserver"] \
            else (0, 100)
        if w >= tot:
            ing, be, match = c, a["backend"], "default" if a["default"] else "rule"
    svc = be["service"]
    port = svc.get("port") or {}
    port = port.get("number") or port.get("name")
    body = json.dumps({"match": match, "namespace": ing.ns, "ingress": ing.name,
                       "service": svc["name"], "port": port}, separators=(",", ":"))
    return ('add_header X-Ingress-Warden-Backend "%s/%s/%s:%s" always; return 200 \'%s\';'
            % (ing.ns, ing.name, svc["name"], port, body))


def main():
    src, port, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
    objs = [o for o in items(json.load(open(src)))]
    ings = [Ing(o) for o in objs if served(o)]
    servers, ups, aliases, certs = build(ings)
    out = ["worker_processes 1;", "error_log %s/error.log warn;" % prefix,
           "pid %s/nginx.pid;" % prefix, "events { worker_connections 64; }", "http {",
           "  access_log off;", "  default_type application/json;",
           "  server_name_in_redirect off;", "  port_in_redirect off;"]
    for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        out.append("  %s_temp_path %s/tmp_%s;" % (t, prefix, t))
    for host in sorted(servers):   # ctl:1011-1013
        srv = servers[host]
        if host.startswith("*"):   # tg:1686-1695
            name = '"~^(?<subdomain>[\\w-]+)\\.%s$"' % "\\.".join(host[2:].split("."))
        else:
            name = '"%s"' % host
        names = " ".join([name] + ['"%s"' % q(a) for a in aliases.get(host, [])])
        out.append("  server {")
        out.append("    listen 127.0.0.1:%s%s;" % (port, " default_server" if host == "_" else ""))
        out.append("    server_name %s;" % names)
        for l in srv["locs"]:
            if l.ann and l.ann.app_root and l.kind != "catchall":
                out.append("    if ($uri = /) { return 302 $scheme://$http_host%s; }"
                           % l.ann.app_root)
        for l in srv["locs"]:
            if srv["regex"]:
                d = '~* "^%s"' % q(l.path)
            elif l.pt == "Exact":
                d = '= "%s"' % q(l.path)
            else:
                d = '"%s"' % q(l.path)
            out.append("    location %s { proxy_pass http://127.0.0.1:9; %s }"
                       % (d, answer(l, host, ups, certs)))
        if host == "_":
            out.append("    location /healthz { return 200; }")
            out.append("    location /nginx_status { deny all; }")
        out.append("  }")
    out.append("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
