#!/usr/bin/env python3
"""A cluster snapshot as `kubectl get ingress,ingressclass,service -A -o json`
prints it (one List, 4-space indentation, managedFields, the
last-applied-configuration annotation and status on every object), for
`lint --against` and `review --against` at realistic sizes.

usage: gen-snapshot.py [--services N] [--ingresses N] [--yaml] > cluster.json

Defaults: 3,000 Services and 1,000 Ingresses (about 21 MB).  Ingress i is
team-(i % 50)/app-i serving host app-i.example.com, paths / and /api
(Prefix) to Service app-i port 80 (which exists); two IngressClasses, nginx
the default.  --yaml prints the same List as `-o yaml` does.  Deterministic.
"""
import argparse
import json
import sys


def ts(i):
    return "2025-%02d-%02dT%02d:%02d:%02dZ" % (1 + i % 12, 1 + i % 28, i % 24, i % 60, (i * 7) % 60)


def uid(kind, i):
    h = (i * 2654435761 + len(kind)) & 0xFFFFFFFFFFFF
    return "%08x-%04x-4%03x-8%03x-%012x" % (h & 0xFFFFFFFF, i & 0xFFFF, i % 4096, (i * 7) % 4096, h)


def managed(api, manager, op, t, fields, sub=None):
    m = {"apiVersion": api, "fieldsType": "FieldsV1", "fieldsV1": fields,
         "manager": manager, "operation": op, "time": t}
    if sub:
        m["subresource"] = sub
    return m


def helm_labels(name, ns):
    return {"app.kubernetes.io/instance": name, "app.kubernetes.io/managed-by": "Helm",
            "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ns,
            "app.kubernetes.io/version": "1.4.2", "helm.sh/chart": "app-1.4.2"}


def f_keys(d):
    return {".": {}, **{"f:" + k: {} for k in d}}


NGINX = {"nginx.ingress.kubernetes.io/proxy-body-size": "8m",
         "nginx.ingress.kubernetes.io/proxy-read-timeout": "120",
         "nginx.ingress.kubernetes.io/ssl-redirect": "true",
         "cert-manager.io/cluster-issuer": "letsencrypt-prod"}


def ingress(i):
    ns, name, host = "team-%d" % (i % 50), "app-%d" % i, "app-%d.example.com" % i
    spec = {
        "ingressClassName": "nginx",
        "rules": [{"host": host, "http": {"paths": [
            {"path": "/", "pathType": "Prefix",
             "backend": {"service": {"name": name, "port": {"number": 80}}}},
            {"path": "/api", "pathType": "Prefix",
             "backend": {"service": {"name": name, "port": {"name": "http"}}}},
        ]}}],
        "tls": [{"hosts": [host], "secretName": name + "-tls"}],
    }
    labels = helm_labels(name, ns)
    applied = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"annotations": NGINX, "labels": labels,
                            "name": name, "namespace": ns}, "spec": spec}
    f_spec = {"f:metadata": {"f:annotations": f_keys(dict(NGINX, **{
                  "kubectl.kubernetes.io/last-applied-configuration": ""})),
                             "f:labels": f_keys(labels)},
              "f:spec": {"f:ingressClassName": {}, "f:rules": {}, "f:tls": {}}}
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {
            "annotations": dict(NGINX, **{
                "kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied, separators=(",", ":")) + "\n"}),
            "creationTimestamp": ts(i), "generation": 1 + i % 3,
            "labels": labels,
            "managedFields": [
                managed("networking.k8s.io/v1", "kubectl-client-side-apply", "Update", ts(i), f_spec),
                managed("networking.k8s.io/v1", "nginx-ingress-controller", "Update", ts(i + 1),
                        {"f:status": {"f:loadBalancer": {"f:ingress": {}}}}, "status"),
            ],
            "name": name, "namespace": ns, "resourceVersion": str(100000 + i), "uid": uid("ing", i)},
        "spec": spec,
        "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.%d" % (1 + i % 250)}]}},
    }


def ingress_class(name, default, i):
    md = {"creationTimestamp": ts(i), "generation": 1, "name": name,
          "resourceVersion": str(500 + i), "uid": uid("ic", i),
          "managedFields": [managed("networking.k8s.io/v1", "helm", "Update", ts(i),
                                    {"f:spec": {"f:controller": {}}})]}
    if default:
        md["annotations"] = {"ingressclass.kubernetes.io/is-default-class": "true"}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": md,
            "spec": {"controller": "k8s.io/ingress-" + name}}


def service(i):
    ns, name = "team-%d" % (i % 50), "app-%d" % i
    spec = {"ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080},
                      {"name": "metrics", "port": 9090, "protocol": "TCP", "targetPort": 9090}],
            "selector": {"app.kubernetes.io/name": name}, "type": "ClusterIP"}
    labels = helm_labels(name, ns)
    applied = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"labels": labels, "name": name, "namespace": ns}, "spec": spec}
    ports = {'k:{"port":%d,"protocol":"TCP"}' % p["port"]: {".": {}, "f:name": {}, "f:port": {},
                                                            "f:protocol": {}, "f:targetPort": {}}
             for p in spec["ports"]}
    full = dict(spec, clusterIP="10.96.%d.%d" % (i // 250, 1 + i % 250),
                clusterIPs=["10.96.%d.%d" % (i // 250, 1 + i % 250)],
                internalTrafficPolicy="Cluster", ipFamilies=["IPv4"], ipFamilyPolicy="SingleStack",
                sessionAffinity="None")
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                            json.dumps(applied, separators=(",", ":")) + "\n"},
            "creationTimestamp": ts(i), "labels": labels,
            "managedFields": [managed("v1", "kubectl-client-side-apply", "Update", ts(i),
                                      {"f:metadata": {"f:annotations": {".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {}},
                                                      "f:labels": f_keys(labels)},
                                       "f:spec": {"f:internalTrafficPolicy": {}, "f:ports": dict(ports, **{".": {}}),
                                                  "f:selector": {}, "f:sessionAffinity": {}, "f:type": {}}})],
            "name": name, "namespace": ns, "resourceVersion": str(200000 + i), "uid": uid("svc", i)},
        "spec": full,
        "status": {"loadBalancer": {}},
    }


def yaml_dump(v, ind=0, out=None):
    """YAML as kubectl -o yaml writes it (2-space indentation, '- ' items at
    the parent's indentation); strings JSON-quoted when they need quotes."""
    pad = " " * ind

    def scalar(x):
        if isinstance(x, bool):
            return "true" if x else "false"
        if isinstance(x, (int, float)):
            return str(x)
        if x == "" or any(c in x for c in ":#{}[],&*!|>'\"%@`\n") or x.strip() != x or \
                x.lower() in ("true", "false", "null", "yes", "no", "on", "off", "y", "n", "~") or \
                x[0] in "-?0123456789.":
            return json.dumps(x)
        return x
    lines = out if out is not None else []
    if isinstance(v, dict):
        for k, x in v.items():
            ks = scalar(k)
            if isinstance(x, dict) and x:
                lines.append("%s%s:" % (pad, ks))
                yaml_dump(x, ind + 2, lines)
            elif isinstance(x, list) and x:
                lines.append("%s%s:" % (pad, ks))
                yaml_dump(x, ind, lines)
            else:
                lines.append("%s%s: %s" % (pad, ks, "{}" if x == {} else "[]" if x == [] else scalar(x)))
    elif isinstance(v, list):
        for x in v:
            if isinstance(x, (dict, list)) and x:
                sub = []
                yaml_dump(x, ind + 2, sub)
                sub[0] = pad + "- " + sub[0][ind + 2:]
                lines.extend(sub)
            else:
                lines.append("%s- %s" % (pad, scalar(x)))
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--services", type=int, default=3000)
    ap.add_argument("--ingresses", type=int, default=1000)
    ap.add_argument("--yaml", action="store_true")
    a = ap.parse_args()
    items = [ingress(i) for i in range(a.ingresses)]
    items += [ingress_class("nginx", True, 1), ingress_class("traefik", False, 2)]
    items += [service(i) for i in range(a.services)]
    doc = {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}
    if a.yaml:
        sys.stdout.write("\n".join(yaml_dump(doc)) + "\n")
    else:
        sys.stdout.write(json.dumps(doc, indent=4) + "\n")


if __name__ == "__main__":
    main()
